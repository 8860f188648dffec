import { errmsgFor } from '../domain/errcodes';
import { writeWeChat } from './reply';
import type { Request, Response } from 'express';
import type { WeChatBody } from './reply';
import type { FaultAction, FaultCall } from '../state/fault-store';
import type { SandboxState } from '../state/sandbox-state';
import type { WeChatApi } from '../types';

const SEND_APIS = new Set<WeChatApi>(['template', 'subscribe', 'bizsend']);

/** True when the action replaces the normal answer rather than only delaying or relabelling it. */
function replacesAnswer(a: FaultAction): boolean {
  return (
    a.errcode !== undefined ||
    a.httpStatus !== undefined ||
    a.body !== undefined ||
    a.hang === true ||
    a.reset === true
  );
}

function writeFault(state: SandboxState, req: Request, res: Response, a: FaultAction): void {
  if (a.hang) {
    state.hung.add(res);
    res.on('close', () => state.hung.delete(res));
    return;
  }
  if (a.reset) {
    req.socket.resetAndDestroy();
    return;
  }
  const status = a.httpStatus ?? 200;
  if (a.body !== undefined) {
    res.status(status).setHeader('Content-Type', a.contentType ?? 'text/plain');
    res.end(a.body);
    return;
  }
  if (a.errcode !== undefined) {
    state.stats.answer(a.errcode);
    writeWeChat(res, { errcode: a.errcode, errmsg: a.errmsg ?? errmsgFor(a.errcode) }, status);
    return;
  }
  // A bare status looks like WeChat's gateway answering instead of the API.
  res.status(status).setHeader('Content-Type', 'text/html');
  res.end(
    `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center></body></html>`,
  );
}

/**
 * Runs one WeChat call: finds a scripted fault, waits the global latency (sends only) plus the
 * fault's delay, then either answers normally (counting the errcode) or as the fault says.
 */
export async function runWeChatCall(
  state: SandboxState,
  req: Request,
  res: Response,
  call: FaultCall,
  produce: () => WeChatBody,
): Promise<void> {
  const fault = state.faults.take(call)?.action;
  if (fault) {
    state.stats.faultApplied();
    state.logger.debug('fault applied', { api: call.api, appid: call.appid });
  }
  await state.sleeper.sleep(
    (SEND_APIS.has(call.api) ? state.settings.latencyMs : 0) + (fault?.delayMs ?? 0),
  );
  if (fault?.contentType !== undefined) {
    res.locals.contentType = fault.contentType;
  }
  if (fault && replacesAnswer(fault)) {
    if (fault.deliver) {
      produce();
    }
    writeFault(state, req, res, fault);
    return;
  }
  const body = produce();
  state.stats.answer(typeof body.errcode === 'number' ? body.errcode : 0);
  writeWeChat(res, body);
}
