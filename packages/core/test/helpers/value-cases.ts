/**
 * One table of data values and what WeChat answers for each (wechat-facts §3.2, §2.3), fed to
 * both the service's rules and the sandbox's. Every type has accepted and refused cases, the
 * edge lengths, Chinese and full-width characters, line breaks and `~` ranges where they apply.
 */

/** Accepted, 47003 `… is empty`, or 47003 `… invalid`. */
export type Verdict = 'ok' | 'empty' | 'invalid';

interface TypeCases {
  ok: string[];
  invalid: string[];
}

const x = (n: number, c = 'x'): string => c.repeat(n);

/** By key, one per type; blank values are added below for every key. */
const BY_KEY: Record<string, TypeCases> = {
  thing1: {
    ok: [
      '订单已发货',
      'Order #12 shipped!',
      x(20),
      x(20, '二'),
      x(20, '😀'),
      '１２３ＡＢＣ',
      '价格：¥12，已付',
    ],
    invalid: [x(21), x(21, '二'), 'line\nbreak', 'tab\there', 'cr\rhere', 'a\u2028b'],
  },
  number2: {
    ok: ['0', '123', '12.50', '-3', x(32, '9'), `-${x(31, '9')}`, `1.${x(30, '5')}`],
    invalid: [
      x(33, '9'),
      `1.${x(31, '5')}`,
      '+3',
      '12a',
      '1,000',
      '１２３',
      '1.',
      '.5',
      '1e5',
      ' 12',
    ],
  },
  letter3: {
    ok: ['a', 'ABCdef', x(32, 'a')],
    invalid: [x(33, 'a'), 'abc1', 'a b', '中文', 'ａｂｃ', 'José', 'ab\n'],
  },
  symbol4: {
    ok: ['%', '+-*/#', '!!!!!', '，。！？', '~'],
    invalid: ['!!!!!!', 'a', '1', '! !', '！a', '%\n'],
  },
  character_string5: {
    ok: ['SF1234567890-AB', x(32), 'A-123_b/4', 'a b'],
    invalid: [x(33), '订单123', 'ａｂｃ', 'é', 'a\tb'],
  },
  time6: {
    ok: [
      '15:01',
      '5:01',
      '15:01:30',
      '00:00',
      '23:59:59',
      '2019年10月1日 15:01',
      '2019年10月1日15:01',
      '2026-11-26 10:00',
      '2026/11/26 10:00',
      '10月1日 15:01',
      '2026年11月 10:00',
      '10:00~12:00',
      '10:00 ~ 11:30',
      '2026-11-26 10:00~2026-11-26 12:00',
    ],
    invalid: [
      '24:00',
      '10:61',
      '15:01:60',
      'tomorrow',
      '15时01分',
      '15：01',
      '2026-11-26',
      '2026年11月',
      ' 15:01',
      '15:01 ',
      '10:00~',
      '~10:00',
      '10:00~11:00~12:00',
      '10:00～12:00',
      '10:00\n~11:00',
    ],
  },
  date7: {
    ok: [
      '2018-01-01',
      '2018/01/01',
      '2018.01.01',
      '2018-1-1',
      '2018-01',
      '01-01',
      '2026年11月26日',
      '2026年11月',
      '11月26日',
      '2026-11-26 10:00',
      '2026年11月26日 10:00',
      '2026-11-26~2026-11-30',
      '2026-11-26 ~ 2026-11-30',
      '2026年11月~2026年12月',
    ],
    invalid: [
      'next week',
      '2026-11-26 noon',
      '18-01-01',
      '2026年',
      '2026-11-26 25:00',
      '2026-11-26~',
      '２０２６-11-26',
      ' 2018-01-01',
      '2026-11-26～2026-11-30',
    ],
  },
  amount8: {
    ok: [
      '¥100',
      '100.50元',
      '￥12.3',
      '$5',
      '€1',
      '£1',
      '100',
      '100元',
      '¥1234567890',
      '¥1234567890.99元',
    ],
    invalid: ['¥12345678901', '100 dollars', '¥¥1', '¥1.234', '-5', '¥1,000', '100.5 元', 'RMB100'],
  },
  phone_number9: {
    ok: ['+86-0766-66888866', '13800138000', x(17, '1'), '(0766) 6688 8866', '123#45', '+86－138'],
    invalid: [x(18, '1'), '138abc', '１３８', '138\n0013'],
  },
  car_number10: {
    ok: ['粤A8Z888挂', '粤B12345', 'ABC123', 'A1234567', 'A', '粤'],
    invalid: ['粤A8Z8888888', 'A12345678', 'A-1234', '粤中12345', '粤A 12345', 'ａ123'],
  },
  name11: {
    ok: ['张三', 'John Smith', '张San', x(10, '张'), x(20), "O'Brien", '张·三', '欧阳 娜娜'],
    invalid: [x(11, '张'), `张${x(10)}`, x(21), 'R2D2', '张三1', 'José', '张\n三'],
  },
  phrase12: {
    ok: ['配送中', '已完成', '配', '五个字五个'],
    invalid: ['配送中配送中', 'ok', '配送 中', '配送中1', '配送中！'],
  },
  const13: {
    ok: ['ok', '已发货', x(20)],
    invalid: [x(21), 'a\nb'],
  },
  enum14: {
    ok: ['ok', '已发货', x(20)],
    invalid: [x(21), 'a\nb'],
  },
};

/** Blank values: WeChat answers `is empty`, except for `const`, which may be left empty. */
const BLANK = ['', ' ', '\u3000'];

/** Every case as `[key, value, verdict]`. */
export const VALUE_CASES: [string, string, Verdict][] = Object.entries(BY_KEY).flatMap(
  ([key, { ok, invalid }]) => [
    ...ok.map((v): [string, string, Verdict] => [key, v, 'ok']),
    ...invalid.map((v): [string, string, Verdict] => [key, v, 'invalid']),
    ...BLANK.map((v): [string, string, Verdict] => [
      key,
      v,
      key.startsWith('const') ? 'ok' : 'empty',
    ]),
  ],
);

/** Keys both sides check by type. */
export const TYPED_KEYS = [
  'thing1',
  'thing01',
  'character_string12',
  'phone_number5',
  'enum3',
  'const20',
];

/** Keys neither checks by type: historical, dropped, malformed or no type at all. */
export const UNTYPED_KEYS = [
  'keyword1',
  'first',
  'remark',
  'thing',
  'thing_1',
  'Thing1',
  'constructor1',
  'foo2',
];

/** Recipients and whether WeChat takes them: 6–64 of `[A-Za-z0-9_-]` (real ones are 28). */
export const OPENID_CASES: ReadonlyArray<readonly [string, Verdict]> = [
  ['o1', 'invalid'],
  ['oUser', 'invalid'],
  ['oUser1', 'ok'],
  ['oGZUI0egBJY1zhBYw2KhdUfwVJJE', 'ok'],
  ['o_-A9z', 'ok'],
  ['o'.repeat(64), 'ok'],
  ['o'.repeat(65), 'invalid'],
  ['oUser 0001', 'invalid'],
  ['oUser.0001', 'invalid'],
  ['оUser0001', 'invalid'],
  ['', 'invalid'],
];
