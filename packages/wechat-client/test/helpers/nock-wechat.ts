import { afterAll, afterEach, beforeAll } from '@jest/globals';
import nock from 'nock';
import { WeChatClient } from '../../src';

/** The real WeChat origin; nock intercepts it, nothing leaves the machine. */
export const WECHAT_ORIGIN = 'https://api.weixin.qq.com';

/** A token and a secret long enough for the redactor; tests search errors and logs for them. */
export const TOKEN = 'ACCESS_TOKEN_84kd93jfKDJf93kdjf93kdjfQpZ';
export const SECRET = 'APPSECRET_5f4dcc3b5aa765d61d8327deb882cf99';
export const APP_ID = 'wx1234567890abcdef';

/** Blocks every real connection except to 127.0.0.1 (house style rule 25). */
export function blockNetwork(): void {
  if (!nock.isActive()) {
    nock.activate();
  }
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
}

/** Undoes {@link blockNetwork} and every interceptor, for afterAll. */
export function restoreNetwork(): void {
  nock.abortPendingRequests();
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
}

/**
 * The client timeout of these tests: short, so a timeout test is quick, yet long enough that a
 * nock'd answer on a loaded CI machine (every suite runs at once) never hits it — 150 ms did.
 * The tests that wait for a timeout delay their answer 2 s.
 */
export const TEST_TIMEOUT_MS = 1000;

/** A client against the nock'd origin with {@link TEST_TIMEOUT_MS}. */
export function nockClient(timeoutMs = TEST_TIMEOUT_MS): WeChatClient {
  return new WeChatClient({ baseUrl: WECHAT_ORIGIN, timeoutMs });
}

/** A WeChat answer as WeChat sends it: JSON text labelled text/plain. */
export const TEXT_PLAIN = { 'Content-Type': 'text/plain' };

/**
 * The hooks of a describe block that talks to nock'd WeChat: no real network, interceptors
 * cleared after each test, the client closed at the end. Returns the block's client.
 */
export function useNockedClient(): () => WeChatClient {
  let client: WeChatClient | undefined;
  beforeAll(() => {
    blockNetwork();
    client = nockClient(TEST_TIMEOUT_MS);
  });
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
  });
  afterAll(() => {
    client?.close();
    restoreNetwork();
  });
  return () => {
    if (!client) {
      throw new Error('useNockedClient: the client exists only inside tests');
    }
    return client;
  };
}
