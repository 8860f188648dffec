import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ConsentLedger,
  JOB_NAMES,
  type CallbackStatus,
  type ConsentSubject,
} from '@wechat-dispatch/core';
import { FIRST_MSGID } from '@wechat-dispatch/sandbox';
import { waitFor } from '@wechat-dispatch/testkit';
import { startInProcessWorker, type InProcessWorker } from './helpers/in-process';

const OA = { appId: 'wxlifecycle0000001', appSecret: 'lifecycle-secret-1' };
const MP = { appId: 'wxlifecycle0000002', appSecret: 'lifecycle-secret-2' };
const TEMPLATE = 'SUB_LIFECYCLE';

/** Polls every 10 ms for up to 3 s. */
const soon = <T>(probe: () => Promise<T | undefined | false>, description: string) =>
  waitFor(probe, { intervalMs: 10, timeoutMs: 3000, description });

describe('message lifecycle (in process: compose.ts, real Redis, the sandbox)', () => {
  let w: InProcessWorker;
  let consents: ConsentLedger;
  let receiver: Server;
  let callbackUrl: string;
  /** `message.<status>` of every callback received, with the message id. */
  const received: Array<{ event: string; messageId: string }> = [];
  let n = 0;
  const nextUser = () => `oLifecycle${String(++n).padStart(4, '0')}`;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push(JSON.parse(body) as { event: string; messageId: string });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    w = await startInProcessWorker({
      apps: [OA, MP],
      env: {
        CALLBACK_SECRETS: 'tests:lifecycle-callback-secret-0001',
        CALLBACK_ALLOWLIST: '127.0.0.1',
        CALLBACK_BACKOFF_MS: '20',
      },
    });
    consents = new ConsentLedger({ redis: w.redis, keyspace: w.keyspace });
  });

  afterAll(async () => {
    await w?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  beforeEach(() => {
    w.sandbox.clearFaults();
  });

  /** Two grants of which one is reserved by the message about to be enqueued, as the API does. */
  async function reservedGrant(toUser: string): Promise<ConsentSubject> {
    const subject = { appId: MP.appId, openId: toUser, templateId: TEMPLATE };
    await consents.apply('grant', subject);
    await consents.apply('grant', subject);
    await consents.reserve([subject]);
    return subject;
  }

  const subscribeTo = (toUser: string) =>
    w.enqueue({
      type: 'subscribe',
      appId: MP.appId,
      toUser,
      templateId: TEMPLATE,
      consentHeld: true,
    });

  /** The subject's grant once `settled` holds for it (consent changes follow the record). */
  const grantWhen = (
    subject: ConsentSubject,
    settled: (grant: { available: number; reserved: number }) => boolean,
  ) =>
    soon(async () => {
      const [grant] = await consents.list(subject.appId, subject.openId);
      const counts = grant && { available: grant.available, reserved: grant.reserved };
      return counts && settled(counts) && counts;
    }, `the grant of ${subject.openId} to settle`);

  const callbackFor = (messageId: string, status: CallbackStatus) =>
    soon(
      () =>
        Promise.resolve(
          received.find((c) => c.messageId === messageId && c.event === `message.${status}`),
        ),
      `the ${status} callback of ${messageId}`,
    );

  /** Queues a template result push, as the API does for a verified TEMPLATESENDJOBFINISH. */
  async function pushTemplateResult(toUser: string, msgId: string, status: string) {
    const job = await w.runtime.queues.wechatEvents.add(JOB_NAMES.handleEvent, {
      appId: OA.appId,
      event: {
        ToUserName: 'gh_lifecycle',
        FromUserName: toUser,
        CreateTime: String(Math.floor(Date.now() / 1000)),
        MsgType: 'event',
        Event: 'TEMPLATESENDJOBFINISH',
        MsgID: msgId,
        Status: status,
        List: [],
      },
      receivedAt: new Date().toISOString(),
      traceId: 'lifecycle-test',
    });
    await soon(
      async () => (await job.getState()) === 'completed',
      `the event job ${job.id} to complete`,
    );
  }

  describe('consent', () => {
    it('when a subscribe message is sent, then its reserved grant is consumed', async () => {
      const toUser = nextUser();
      const subject = await reservedGrant(toUser);
      w.sandbox.grantConsent({ appid: MP.appId, touser: toUser, template_id: TEMPLATE });

      await w.waitForStatus(await subscribeTo(toUser), ['sent']);

      expect(await grantWhen(subject, (g) => g.reserved === 0)).toEqual({
        available: 1,
        reserved: 0,
      });
    });

    it('when WeChat answers 43101 (the user refused), then the grant is cleared', async () => {
      const toUser = nextUser();
      const subject = await reservedGrant(toUser);

      const record = await w.waitForStatus(await subscribeTo(toUser), ['dead']);

      expect(record.lastError).toMatchObject({ errcode: 43101 });
      expect(await grantWhen(subject, (g) => g.available === 0)).toEqual({
        available: 0,
        reserved: 0,
      });
    });

    it('when the message dies of another errcode, then its reserved grant is released', async () => {
      const toUser = nextUser();
      const subject = await reservedGrant(toUser);
      w.sandbox.addFault({
        match: { touser: toUser },
        times: 'always',
        action: { errcode: 40003 },
      });

      await w.waitForStatus(await subscribeTo(toUser), ['dead']);

      expect(await grantWhen(subject, (g) => g.reserved === 0)).toEqual({
        available: 2,
        reserved: 0,
      });
    });
  });

  describe('callbacks', () => {
    it('when a message with a callback URL is sent, then the sent callback is queued and delivered', async () => {
      const id = await w.enqueue({ toUser: nextUser(), appId: OA.appId, callbackUrl });

      await w.waitForStatus(id, ['sent']);
      const callback = await callbackFor(id, 'sent');
      const job = await w.runtime.queues.callbacks.getJob(`${id}-sent`);

      expect(callback).toMatchObject({ event: 'message.sent', messageId: id });
      expect(job?.data).toMatchObject({ messageId: id, status: 'sent', caller: 'tests' });
    });

    it('when a message with a callback URL dies, then the dead callback is queued and delivered', async () => {
      const toUser = nextUser();
      w.sandbox.addFault({
        match: { touser: toUser },
        times: 'always',
        action: { errcode: 40003 },
      });

      const id = await w.enqueue({ toUser, appId: OA.appId, callbackUrl });
      await w.waitForStatus(id, ['dead']);

      expect(await callbackFor(id, 'dead')).toMatchObject({ messageId: id });
    });
  });

  describe('delivery events', () => {
    it('when WeChat reports a sent message delivered, then its record is delivered and the caller told', async () => {
      const toUser = nextUser();
      const id = await w.enqueue({ toUser, appId: OA.appId, callbackUrl });
      const sent = await w.waitForStatus(id, ['sent']);

      await pushTemplateResult(toUser, sent.wechatMsgId!, 'success');
      const record = await w.waitForStatus(id, ['delivered']);

      expect(record.history.at(-1)).toMatchObject({
        event: 'delivered',
        source: 'TEMPLATESENDJOBFINISH',
        wechatStatus: 'success',
      });
      expect(await callbackFor(id, 'delivered')).toMatchObject({ messageId: id });
    });

    it('when the result arrives before the message is marked sent, then it is parked and applied by the sent transition', async () => {
      const toUser = nextUser();
      // The sandbox numbers msgids in order: the next send gets the one after its newest.
      const [newest] = w.sandbox.messages({ limit: 1 });
      const nextMsgId = (newest ? BigInt(newest.msgid) + 1n : FIRST_MSGID).toString();

      await pushTemplateResult(toUser, nextMsgId, 'failed:user block');
      const id = await w.enqueue({ toUser, appId: OA.appId });
      const record = await w.waitForStatus(id, ['undelivered']);

      expect(record.wechatMsgId).toBe(nextMsgId);
      expect(record.history.map((h) => h.event)).toEqual([
        'queued',
        'sending',
        'sent',
        'undelivered',
      ]);
      expect(record.history.at(-1)).toMatchObject({ wechatStatus: 'failed:user block' });
    });
  });
});
