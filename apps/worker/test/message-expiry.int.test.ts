import { afterEach, describe, expect, it } from '@jest/globals';
import { JOB_NAMES, RecordBatch, appKeys, newMessageId } from '@wechat-dispatch/core';
import { waitFor } from '@wechat-dispatch/testkit';
import { startInProcessWorker, type InProcessWorker } from './helpers/in-process';

/*
 * Stale messages end `expired` (#17 item 2) and a record scheduled beyond the record TTL
 * survives until its sendAt (#17 item 4): in-process worker, the sandbox, real Redis.
 */

const APP = { appId: 'wxexpiry0000000001', appSecret: 'expiry-secret-0001' };
const CALLBACK_URL = 'https://callbacks.example.com/wechat';

describe('message expiry and far-future schedules', () => {
  let worker: InProcessWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  it("when a message is claimed after its expiresAt, then it is never sent: it ends expired, leaves its app's backlog and its expired callback is queued", async () => {
    worker = await startInProcessWorker({ apps: [APP] });
    const w = worker;
    const id = await w.enqueue({
      toUser: 'oExpiryLate0001',
      expiresAt: new Date(Date.now() - 1000).toISOString(),
      callbackUrl: CALLBACK_URL,
    });

    const record = await w.waitForStatus(id, ['expired', 'sent']);

    expect(record).toMatchObject({ status: 'expired', attempts: 0 });
    expect(record.history.map((h) => h.event)).toEqual(['queued', 'sending', 'expired']);
    expect(w.sandbox.stats().sendCalls[APP.appId]?.template ?? 0).toBe(0);
    expect(await w.redis.get(appKeys(w.keyspace, APP.appId).pending)).toBeNull();
    const callback = await waitFor(() => w.runtime.queues.callbacks.getJob(`${id}-expired`), {
      intervalMs: 20,
      timeoutMs: 3000,
      description: 'the expired callback job',
    });
    expect(callback.data).toMatchObject({ messageId: id, status: 'expired' });
  });

  it('when WeChat keeps failing a message with an expiresAt, then its retries stop at that instant and it ends expired, not dead', async () => {
    worker = await startInProcessWorker({
      apps: [APP],
      env: { SEND_MAX_ATTEMPTS: '50', SEND_BACKOFF_MS: '100', SEND_BACKOFF_MAX_MS: '2000' },
    });
    const w = worker;
    w.sandbox.addFault({
      match: { touser: 'oExpiryBusy0001' },
      times: 'always',
      action: { errcode: -1 },
    });
    const expiresAt = new Date(Date.now() + 800).toISOString();
    const id = await w.enqueue({ toUser: 'oExpiryBusy0001', expiresAt });

    const record = await w.waitForStatus(id, ['expired', 'dead', 'sent']);

    expect(record.status).toBe('expired');
    // The last claim (at the expiry) sends nothing; every send before it began in time.
    expect(record.history.slice(-2).map((h) => h.event)).toEqual(['sending', 'expired']);
    const sends = record.history.slice(0, -2).filter((h) => h.event === 'sending');
    expect(sends.length).toBeGreaterThan(0);
    expect(sends.every((h) => Date.parse(h.at) < Date.parse(expiresAt))).toBe(true);
    expect(w.sandbox.stats().sendCalls[APP.appId]?.template).toBe(sends.length);
  });

  it('when a message is scheduled past the record TTL (2.5 s ahead with a 1 s TTL), then its record survives until its sendAt and it is sent', async () => {
    worker = await startInProcessWorker({ apps: [APP] });
    const w = worker;
    const batch = new RecordBatch({ redis: w.redis, keyspace: w.keyspace, ttlSeconds: 1 });
    const now = new Date();
    const sendAt = new Date(now.getTime() + 2500).toISOString();
    const id = newMessageId();
    const message = {
      type: 'template' as const,
      appId: APP.appId,
      toUser: 'oExpiryLater001',
      templateId: 'TPL_TEST',
      data: { thing1: { value: '稍后发送' } },
      sendAt,
    };
    const [priority] = await batch.createMissing([
      {
        message,
        record: {
          id,
          type: 'template',
          appId: APP.appId,
          toUser: message.toUser,
          templateId: message.templateId,
          status: 'scheduled',
          attempts: 0,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
          sendAt,
          caller: 'tests',
          traceId: 'trace-expiry-later',
        },
      },
    ]);
    await w.runtime.queues.send.add(
      JOB_NAMES.sendMessage,
      { messageId: id, appId: APP.appId, traceId: 'trace-expiry-later' },
      { jobId: id, priority, delay: 2500 },
    );

    // Past the 1 s TTL, before the sendAt: the record is still there.
    await new Promise((resolve) => setTimeout(resolve, 1800));
    expect((await w.records.get(id))?.status).toBe('scheduled');
    const record = await w.waitForStatus(id, ['sent']);

    expect(record.status).toBe('sent');
    expect(Date.parse(record.sentAt!)).toBeGreaterThanOrEqual(Date.parse(sendAt));
  });
});
