import { createDecipheriv, createHash } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { startSandbox } from '@wechat-dispatch/sandbox';
import type { SandboxHandle } from '@wechat-dispatch/sandbox';
import { APP, OPENID } from './helpers/test-apps';
import { fetchToken, postTemplate, TEMPLATE_BODY } from './helpers/http';
import { startEventReceiver, xmlField } from './helpers/event-receiver';
import type { EventReceiver, Received } from './helpers/event-receiver';

const TOKEN = 'callbackToken123';
// 43 base64 characters → 32 bytes, as the admin console generates.
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** WeChat's signature check, written here independently of the sandbox's code. */
function sha1Sorted(...parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

function verifySignature(r: Received): boolean {
  const q = r.query;
  return q.get('signature') === sha1Sorted(TOKEN, q.get('timestamp') ?? '', q.get('nonce') ?? '');
}

/** WeChat's safe-mode decryption (wechat-facts §7.1), written independently of the sandbox. */
function decrypt(encrypt: string): { xml: string; appid: string } {
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const plain = padded.subarray(0, padded.length - padded[padded.length - 1]!);
  const length = plain.readUInt32BE(16);
  return {
    xml: plain.subarray(20, 20 + length).toString('utf8'),
    appid: plain.subarray(20 + length).toString('utf8'),
  };
}

describe('sandbox events', () => {
  let sandbox: SandboxHandle;
  let receiver: EventReceiver;
  let token: string;

  beforeAll(async () => {
    receiver = await startEventReceiver();
    sandbox = await startSandbox({ apps: [APP], eventDelayMs: 20 });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  beforeEach(async () => {
    sandbox.reset();
    receiver.received = [];
    receiver.status = 200;
    token = await fetchToken(sandbox);
  });

  it('when a template message is sent, then TEMPLATESENDJOBFINISH is pushed after the answer, signed as WeChat signs', async () => {
    sandbox.setEventTarget(APP.appId, { url: receiver.url, token: TOKEN });
    // A delay long enough that reading the answer always happens before the push.
    sandbox.configure({ eventDelayMs: 500 });

    const res = await postTemplate(sandbox, token);
    const answer = await res.text();
    const receivedAtAnswer = receiver.received.length;
    await sandbox.eventsIdle();

    const [push] = receiver.received;
    const msgid = /"msgid":(\d+)/.exec(answer)![1];
    expect(receivedAtAnswer).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(verifySignature(push!)).toBe(true);
    expect(push!.contentType).toBe('text/xml');
    expect(push!.query.get('openid')).toBe(OPENID);
    expect(xmlField(push!.body, 'Event')).toBe('TEMPLATESENDJOBFINISH');
    expect(xmlField(push!.body, 'MsgType')).toBe('event');
    expect(xmlField(push!.body, 'FromUserName')).toBe(OPENID);
    expect(xmlField(push!.body, 'ToUserName')).toMatch(/^gh_[0-9a-f]{12}$/);
    expect(xmlField(push!.body, 'MsgID')).toBe(msgid);
    expect(xmlField(push!.body, 'Status')).toBe('success');
    expect(sandbox.events()[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      event: 'TEMPLATESENDJOBFINISH',
      msgid,
    });
  });

  it.each(['failed:user block', 'failed: system failed'])(
    'when the user is scripted as %j, then the event carries that Status',
    async (status) => {
      sandbox.setEventTarget(APP.appId, { url: receiver.url, token: TOKEN });
      sandbox.setUser({ touser: OPENID, deliveryStatus: status });

      const code = ((await (await postTemplate(sandbox, token)).json()) as { errcode: number })
        .errcode;
      await sandbox.eventsIdle();

      expect(code).toBe(0);
      expect(xmlField(receiver.received[0]!.body, 'Status')).toBe(status);
      expect(sandbox.messages()[0]?.status).toBe(status);
    },
  );

  it('when a consent is granted and a subscribe message sent, then popup and sent events are pushed', async () => {
    const target = await fetch(`${sandbox.url}/sandbox/events/targets/${APP.appId}`, {
      method: 'PUT',
      body: JSON.stringify({ url: receiver.url, token: TOKEN }),
    });
    sandbox.grantConsent({ touser: OPENID, template_id: 'SUB_t' });
    await sandbox.eventsIdle();

    const sent = await fetch(
      `${sandbox.url}/cgi-bin/message/subscribe/send?access_token=${token}`,
      {
        method: 'POST',
        body: JSON.stringify({
          touser: OPENID,
          template_id: 'SUB_t',
          data: { thing1: { value: '已发货' } },
        }),
      },
    );
    const msgid = /"msgid":(\d+)/.exec(await sent.text())![1];
    await sandbox.eventsIdle();

    const [popup, result] = receiver.received.map((r) => r.body);
    expect(target.status).toBe(200);
    expect(xmlField(popup!, 'Event')).toBe('subscribe_msg_popup_event');
    expect(popup).toContain(
      '<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[SUB_t]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>0</PopupScene></List></SubscribeMsgPopupEvent>',
    );
    expect(xmlField(result!, 'Event')).toBe('subscribe_msg_sent_event');
    expect(xmlField(result!, 'MsgID')).toBe(msgid);
    expect(xmlField(result!, 'ErrorCode')).toBe('0');
    expect(xmlField(result!, 'ErrorStatus')).toBe('success');
    expect(receiver.received.every(verifySignature)).toBe(true);
  });

  it('when safe mode is configured, then the body is <Encrypt> with msg_signature and decrypts to the event and appid', async () => {
    sandbox.setEventTarget(APP.appId, {
      url: receiver.url,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      mode: 'safe',
    });

    await postTemplate(sandbox, token);
    await sandbox.eventsIdle();

    const push = receiver.received[0]!;
    const encrypt = xmlField(push.body, 'Encrypt')!;
    const q = push.query;
    const { xml, appid } = decrypt(encrypt);
    expect(q.get('encrypt_type')).toBe('aes');
    expect(q.get('msg_signature')).toBe(
      sha1Sorted(TOKEN, q.get('timestamp')!, q.get('nonce')!, encrypt),
    );
    expect(verifySignature(push)).toBe(true);
    expect(xmlField(push.body, 'Event')).toBeUndefined();
    expect(appid).toBe(APP.appId);
    expect(xmlField(xml, 'Event')).toBe('TEMPLATESENDJOBFINISH');
  });

  it('when compatible mode is configured, then the body has both the plaintext fields and Encrypt', async () => {
    sandbox.setEventTarget(APP.appId, {
      url: receiver.url,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      mode: 'compat',
    });

    await postTemplate(sandbox, token);
    await sandbox.eventsIdle();

    const body = receiver.received[0]!.body;
    expect(xmlField(body, 'Event')).toBe('TEMPLATESENDJOBFINISH');
    expect(xmlField(decrypt(xmlField(body, 'Encrypt')!).xml, 'Status')).toBe('success');
  });

  it('when JSON format is configured, then a single List item is an object and MsgID keeps every digit', async () => {
    sandbox.setEventTarget(APP.appId, { url: receiver.url, token: TOKEN, format: 'json' });
    sandbox.grantConsent({ touser: OPENID, template_id: 'SUB_j' });
    await sandbox.eventsIdle();
    receiver.received = [];

    const sent = await fetch(
      `${sandbox.url}/cgi-bin/message/subscribe/send?access_token=${token}`,
      {
        method: 'POST',
        body: JSON.stringify({
          touser: OPENID,
          template_id: 'SUB_j',
          data: { thing1: { value: 'x' } },
        }),
      },
    );
    const msgid = /"msgid":(\d+)/.exec(await sent.text())![1];
    await sandbox.eventsIdle();

    const body = receiver.received[0]!.body;
    expect(receiver.received[0]!.contentType).toBe('application/json');
    expect(body).toContain(`"MsgID":${msgid}`);
    expect(JSON.parse(body)).toMatchObject({
      Event: 'subscribe_msg_sent_event',
      List: { TemplateId: 'SUB_j', ErrorCode: 0 },
    });
  });

  it('when the developer server answers 500, then the push is tried 3 times and reported failed', async () => {
    sandbox.setEventTarget(APP.appId, { url: receiver.url, token: TOKEN });
    receiver.status = 500;

    await postTemplate(sandbox, token);
    await sandbox.eventsIdle();

    expect(receiver.received).toHaveLength(3);
    expect(sandbox.events()[0]).toMatchObject({ status: 'failed', attempts: 3, httpStatus: 500 });
    expect(sandbox.stats().events).toEqual({ delivered: 0, failed: 1 });
  });

  it('when no target is configured, then nothing is pushed', async () => {
    await postTemplate(sandbox, token, TEMPLATE_BODY);
    await sandbox.eventsIdle();

    expect(receiver.received).toHaveLength(0);
    expect(sandbox.events()).toEqual([]);
  });

  it('when a target is invalid, then the control API answers 400', async () => {
    const res = await fetch(`${sandbox.url}/sandbox/events/targets/${APP.appId}`, {
      method: 'PUT',
      body: JSON.stringify({ url: receiver.url, token: TOKEN, mode: 'safe' }),
    });

    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /encodingAESKey/,
    );
  });
});
