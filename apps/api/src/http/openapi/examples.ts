import { MESSAGE_EXAMPLES } from '@wechat-dispatch/core';

/**
 * Request examples, each accepted as it is by a deployment with one app (the `appId` is then
 * optional) and callers without callback secrets (so no `callbackUrl`); the OpenAPI test sends
 * every one of them.
 */
export const messageExamples = {
  template: { summary: 'An Official Account template message', value: MESSAGE_EXAMPLES.template },
  subscribe: {
    summary: 'A Mini Program subscribe message (long-term template: no consent grant needed)',
    value: MESSAGE_EXAMPLES.subscribe,
  },
  bizsend: {
    summary: 'An Official Account subscription notification',
    value: MESSAGE_EXAMPLES.bizsend,
  },
};

export const batchExamples = {
  twoMessages: {
    summary: 'Two messages, enqueued together or not at all',
    value: { messages: [MESSAGE_EXAMPLES.template, MESSAGE_EXAMPLES.subscribe] },
  },
};
