import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { buildSandbox, classicToken, OPENID } from './helpers/test-apps';

describe('sandbox template send', () => {
  it('when a valid template message is sent, then it answers errcode 0 with a 64-bit msgid written in full', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);

    const res = await request(app)
      .post('/cgi-bin/message/template/send')
      .query({ access_token: token })
      .send({
        touser: OPENID,
        template_id: 'TPL_order_shipped',
        data: { keyword1: { value: 'A-1' } },
      });

    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^\{"errcode":0,"errmsg":"ok","msgid":\d{19}\}$/);
    const msgid = /"msgid":(\d+)/.exec(res.text)![1]!;
    expect(BigInt(msgid) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('when a message is sent, then /sandbox/messages lists it with msgid as a string', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);
    const sent = await request(app)
      .post('/cgi-bin/message/template/send')
      .query({ access_token: token })
      .send({
        touser: OPENID,
        template_id: 'TPL_a',
        data: { keyword1: { value: 'x', color: '#f00' }, first: { value: 'dropped' } },
      });

    const res = await request(app).get('/sandbox/messages').query({ touser: OPENID });

    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        appid: 'wx0000000000000001',
        api: 'template',
        touser: OPENID,
        template_id: 'TPL_a',
        data: { keyword1: { value: 'x' } },
        msgid: /"msgid":(\d+)/.exec(sent.text)![1],
        at: expect.any(String),
      }),
    ]);
  });
});
