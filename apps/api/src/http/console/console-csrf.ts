import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from '@wechat-dispatch/shared';

/**
 * The console's forms carry a token bound to the signed-in user and this process, and a POST
 * must also come from the console's own origin: basic auth is sent by the browser on any
 * request, so without both a page elsewhere could make an operator's browser redrive messages.
 */
export class ConsoleCsrf {
  private readonly key = randomBytes(32);

  /** The token of `user`'s forms. */
  tokenFor(user: string): string {
    return createHmac('sha256', this.key).update(user).digest('base64url');
  }

  /** Whether a POST carries `user`'s token and, when the browser names one, our origin. */
  accepts(
    user: string,
    token: unknown,
    headers: { origin?: string; host?: string; secFetchSite?: string },
  ): boolean {
    if (typeof token !== 'string' || !sameSecret(token, this.tokenFor(user))) {
      return false;
    }
    if (headers.secFetchSite !== undefined && headers.secFetchSite !== 'same-origin') {
      return false;
    }
    if (headers.origin !== undefined && headers.origin !== 'null') {
      try {
        return new URL(headers.origin).host === headers.host;
      } catch {
        return false;
      }
    }
    return headers.origin !== 'null';
  }
}
