import { describe, expect, it } from '@jest/globals';
import {
  sendWithToken,
  WeChatApiError,
  WeChatTransportError,
  type AccessTokenProvider,
} from '../src';

function apiError(errcode: number): WeChatApiError {
  return new WeChatApiError({
    errcode,
    errmsg: 'x',
    endpointKind: 'send',
    endpoint: '/s',
    method: 'POST',
  });
}

/** Tokens T1, T2, … in order; records every call. */
function countingTokens(): AccessTokenProvider & { gets: number; invalidated: string[] } {
  const state = { gets: 0, invalidated: [] as string[] };
  return Object.assign(state, {
    get: () => Promise.resolve(`T${++state.gets}`),
    invalidate: (_app: string, token: string) => {
      state.invalidated.push(token);
      return Promise.resolve(true);
    },
  });
}

describe('sendWithToken', () => {
  describe('token protocol', () => {
    it('when the send succeeds, then the token is used once and not refreshed', async () => {
      const tokens = countingTokens();
      const used: string[] = [];

      const out = await sendWithToken(tokens, 'app', (t) => {
        used.push(t);
        return Promise.resolve('ok');
      });

      expect(out).toEqual({ result: 'ok', tokenRefreshed: false });
      expect(used).toEqual(['T1']);
      expect(tokens.invalidated).toEqual([]);
    });

    it.each([40001, 40014, 41001, 42001])(
      'when the send answers token errcode %i, then exactly that token is invalidated and the send retried once',
      async (errcode) => {
        const tokens = countingTokens();
        const used: string[] = [];

        const out = await sendWithToken(tokens, 'app', (t) => {
          used.push(t);
          return used.length === 1 ? Promise.reject(apiError(errcode)) : Promise.resolve('ok');
        });

        expect(out).toEqual({ result: 'ok', tokenRefreshed: true });
        expect(used).toEqual(['T1', 'T2']);
        expect(tokens.invalidated).toEqual(['T1']);
      },
    );

    it('when the retry is rejected too, then the token error is thrown after exactly two sends', async () => {
      const tokens = countingTokens();
      let sends = 0;

      const err = await sendWithToken(tokens, 'app', () => {
        sends += 1;
        return Promise.reject(apiError(40001));
      }).catch((e: unknown) => e);

      expect(err).toMatchObject({ errcode: 40001, errorClass: 'token' });
      expect(sends).toBe(2);
      expect(tokens.invalidated).toEqual(['T1']);
    });

    it.each([
      ['a permanent errcode', apiError(43101)],
      ['a rate errcode', apiError(45011)],
      [
        'a transport error',
        new WeChatTransportError({ kind: 'timeout', endpoint: '/s', method: 'POST', detail: 'd' }),
      ],
    ])(
      'when the send fails with %s, then it is thrown at once without a refresh',
      async (_n, failure) => {
        const tokens = countingTokens();
        let sends = 0;

        const err = await sendWithToken(tokens, 'app', () => {
          sends += 1;
          return Promise.reject(failure);
        }).catch((e: unknown) => e);

        expect(err).toBe(failure);
        expect(sends).toBe(1);
        expect(tokens.invalidated).toEqual([]);
      },
    );
  });
});
