import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One app the fake server knows. */
export interface FakeApp {
  appId: string;
  secret: string;
}

/** What the token endpoint answers for one call, overriding the normal behaviour. */
export type TokenOverride = (appId: string) => Record<string, unknown> | 'hang' | undefined;

/** What a send endpoint answers for a call; undefined means the default behaviour. */
export type SendOverride = (
  path: string,
  token: string,
  body: unknown,
) => Record<string, unknown> | undefined;

/**
 * A real HTTP server speaking enough WeChat for the token service: both token endpoints
 * (classic issues a new token per call, stable returns the same token while valid), the three
 * send endpoints (40001 for a token it did not issue or revoked), and counters.
 */
export class FakeWeChatServer {
  readonly tokenCalls = new Map<string, number>();
  readonly tokenRequests: { method: string; path: string; body: unknown }[] = [];
  readonly sends: { path: string; token: string; body: unknown }[] = [];
  /** TCP connections accepted, to see keep-alive at work. */
  connections = 0;
  /** Delay before each token answer, in ms, so concurrent callers pile up. */
  tokenDelayMs = 0;
  /** Lifetime the token endpoints state, in s. */
  expiresIn = 7200;
  tokenOverride: TokenOverride = () => undefined;
  /** Runs inside each token call before it is answered (e.g. to look at Redis). */
  onTokenCall: (appId: string) => Promise<void> = () => Promise.resolve();
  sendOverride: SendOverride = () => undefined;
  private readonly valid = new Set<string>();
  private readonly stable = new Map<string, string>();
  private readonly secrets = new Map<string, string>();
  private issued = 0;
  private server?: Server;

  constructor(apps: FakeApp[]) {
    for (const app of apps) {
      this.secrets.set(app.appId, app.secret);
    }
  }

  /** Starts on an ephemeral port of 127.0.0.1 and returns the base URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server = server;
    server.on('connection', () => {
      this.connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Token calls for one app (or all apps). */
  calls(appId?: string): number {
    if (appId !== undefined) {
      return this.tokenCalls.get(appId) ?? 0;
    }
    return [...this.tokenCalls.values()].reduce((a, b) => a + b, 0);
  }

  /** Resets an app's AppSecret at WeChat (or adds the app), as its admin console would. */
  setSecret(appId: string, secret: string): void {
    this.secrets.set(appId, secret);
  }

  /** Makes a token invalid at WeChat, as a fetch elsewhere or an expiry would. */
  revoke(token: string): void {
    this.valid.delete(token);
    for (const [appId, t] of this.stable) {
      if (t === token) {
        this.stable.delete(appId);
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const body: unknown = raw.length > 0 ? JSON.parse(raw) : undefined;
    if (url.pathname === '/cgi-bin/token' || url.pathname === '/cgi-bin/stable_token') {
      const b = (body ?? {}) as Record<string, string>;
      const appId = url.searchParams.get('appid') ?? b.appid ?? '';
      const secret = url.searchParams.get('secret') ?? b.secret ?? '';
      this.tokenRequests.push({ method: req.method ?? '', path: url.pathname, body });
      this.tokenCalls.set(appId, this.calls(appId) + 1);
      await this.onTokenCall(appId);
      if (this.tokenDelayMs > 0) {
        await new Promise((r) => setTimeout(r, this.tokenDelayMs));
      }
      const override = this.tokenOverride(appId);
      if (override === 'hang') {
        return; // never answers; the client times out
      }
      send(res, override ?? this.token(appId, secret, url.pathname === '/cgi-bin/stable_token'));
      return;
    }
    const token = url.searchParams.get('access_token') ?? '';
    this.sends.push({ path: url.pathname, token, body });
    const answer = this.sendOverride(url.pathname, token, body);
    if (answer) {
      send(res, answer);
    } else if (!this.valid.has(token)) {
      send(res, {
        errcode: 40001,
        errmsg: 'invalid credential, access_token is invalid or not latest rid: 6a1b-2c3d',
      });
    } else {
      send(res, { errcode: 0, errmsg: 'ok', msgid: '3487542469355618313' }, true);
    }
  }

  private token(appId: string, secret: string, stable: boolean): Record<string, unknown> {
    if (this.secrets.get(appId) !== secret) {
      return { errcode: 40125, errmsg: 'invalid appsecret rid: 64f0-aa11-bb22' };
    }
    const current = this.stable.get(appId);
    if (stable && current !== undefined) {
      return { access_token: current, expires_in: this.expiresIn };
    }
    this.issued += 1;
    const token = `TOKEN_${appId}_${this.issued}_${'x'.repeat(40)}`;
    this.valid.add(token);
    if (stable) {
      this.stable.set(appId, token);
    }
    return { access_token: token, expires_in: this.expiresIn };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answers like WeChat: HTTP 200, JSON as text/plain; a raw msgid keeps all 19 digits. */
function send(res: ServerResponse, payload: Record<string, unknown>, rawMsgid = false): void {
  let text = JSON.stringify(payload);
  if (rawMsgid && typeof payload.msgid === 'string') {
    text = text.replace(`"${payload.msgid}"`, payload.msgid);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(text);
}
