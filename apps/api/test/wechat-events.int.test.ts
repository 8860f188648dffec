import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Job } from 'bullmq';
import { QUEUE_CATALOGUE, type WeChatEventJob } from '@wechat-dispatch/core';
import { APP_ID, OTHER_APP_ID, startTestApi, type TestApi } from './helpers/test-api';
import { encrypt, pushQuery, sign, templateFinishXml } from './helpers/wechat-push';

const TOKEN = 'apiEventToken1';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const SAFE_APP = 'wxapitestsafe0001';
const nowS = () => Math.floor(Date.now() / 1000);

describe('/wechat/events/:appId', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({
      appIds: [APP_ID, OTHER_APP_ID, SAFE_APP],
      eventTokens: [
        { appId: APP_ID, token: TOKEN },
        { appId: SAFE_APP, token: TOKEN, encodingAESKey: AES_KEY },
      ],
    });
  });

  afterAll(async () => {
    await api.close();
  });

  const queuedEvents = async () => {
    const queue = api.runtime.deps.queues.find(
      (q) => q.name === QUEUE_CATALOGUE.wechatEvents.name,
    )!;
    return (await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])) as Array<
      Job<WeChatEventJob>
    >;
  };

  describe('GET (URL verification)', () => {
    it("when the signature is the app token's, then it echoes echostr", async () => {
      const res = await request(api.app)
        .get(`/wechat/events/${APP_ID}`)
        .query(pushQuery(TOKEN, nowS(), { echostr: 'echo-12345' }));

      expect(res.status).toBe(200);
      expect(res.text).toBe('echo-12345');
    });

    it('when the signature is forged, then 401', async () => {
      const res = await request(api.app)
        .get(`/wechat/events/${APP_ID}`)
        .query({ ...pushQuery('wrongToken', nowS()), echostr: 'x' });

      expect(res.status).toBe(401);
    });

    it('when the app has no event token, then 404', async () => {
      const res = await request(api.app)
        .get(`/wechat/events/${OTHER_APP_ID}`)
        .query(pushQuery(TOKEN, nowS(), { echostr: 'x' }));

      expect(res.status).toBe(404);
    });
  });

  describe('POST (pushes)', () => {
    it('when a plain XML push is signed and fresh, then it answers success and queues the event with the msgid exact', async () => {
      const before = (await queuedEvents()).length;

      const res = await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query(pushQuery(TOKEN, nowS()))
        .set('content-type', 'text/xml')
        .send(templateFinishXml('oPlainUser01', nowS(), '1700827132819554304', 'success'));

      expect(res.status).toBe(200);
      expect(res.text).toBe('success');
      const jobs = await queuedEvents();
      expect(jobs).toHaveLength(before + 1);
      expect(jobs.map((j) => j.data.event.MsgID)).toContain('1700827132819554304');
    });

    it('when the same event is pushed again (WeChat retry or replay), then it answers success and queues nothing more', async () => {
      const body = templateFinishXml('oReplayUser1', nowS(), '1700827132819554305', 'success');
      await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query(pushQuery(TOKEN, nowS()))
        .send(body);
      const before = (await queuedEvents()).length;

      const res = await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query(pushQuery(TOKEN, nowS()))
        .set('content-type', 'text/xml')
        .send(body);

      expect(res.status).toBe(200);
      expect(res.text).toBe('success');
      expect(await queuedEvents()).toHaveLength(before);
    });

    it('when a signed plain-mode tuple is replayed with another body, then 401 and nothing more is queued (issue #18, finding 6)', async () => {
      const query = pushQuery(TOKEN, nowS());
      const first = await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query(query)
        .set('content-type', 'text/xml')
        .send(templateFinishXml('oTupleUser01', nowS(), '1700827132819554401', 'success'));
      const before = (await queuedEvents()).length;

      const forged = await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query(query)
        .set('content-type', 'text/xml')
        .send(
          templateFinishXml('oTupleUser02', nowS(), '1700827132819554402', 'failed: user block'),
        );

      expect(first.status).toBe(200);
      expect(forged.status).toBe(401);
      expect(forged.body).toMatchObject({ error: { code: 'invalid_signature' } });
      expect(await queuedEvents()).toHaveLength(before);
    });

    it('when WeChat retries a plain-mode push with the same tuple and body, then it answers success and queues it once', async () => {
      const query = pushQuery(TOKEN, nowS());
      const body = templateFinishXml('oTupleRetry1', nowS(), '1700827132819554403', 'success');
      const before = (await queuedEvents()).length;

      const answers = [];
      for (let i = 0; i < 3; i += 1) {
        answers.push(
          await request(api.app)
            .post(`/wechat/events/${APP_ID}`)
            .query(query)
            .set('content-type', 'text/xml')
            .send(body),
        );
      }

      expect(answers.map((a) => [a.status, a.text])).toEqual([
        [200, 'success'],
        [200, 'success'],
        [200, 'success'],
      ]);
      expect(await queuedEvents()).toHaveLength(before + 1);
    });

    it('when the signature is forged, then 401 and nothing is queued or remembered', async () => {
      const before = (await queuedEvents()).length;
      const keysBefore = await api.storedKeys();

      const res = await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query({ ...pushQuery(TOKEN, nowS()), signature: 'f'.repeat(40) })
        .set('content-type', 'text/xml')
        .send(templateFinishXml('oForged00001', nowS(), '1', 'success'));

      expect(res.status).toBe(401);
      expect(await queuedEvents()).toHaveLength(before);
      expect(await api.storedKeys()).toEqual(keysBefore);
    });

    it('when the timestamp is older than five minutes, then 401 even with a valid signature', async () => {
      const before = (await queuedEvents()).length;

      const res = await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query(pushQuery(TOKEN, nowS() - 301))
        .set('content-type', 'text/xml')
        .send(templateFinishXml('oStale000001', nowS() - 301, '2', 'success'));

      expect(res.status).toBe(401);
      expect(await queuedEvents()).toHaveLength(before);
    });

    it('when a JSON push has a one-item List as an object, then it is queued as a one-element list', async () => {
      const body = `{"ToUserName":"gh_x","FromUserName":"oJsonUser001","CreateTime":${nowS()},"MsgType":"event","Event":"subscribe_msg_sent_event","List":{"TemplateId":"SUB1","MsgID":1700827132819554399,"ErrorCode":0,"ErrorStatus":"success"}}`;

      const res = await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query(pushQuery(TOKEN, nowS()))
        .set('content-type', 'application/json')
        .send(body);

      expect(res.status).toBe(200);
      const job = (await queuedEvents()).find((j) => j.data.event.FromUserName === 'oJsonUser001');
      expect(job?.data.event.List).toEqual([
        {
          TemplateId: 'SUB1',
          MsgID: '1700827132819554399',
          ErrorCode: '0',
          ErrorStatus: 'success',
        },
      ]);
    });

    it('when a safe-mode push is signed and encrypted for the app, then it is decrypted and queued', async () => {
      const plain = templateFinishXml('oSafeUser001', nowS(), '42', 'failed:user block');
      const encrypted = encrypt(plain, AES_KEY, SAFE_APP);
      const query = pushQuery(TOKEN, nowS(), { encrypt_type: 'aes' });
      query.msg_signature = sign(TOKEN, query.timestamp!, query.nonce!, encrypted);

      const res = await request(api.app)
        .post(`/wechat/events/${SAFE_APP}`)
        .query(query)
        .set('content-type', 'text/xml')
        .send(
          `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
        );

      expect(res.status).toBe(200);
      const job = (await queuedEvents()).find((j) => j.data.event.FromUserName === 'oSafeUser001');
      expect(job?.data).toMatchObject({
        appId: SAFE_APP,
        event: { Status: 'failed:user block', MsgID: '42' },
      });
    });

    it('when a safe-mode push was encrypted for another app or its msg_signature is wrong, then 401', async () => {
      const plain = templateFinishXml('oSafeUser002', nowS(), '43', 'success');
      const foreign = encrypt(plain, AES_KEY, 'wxsomeoneelse0001');
      const query = pushQuery(TOKEN, nowS(), { encrypt_type: 'aes' });
      query.msg_signature = sign(TOKEN, query.timestamp!, query.nonce!, foreign);
      const envelope = (e: string) =>
        `<xml><ToUserName>gh_x</ToUserName><Encrypt>${e}</Encrypt></xml>`;

      const wrongApp = await request(api.app)
        .post(`/wechat/events/${SAFE_APP}`)
        .query(query)
        .send(envelope(foreign));
      const wrongSig = await request(api.app)
        .post(`/wechat/events/${SAFE_APP}`)
        .query({ ...query, msg_signature: 'a'.repeat(40) })
        .send(envelope(encrypt(plain, AES_KEY, SAFE_APP)));
      const plainToSafeApp = await request(api.app)
        .post(`/wechat/events/${SAFE_APP}`)
        .query(pushQuery(TOKEN, nowS()))
        .send(plain);

      expect([wrongApp.status, wrongSig.status, plainToSafeApp.status]).toEqual([401, 401, 401]);
    });

    it('when the body is not a WeChat event, then 400', async () => {
      const res = await request(api.app)
        .post(`/wechat/events/${APP_ID}`)
        .query(pushQuery(TOKEN, nowS()))
        .send('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>');

      expect(res.status).toBe(400);
    });
  });
});
