import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_CATALOGUE } from '@wechat-dispatch/core';
import { verifyCallbackSignature } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, waitFor } from '@wechat-dispatch/testkit';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const OA = { appId: 'wxevtoa000000001', appSecret: 'evt-oa-secret-0001' };
const MP = { appId: 'wxevtmp000000001', appSecret: 'evt-mp-secret-0001' };
const OA_TOKEN = 'oaEventToken01';
const OA_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const MP_TOKEN = 'mpEventToken01';
const CALLBACK_SECRET = 'callback-secret-for-tests-0001';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A callback receiver that answers 500 to its first `failures` requests, then 200. */
async function startReceiver(
  failures: number,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const answered = received.length < failures ? 500 : 200;
      received.push({ headers: req.headers, body, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/wechat`, received };
}

function subscribeBody(toUser: string, templateId: string): Record<string, unknown> {
  return {
    type: 'subscribe',
    appId: MP.appId,
    toUser,
    templateId,
    data: { thing1: { value: '订单已发货' } },
  };
}

describe('WeChat events and callbacks end to end', () => {
  let stack: Stack;
  let redis: Redis;
  const headers = { authorization: `Bearer ${API_KEY}` };

  beforeAll(async () => {
    const callbackEnv = {
      CALLBACK_SECRETS: `tests:${CALLBACK_SECRET}`,
      CALLBACK_ALLOWLIST: '127.0.0.1',
    };
    stack = await startStack({
      apps: [OA, MP],
      apiEnv: {
        ...callbackEnv,
        WECHAT_EVENT_TOKENS: `${OA.appId}:${OA_TOKEN}:${OA_AES_KEY},${MP.appId}:${MP_TOKEN}`,
      },
      workerEnv: { ...callbackEnv, CALLBACK_BACKOFF_MS: '50', CALLBACK_MAX_ATTEMPTS: '4' },
      sandbox: { eventDelayMs: 10 },
    });
    stack.sandbox.setEventTarget(OA.appId, {
      url: `${stack.apiUrl}/wechat/events/${OA.appId}`,
      token: OA_TOKEN,
      encodingAESKey: OA_AES_KEY,
      mode: 'safe',
      format: 'xml',
    });
    stack.sandbox.setEventTarget(MP.appId, {
      url: `${stack.apiUrl}/wechat/events/${MP.appId}`,
      token: MP_TOKEN,
      format: 'json',
    });
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    await stack?.stop();
    await redis?.quit();
  });

  describe('delivery status', () => {
    it('when the sandbox reports success for a template message, then its record goes sent → delivered with the exact msgid', async () => {
      const res = await stack.post(templateBody('oEvtUserOk01', OA.appId));
      const { id } = (await res.json()) as { id: string };

      const [record] = await stack.waitForStatus([id], ['delivered']);

      const delivery = stack.sandbox.messages({ touser: 'oEvtUserOk01' })[0]!;
      expect(record!.wechatMsgId).toBe(delivery.msgid);
      const events = (record!.history as Array<Record<string, unknown>>).map((h) => h.event);
      expect(events).toEqual(expect.arrayContaining(['sent', 'delivered']));
      expect(events.indexOf('sent')).toBeLessThan(events.indexOf('delivered'));
    });

    it("when the user blocked the account, then the record is undelivered and keeps WeChat's status", async () => {
      stack.sandbox.setUser({ touser: 'oEvtUserBlock1', deliveryStatus: 'failed:user block' });

      const res = await stack.post(templateBody('oEvtUserBlock1', OA.appId));
      const { id } = (await res.json()) as { id: string };
      const [record] = await stack.waitForStatus([id], ['undelivered']);

      const last = (record!.history as Array<Record<string, unknown>>).at(-1)!;
      expect(last).toMatchObject({
        event: 'undelivered',
        source: 'TEMPLATESENDJOBFINISH',
        wechatStatus: 'failed:user block',
      });
    });
  });

  describe('consent', () => {
    const consentsOf = async (openid: string) =>
      (await (
        await fetch(`${stack.apiUrl}/v1/consents/${MP.appId}/${openid}`, { headers })
      ).json()) as {
        enforced: boolean;
        templates: Array<{ templateId: string; available: number; reserved: number }>;
      };
    const available = async (openid: string, templateId: string) =>
      (await consentsOf(openid)).templates.find((t) => t.templateId === templateId)?.available ?? 0;

    it('when there is no grant, then the API answers 409 no_subscription_consent and WeChat is never called', async () => {
      const res = await stack.post(subscribeBody('oEvtNoGrant01', 'SUB_SHIP'));

      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'no_subscription_consent',
      );
      expect((await consentsOf('oEvtNoGrant01')).enforced).toBe(true);
      expect(stack.sandbox.messages({ touser: 'oEvtNoGrant01' })).toHaveLength(0);
    });

    it('when the user accepts the popup once, then one send is accepted and delivered and the second gets 409', async () => {
      stack.sandbox.grantConsent({
        appid: MP.appId,
        touser: 'oEvtGrant001',
        template_id: 'SUB_SHIP',
      });
      await waitFor(async () => (await available('oEvtGrant001', 'SUB_SHIP')) === 1, {
        description: 'the popup event to record a grant',
      });

      const first = await stack.post(subscribeBody('oEvtGrant001', 'SUB_SHIP'));
      const second = await stack.post(subscribeBody('oEvtGrant001', 'SUB_SHIP'));
      const { id } = (await first.json()) as { id: string };
      const [record] = await stack.waitForStatus([id], ['delivered']);

      expect(first.status).toBe(202);
      expect(second.status).toBe(409);
      expect(record!.status).toBe('delivered');
      expect(stack.sandbox.messages({ touser: 'oEvtGrant001' })).toHaveLength(1);
      expect((await consentsOf('oEvtGrant001')).templates).toEqual([
        expect.objectContaining({ templateId: 'SUB_SHIP', available: 0, reserved: 0 }),
      ]);
    });

    it('when the user turns the template off after accepting, then the grant is cleared and a send gets 409', async () => {
      stack.sandbox.grantConsent({
        appid: MP.appId,
        touser: 'oEvtReject01',
        template_id: 'SUB_SHIP',
      });
      await waitFor(async () => (await available('oEvtReject01', 'SUB_SHIP')) === 1, {
        description: 'the popup event to record a grant',
      });

      stack.sandbox.revokeConsent({
        appid: MP.appId,
        touser: 'oEvtReject01',
        template_id: 'SUB_SHIP',
      });
      await waitFor(async () => (await available('oEvtReject01', 'SUB_SHIP')) === 0, {
        description: 'the change event to clear the grant',
      });
      const res = await stack.post(subscribeBody('oEvtReject01', 'SUB_SHIP'));

      expect(res.status).toBe(409);
      expect(stack.sandbox.messages({ touser: 'oEvtReject01' })).toHaveLength(0);
    });
  });

  describe('callbacks', () => {
    it('when the receiver fails twice then succeeds, then each status is accepted exactly once and every signature verifies', async () => {
      const receiver = await startReceiver(2);
      try {
        const res = await stack.post({
          ...templateBody('oEvtCallback1', OA.appId),
          callbackUrl: receiver.url,
        });
        const { id } = (await res.json()) as { id: string };
        await stack.waitForStatus([id], ['delivered']);

        const accepted = await waitFor(
          () => {
            const ok = receiver.received.filter((r) => r.answered === 200);
            return ok.length >= 2 ? ok : undefined;
          },
          { description: 'the sent and delivered callbacks to be accepted' },
        );
        const queue = new Queue(QUEUE_CATALOGUE.callbacks.name, {
          connection: redis,
          prefix: `{${stack.prefix}}`,
        });
        const states = await Promise.all(
          ['sent', 'delivered'].map((s) => queue.getJobState(`${id}-${s}`)),
        );
        await queue.close();

        expect(states).toEqual(['completed', 'completed']);
        expect(receiver.received.filter((r) => r.answered === 500)).toHaveLength(2);
        expect(accepted.map((r) => r.headers['wechat-dispatch-event']).sort()).toEqual([
          'message.delivered',
          'message.sent',
        ]);
        for (const request of receiver.received) {
          const signature = String(request.headers['wechat-dispatch-signature']);
          expect(
            verifyCallbackSignature(
              CALLBACK_SECRET,
              signature,
              request.body,
              Math.floor(Date.now() / 1000),
            ),
          ).toBe(true);
        }
        const body = JSON.parse(accepted.at(-1)!.body) as {
          messageId: string;
          record: { id: string };
        };
        expect(body.record.id).toBe(id);
      } finally {
        await new Promise((resolve) => receiver.server.close(resolve));
      }
    });
  });
});
