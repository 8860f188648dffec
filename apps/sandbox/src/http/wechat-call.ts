import { writeWeChat } from './reply';
import type { Request, Response } from 'express';
import type { WeChatBody } from './reply';
import type { SandboxState } from '../state/sandbox-state';
import type { WeChatApi } from '../types';

/** What a WeChat route is about to answer, before faults are applied. */
export interface WeChatCall {
  api: WeChatApi;
  /** The app the call belongs to, when it can be told. */
  appid: string | undefined;
  /** The recipient, for send calls. */
  touser: string | undefined;
}

const SEND_APIS = new Set<WeChatApi>(['template', 'subscribe', 'bizsend']);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs one WeChat call: the global latency (sends only), then the route's own logic, then
 * writes the answer and counts its errcode.
 */
export async function runWeChatCall(
  state: SandboxState,
  _req: Request,
  res: Response,
  call: WeChatCall,
  produce: () => WeChatBody,
): Promise<void> {
  if (SEND_APIS.has(call.api) && state.settings.latencyMs > 0) {
    await sleep(state.settings.latencyMs);
  }
  const body = produce();
  const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
  state.stats.answer(errcode);
  writeWeChat(res, body);
}
