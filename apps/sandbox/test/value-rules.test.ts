import { describe, it, expect, beforeAll } from '@jest/globals';
import { buildSandbox, classicToken, errcodeOf, OPENID, send } from './helpers/test-apps';
import type { TestSandbox } from './helpers/test-apps';

const TEMPLATE_ID = 'SUB_rules';

/** [key, values WeChat accepts, values it refuses]. */
const RULES: [string, string[], string[]][] = [
  [
    'thing1',
    ['订单已发货', 'Order #12 shipped!', '二十个字二十个字二十个字二十个字二十个字'],
    ['x'.repeat(21), 'line\nbreak'],
  ],
  ['number2', ['123', '12.50', '-3', '9'.repeat(32)], ['12a', '1'.repeat(33), '1,000', '+3']],
  ['letter3', ['ABCdef', 'a'.repeat(32)], ['abc1', 'a'.repeat(33), '中文']],
  ['symbol4', ['%', '+-*/#'], ['a', '!!!!!!', '1']],
  ['character_string5', ['SF1234567890-AB', 'x'.repeat(32)], ['订单123', 'x'.repeat(33)]],
  [
    'time6',
    ['15:01', '15:01:30', '2019年10月1日 15:01', '2026-11-26 10:00', '10:00~12:00'],
    ['25:00', 'tomorrow', '10:61', '10:00\n~11:00'],
  ],
  [
    'date7',
    [
      '2018-01-01',
      '2018/01/01',
      '2018.01.01',
      '2018-01',
      '01-01',
      '2026年11月26日',
      '2026年11月',
      '2026-11-26 10:00',
      '2026-11-26~2026-11-30',
    ],
    ['next week', '2026-11-26 noon'],
  ],
  ['amount8', ['¥100', '100.50元', '￥12.3', '$5'], ['100 dollars', '¥12345678901', '¥¥1']],
  ['phone_number9', ['+86-0766-66888866', '13800138000', '123#45'], ['138abc', '1'.repeat(18)]],
  ['car_number10', ['粤A8Z888挂', 'ABC123'], ['粤A8Z8888888', 'A-1234']],
  ['name11', ['张三', 'John Smith', '张San'], ['张'.repeat(11), 'R2D2']],
  ['phrase12', ['配送中', '已完成'], ['配送中配送中', 'ok']],
];

const ACCEPTED = RULES.flatMap(([key, ok]) => ok.map((v) => [key, v] as const));
const REFUSED = RULES.flatMap(([key, _ok, bad]) => bad.map((v) => [key, v] as const));

describe('sandbox value rules', () => {
  let sb: TestSandbox;
  let token: string;

  beforeAll(async () => {
    sb = buildSandbox();
    token = await classicToken(sb.app);
    // A long-term grant so every accepted value can be sent without a new consent each time.
    sb.control.grantConsent({
      appid: 'wx0000000000000001',
      touser: OPENID,
      template_id: TEMPLATE_ID,
      longTerm: true,
    });
  });

  it.each(ACCEPTED)('when subscribe data %s is %j, then it is accepted', async (key, value) => {
    const res = await send(
      sb.app,
      token,
      { touser: OPENID, template_id: TEMPLATE_ID, data: { [key]: { value } } },
      'subscribe',
    );

    expect(res.body).toMatchObject({ errcode: 0, errmsg: 'ok' });
  });

  it.each(REFUSED)(
    'when subscribe data %s is %j, then it answers 47003 naming the field',
    async (key, value) => {
      const res = await send(
        sb.app,
        token,
        { touser: OPENID, template_id: TEMPLATE_ID, data: { [key]: { value } } },
        'subscribe',
      );

      expect(errcodeOf(res)).toBe(47003);
      expect((res.body as { errmsg: string }).errmsg).toMatch(
        new RegExp(`^argument invalid! data\\.${key}\\.value invalid rid: `),
      );
    },
  );

  it('when a value is empty, then it answers 47003 "is empty"', async () => {
    const res = await send(
      sb.app,
      token,
      { touser: OPENID, template_id: TEMPLATE_ID, data: { thing1: { value: '' } } },
      'subscribe',
    );

    expect((res.body as { errmsg: string }).errmsg).toMatch(
      /^argument invalid! data\.thing1\.value is empty/,
    );
  });

  it('when a subscribe key has no type prefix, then it answers 47003 naming it', async () => {
    const res = await send(
      sb.app,
      token,
      { touser: OPENID, template_id: TEMPLATE_ID, data: { keyword1: { value: 'x' } } },
      'subscribe',
    );

    expect((res.body as { errmsg: string }).errmsg).toMatch(
      /^argument invalid! data\.keyword1\.value invalid/,
    );
  });

  it('when bizsend data breaks a rule, then it answers 47003 like subscribe', async () => {
    const res = await send(
      sb.app,
      token,
      { touser: OPENID, template_id: TEMPLATE_ID, data: { phrase1: { value: 'toolong' } } },
      'bizsend',
    );

    expect((res.body as { errmsg: string }).errmsg).toMatch(
      /^argument invalid! data\.phrase1\.value invalid/,
    );
  });

  it('when a template uses a category key that breaks its rule, then it answers 47003', async () => {
    const res = await send(sb.app, token, {
      touser: OPENID,
      template_id: 'TPL_cat',
      data: { thing01: { value: 'x'.repeat(21) } },
    });

    expect((res.body as { errmsg: string }).errmsg).toMatch(
      /^argument invalid! data\.thing01\.value invalid/,
    );
  });

  it('when a template uses a historical key with a long value, then it is accepted as sent', async () => {
    const long = '这是一段超过二十个字的很长很长很长很长的内容\n第二行';

    const res = await send(sb.app, token, {
      touser: OPENID,
      template_id: 'TPL_hist',
      data: { keyword1: { value: long } },
    });

    expect(errcodeOf(res)).toBe(0);
    expect(sb.control.messages({ limit: 1 })[0]?.data).toEqual({ keyword1: { value: long } });
  });
});
