import type { LastError } from '@wechat-dispatch/core';
import { isWeChatError } from '@wechat-dispatch/wechat-client';
import type { FailureFacts } from './classify-failure';

/**
 * Reads any error thrown by a send as {@link FailureFacts}. WeChat's own errors keep their
 * errcode; transport errors carry the client's pseudo-codes (-1001 timeout, -1002 HTTP status,
 * -1003 connection, -1004 invalid body), treated like WeChat's -1; anything else — a bug or a dependency failure — is treated as transient so the message is retried
 * rather than lost.
 */
export function describeSendError(err: unknown): FailureFacts {
  if (isWeChatError(err)) {
    const lastError: LastError = { errcode: err.errcode, errmsg: err.message };
    if ('errmsg' in err && typeof err.errmsg === 'string') {
      lastError.errmsg = err.errmsg;
    }
    return { errorClass: err.errorClass, lastError };
  }
  return {
    errorClass: 'transient',
    lastError: { errcode: -1, errmsg: err instanceof Error ? err.message : 'unknown error' },
  };
}
