/** A valid template message body for the test app. */
export function templateBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'template',
    toUser: 'oUserTest000001',
    templateId: 'TPL_ORDER_SHIPPED',
    data: { thing1: { value: '订单已发货' }, time2: '2026-11-26 10:00' },
    url: 'https://example.com/orders/42',
    metadata: { orderId: '42' },
    ...overrides,
  };
}

/** A valid subscribe message body for the test app. */
export function subscribeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'subscribe',
    toUser: 'oUserTest000001',
    templateId: 'TPL_SUBSCRIBE_1',
    data: { thing1: '配送中', number2: '42', phrase3: '已发货' },
    page: 'pages/order/index',
    miniprogramState: 'formal',
    lang: 'zh_CN',
    ...overrides,
  };
}
