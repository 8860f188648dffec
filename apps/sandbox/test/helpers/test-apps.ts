import request from 'supertest';
import { createSandboxApp, createSandboxState } from '../../src';
import type { Express } from 'express';
import type { SandboxState, SandboxSettings } from '../../src';

/** The app every sandbox test uses. */
export const APP = { appId: 'wx0000000000000001', appSecret: 'secret-one' } as const;

/** A second app, for isolation checks. */
export const APP2 = { appId: 'wx0000000000000002', appSecret: 'secret-two' } as const;

/** A valid 28-character openid. */
export const OPENID = 'oUser0000000000000000000001';

/** A state and its Express app over both test apps. */
export function buildSandbox(
  options: { now?: () => number; settings?: Partial<SandboxSettings> } = {},
): {
  state: SandboxState;
  app: Express;
} {
  const state = createSandboxState({
    apps: [APP, APP2],
    now: options.now,
    settings: options.settings,
  });
  return { state, app: createSandboxApp(state) };
}

/** Fetches a classic token over HTTP. */
export async function classicToken(
  app: Express,
  appId: string = APP.appId,
  secret: string = APP.appSecret,
): Promise<string> {
  const res = await request(app)
    .get('/cgi-bin/token')
    .query({ grant_type: 'client_credential', appid: appId, secret });
  return (res.body as { access_token: string }).access_token;
}
