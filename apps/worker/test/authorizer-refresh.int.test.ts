import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ComponentStore, SecretBox } from '@wechat-dispatch/core';
import { startSandbox, type SandboxHandle } from '@wechat-dispatch/sandbox';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import {
  AccessTokenService,
  WeChatClient,
  authorizerGrant,
  componentTokenSource,
} from '@wechat-dispatch/wechat-client';

const COMPONENT = {
  componentAppId: 'wxcomponentrefresh',
  componentSecret: 'component-secret-refresh',
  token: 'refreshToken01',
  encodingAesKey: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg',
};
const MERCHANT = { appId: 'wxmerchantrefresh1', appSecret: 'unused-merchant-secret' };
/** Independent token services on their own connections: one per "process". */
const PROCESSES = 8;
const CALLERS_PER_PROCESS = 10;
const ROUNDS = 5;

describe('authorizer refresh tokens under concurrent refreshes (sandbox rotates on every use)', () => {
  let sandbox: SandboxHandle;
  const connections: Redis[] = [];
  const clients: WeChatClient[] = [];
  const keyspace = new Keyspace(uniquePrefix('rt'));
  const logger = createLogger({ service: 'test', level: 'info', silent: true });
  const box = new SecretBox(Buffer.alloc(32, 7));
  let services: AccessTokenService[];

  beforeAll(async () => {
    sandbox = await startSandbox({ apps: [MERCHANT], components: [COMPONENT] });
    const processOf = () => {
      const redis = new Redis(TEST_REDIS_URL);
      const client = new WeChatClient({ baseUrl: sandbox.url, timeoutMs: 5000 });
      connections.push(redis);
      clients.push(client);
      const store = new ComponentStore({ redis, keyspace, box });
      const componentTokens = new AccessTokenService({
        redis,
        keyspace,
        client,
        apps: componentTokenSource(client, store),
        logger,
      });
      const grantDeps = { client, componentTokens, vault: store, logger };
      const tokens = new AccessTokenService({
        redis,
        keyspace,
        client,
        apps: {
          secretOf: () => undefined,
          grantOf: (appId) => authorizerGrant(grantDeps, COMPONENT.componentAppId, appId),
        },
        logger,
      });
      return { store, client, componentTokens, tokens };
    };
    const processes = Array.from({ length: PROCESSES }, processOf);
    // Authorize once, as the API's redirect does: ticket, component token, code, query_auth.
    const first = processes[0]!;
    await first.store.put(COMPONENT.componentAppId, COMPONENT);
    const ticket = await sandbox.platform.pushTicket(COMPONENT.componentAppId);
    await first.store.saveTicket(COMPONENT.componentAppId, ticket, Math.floor(Date.now() / 1000));
    const componentToken = await first.componentTokens.get(COMPONENT.componentAppId);
    const pre = await first.client.createPreAuthCode(componentToken, COMPONENT.componentAppId);
    const auth = await sandbox.platform.authorize(
      COMPONENT.componentAppId,
      pre.preAuthCode,
      MERCHANT.appId,
    );
    if (!('authCode' in auth)) {
      throw new Error(auth.error);
    }
    const granted = await first.client.queryAuth(
      componentToken,
      COMPONENT.componentAppId,
      auth.authCode,
    );
    await first.store.setRefreshToken(
      COMPONENT.componentAppId,
      MERCHANT.appId,
      granted.refreshToken,
    );
    services = processes.map((p) => p.tokens);
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    connections.forEach((redis) => redis.disconnect());
    await sandbox?.close();
  });

  it(`when ${PROCESSES} processes × ${CALLERS_PER_PROCESS} callers need a new token ${ROUNDS} times, then each round is one api_authorizer_token call and the refresh token is never lost`, async () => {
    const perRound: number[] = [];
    const distinct: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const before = sandbox.platform.stats().authorizerTokens[MERCHANT.appId] ?? 0;
      const got = await Promise.all(
        services.flatMap((service) =>
          Array.from({ length: CALLERS_PER_PROCESS }, () => service.get(MERCHANT.appId)),
        ),
      );
      perRound.push((sandbox.platform.stats().authorizerTokens[MERCHANT.appId] ?? 0) - before);
      distinct.push(new Set(got).size);
      // WeChat refused the token: every process must fetch the next one with the rotated refresh.
      await services[round % PROCESSES]!.invalidate(MERCHANT.appId, got[0]!);
    }
    const stats = sandbox.platform.stats();

    expect(perRound).toEqual(Array.from({ length: ROUNDS }, () => 1));
    expect(distinct).toEqual(Array.from({ length: ROUNDS }, () => 1));
    expect(stats.refreshRejected).toBe(0);
    expect(stats.componentTokens[COMPONENT.componentAppId]).toBe(1);
  });
});
