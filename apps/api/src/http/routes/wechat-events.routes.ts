import express, { Router } from 'express';
import type { EventReceiver } from '../../domain/event-receiver';
import { inputOf, validate } from '../middleware/validate';
import { localsOf } from '../request-locals';
import { eventParamsSchema, eventQuerySchema } from '../schemas/wechat-events.schema';

const input = { params: eventParamsSchema, query: eventQuerySchema };

/**
 * `/wechat/events/:appId`: WeChat's server URL. GET verifies the URL (echoes `echostr`), POST
 * takes a push, XML or JSON, any content type (WeChat sends `text/xml`), up to 256 kB.
 */
export function wechatEventsRoutes(receiver: EventReceiver): Router {
  const router = Router();
  router.get('/:appId', validate(input), (_req, res) => {
    const { params, query } = inputOf(res, input);
    res.type('text/plain').send(receiver.verifyUrl(params.appId, query));
  });
  router.post(
    '/:appId',
    express.text({ type: () => true, limit: '256kb' }),
    validate(input),
    async (req, res) => {
      const { params, query } = inputOf(res, input);
      const body = typeof req.body === 'string' ? req.body : '';
      await receiver.receive(params.appId, query, body, localsOf(res).traceId);
      // `success` stops WeChat's retries, for new events and repeats alike.
      res.type('text/plain').send('success');
    },
  );
  return router;
}
