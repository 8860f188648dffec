import { describe, expect, it } from '@jest/globals';
import { issuesToDetails } from '../src/messages/issue-path';
import { messageSchema, normalizeMessage } from '../src/messages/message.schema';

function detailsOf(body: unknown) {
  const parsed = messageSchema.safeParse(body);
  if (parsed.success) {
    return [];
  }
  return issuesToDetails(parsed.error);
}

const template = {
  type: 'template',
  toUser: 'oUser0001',
  templateId: 'TPL1',
  data: { thing1: { value: '订单已发货' }, time2: '2026-11-26 10:00' },
};

describe('messageSchema', () => {
  it('when a template message is valid, then it parses and normalises bare values', () => {
    const parsed = messageSchema.parse(template);

    const message = normalizeMessage(parsed, 'wx1');

    expect(message.data).toEqual({
      thing1: { value: '订单已发货' },
      time2: { value: '2026-11-26 10:00' },
    });
    expect(message.appId).toBe('wx1');
  });

  it('when a typed value breaks its rule, then the path names the value', () => {
    const details = detailsOf({ ...template, data: { thing1: { value: 'x'.repeat(21) } } });

    expect(details).toEqual([
      { path: 'data.thing1.value', message: expect.stringContaining('20') },
    ]);
  });

  it('when a bare string breaks its rule, then the path names the key', () => {
    expect(detailsOf({ ...template, data: { phrase3: 'toolong' } })).toEqual([
      { path: 'data.phrase3', message: expect.any(String) },
    ]);
  });

  it('when a field is unknown, then it is rejected by name', () => {
    expect(detailsOf({ ...template, touser: 'x' })).toEqual([
      { path: 'touser', message: expect.stringContaining('unknown field') },
    ]);
  });

  it('when a field belongs to another type, then it is rejected', () => {
    expect(detailsOf({ ...template, page: 'pages/index' })).toEqual([
      { path: 'page', message: expect.stringContaining('unknown field') },
    ]);
  });

  it('when the type is missing or unknown, then the path is type', () => {
    expect(detailsOf({ ...template, type: 'sms' })[0]?.path).toBe('type');
  });

  it('when required fields are missing, then each is named', () => {
    const paths = detailsOf({ type: 'subscribe' }).map((d) => d.path);

    expect(paths).toEqual(expect.arrayContaining(['toUser', 'templateId', 'data']));
  });

  it('when sendAt is not a date-time, then it is named', () => {
    expect(detailsOf({ ...template, sendAt: 'tomorrow' })[0]?.path).toBe('sendAt');
  });

  it('when a subscribe message has page, state and lang, then it parses', () => {
    const parsed = messageSchema.safeParse({
      ...template,
      type: 'subscribe',
      page: 'pages/order?id=42',
      miniprogramState: 'trial',
      lang: 'en_US',
    });

    expect(parsed.success).toBe(true);
  });

  it.each(['o1', 'oUser', 'o'.repeat(65), 'oUser.0001'])(
    'when toUser is %j, which is no WeChat openid, then toUser is named',
    (toUser) => {
      expect(detailsOf({ ...template, toUser })).toEqual([
        { path: 'toUser', message: expect.stringContaining('6 to 64') },
      ]);
    },
  );

  it.each(['subscribe', 'bizsend'])(
    'when a %s message has a key without a type prefix, then that key is named',
    (type) => {
      const details = detailsOf({ ...template, type, data: { keyword1: 'x', thing2: 'ok' } });

      expect(details).toEqual([
        { path: 'data.keyword1', message: expect.stringContaining('typed key') },
      ]);
    },
  );

  it('when a template message has historical keys, then they are taken as WeChat takes them', () => {
    const parsed = messageSchema.safeParse({ ...template, data: { keyword1: 'x', first: 'y' } });

    expect(parsed.success).toBe(true);
  });
});
