import type { AccessTokenProvider } from '@wechat-dispatch/wechat-client';
import type { ForwardAnswer, ForwardCall } from '../infra/wechat-forwarder';

/** WeChat's errcodes that mean "this access token is no good": refetch and retry once. */
const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);

/** The errcode of a JSON answer, or undefined (media bytes, HTML, no errcode). */
export function errcodeOf(answer: ForwardAnswer): number | undefined {
  if (answer.body.length === 0 || answer.body.length > 64 * 1024 || answer.body[0] !== 0x7b) {
    return undefined;
  }
  const match = /"errcode"\s*:\s*(-?\d+)/.exec(answer.body.toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** The path prefix of `path` in the allow-list, or undefined when it is not allowed. */
export function allowedPrefixOf(path: string, prefixes: readonly string[]): string | undefined {
  const lower = path.toLowerCase();
  return prefixes.find((prefix) => lower.startsWith(prefix.toLowerCase()));
}

/** Options of {@link WeChatProxy}. */
export interface WeChatProxyDeps {
  tokens: AccessTokenProvider;
  forward: (call: ForwardCall) => Promise<ForwardAnswer>;
  /** Called when a token errcode made the proxy refetch. */
  onTokenRejected?: (appId: string) => void;
}

/**
 * The central token proxy (WeChat's 中控服务器): a legacy caller's other WeChat calls go out
 * with the app's one shared access token, the one the worker sends with, so no process fetches
 * its own and kicks the others' out. A token errcode from WeChat invalidates that token by
 * compare-and-delete (a token another process already replaced stays), fetches the current one
 * and retries once; whatever WeChat then answers goes back unchanged.
 */
export class WeChatProxy {
  constructor(private readonly deps: WeChatProxyDeps) {}

  /**
   * Forwards one call for `appId`.
   * @throws whatever the token service or the forwarder throws (no answer from WeChat)
   */
  async call(appId: string, call: Omit<ForwardCall, 'accessToken'>): Promise<ForwardAnswer> {
    const token = await this.deps.tokens.get(appId);
    const answer = await this.deps.forward({ ...call, accessToken: token });
    const errcode = errcodeOf(answer);
    if (errcode === undefined || !TOKEN_ERRCODES.has(errcode)) {
      return answer;
    }
    this.deps.onTokenRejected?.(appId);
    await this.deps.tokens.invalidate(appId, token);
    const fresh = await this.deps.tokens.get(appId);
    return this.deps.forward({ ...call, accessToken: fresh });
  }
}
