import { describe, expect, it } from '@jest/globals';
import { messageSchema } from '@wechat-dispatch/core';
import {
  AppError,
  DependencyUnavailableError,
  ERROR_CODES,
  UnauthorizedError,
  ValidationError,
} from '@wechat-dispatch/shared';
import { toMessageBody, toWeChatPath } from '../src/domain/wechat-compat';
import { WeChatShapeError, wechatAnswerFor } from '../src/http/middleware/wechat-error-handler';

describe('toMessageBody', () => {
  it('when a WeChat template body is translated, then it is a valid /v1 template message', () => {
    const body = toMessageBody(
      'template',
      {
        touser: 'oUser00001',
        template_id: 'TPL',
        url: 'https://example.com',
        miniprogram: { appid: 'wxmp000001', pagepath: 'pages/a' },
        data: { thing1: { value: 'a' } },
      },
      'wxapp00001',
    );

    expect(messageSchema.parse(body)).toEqual({
      type: 'template',
      appId: 'wxapp00001',
      toUser: 'oUser00001',
      templateId: 'TPL',
      url: 'https://example.com',
      miniprogram: { appId: 'wxmp000001', pagePath: 'pages/a' },
      data: { thing1: { value: 'a' } },
    });
  });

  it('when a WeChat subscribe body is translated, then page, state and language carry over', () => {
    const body = toMessageBody(
      'subscribe',
      {
        touser: 'oUser00001',
        template_id: 'TPL',
        page: 'pages/x',
        miniprogram_state: 'developer',
        lang: 'zh_TW',
        data: { phrase1: { value: '配送中' } },
      },
      undefined,
    );

    expect(messageSchema.parse(body)).toMatchObject({
      type: 'subscribe',
      page: 'pages/x',
      miniprogramState: 'developer',
      lang: 'zh_TW',
    });
  });
});

describe('toWeChatPath', () => {
  it.each([
    ['toUser', 'touser'],
    ['templateId', 'template_id'],
    ['miniprogram.pagePath', 'miniprogram.pagepath'],
    ['miniprogramState', 'miniprogram_state'],
    ['data.thing1.value', 'data.thing1.value'],
  ])('when the /v1 path is %s, then the WeChat path is %s', (path, expected) => {
    expect(toWeChatPath(path)).toBe(expected);
  });
});

describe('wechatAnswerFor', () => {
  const validation = (path: string, message = 'is wrong') =>
    new ValidationError('invalid', [{ path, message }]);

  it.each<[string, unknown, number]>([
    ['a bad key', new UnauthorizedError(), 40001],
    ['a data value breaking its rule', validation('data.thing1.value'), 47003],
    [
      'a data value of the wrong shape',
      new WeChatShapeError([{ path: 'data.thing1', message: 'x' }]),
      47001,
    ],
    ['an invalid openid', validation('toUser'), 40003],
    ['an invalid template id', validation('templateId'), 40037],
    [
      'a missing appid',
      validation('appId', 'is required when more than one app is configured'),
      41002,
    ],
    ['an unknown appid', validation('appId', 'is not a configured app'), 40013],
    ['another invalid field', validation('url'), 47001],
    ['malformed JSON', new AppError(ERROR_CODES.INVALID_JSON, 400, 'bad'), 47001],
    ['a reused client_msg_id', new AppError(ERROR_CODES.IDEMPOTENCY_KEY_REUSED, 409, 'x'), 47001],
    ['a rate limit', new AppError(ERROR_CODES.RATE_LIMITED, 429, 'x'), 45011],
    ['Redis down', new DependencyUnavailableError(), -1],
    ['a bug', new TypeError('x is undefined'), -1],
  ])('when the error is %s, then the errcode is %i', (_what, err, errcode) => {
    expect(wechatAnswerFor(err).answer.errcode).toBe(errcode);
  });
});
