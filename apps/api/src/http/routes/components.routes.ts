import express, { Router } from 'express';
import type { EventReceiver } from '../../domain/event-receiver';
import type { OpenPlatform } from '../../domain/open-platform';
import { inputOf, validate } from '../middleware/validate';
import { localsOf } from '../request-locals';
import {
  authorizeUrlBodySchema,
  authorizedQuerySchema,
  componentEventParamsSchema,
  componentParamsSchema,
  componentPushQuerySchema,
  componentPutBodySchema,
} from '../schemas/components.schema';
import { operatorsOnly } from './admin-apps.routes';
import { componentsOff, type ComponentAdmin } from '../../domain/component-admin';

const pushInput = { params: componentParamsSchema, query: componentPushQuerySchema };
const eventInput = { params: componentEventParamsSchema, query: componentPushQuerySchema };
const authorizedInput = { params: componentParamsSchema, query: authorizedQuerySchema };
const putInput = { params: componentParamsSchema, body: componentPutBodySchema };
const urlInput = { params: componentParamsSchema, body: authorizeUrlBodySchema };
const oneInput = { params: componentParamsSchema };
const pushBody = express.text({ type: () => true, limit: '256kb' });

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `/wechat/component`: WeChat's side of the Open Platform (no API key: signatures instead). */
export function componentPushRoutes(
  platform: OpenPlatform | undefined,
  receiver: EventReceiver,
): Router {
  const router = Router();
  router.use((_req, _res, next) => (platform ? next() : next(componentsOff())));
  router.post('/:componentAppId', pushBody, validate(pushInput), async (req, res) => {
    const { params, query } = inputOf(res, pushInput);
    await platform!.receive(
      params.componentAppId,
      query,
      typeof req.body === 'string' ? req.body : '',
    );
    res.type('text/plain').send('success');
  });
  router.get('/:componentAppId/authorized', validate(authorizedInput), async (_req, res) => {
    const { params, query } = inputOf(res, authorizedInput);
    const authorizer = await platform!.viaWeChat(() =>
      platform!.completeAuthorization(params.componentAppId, query.auth_code),
    );
    res
      .type('html')
      .send(
        `<!doctype html><meta charset="utf-8"><title>Authorized</title><p>Authorized: <code id="authorizer">${escape(authorizer)}</code></p>`,
      );
  });
  router.post(
    '/:componentAppId/events/:authorizerAppId',
    pushBody,
    validate(eventInput),
    async (req, res) => {
      const { params, query } = inputOf(res, eventInput);
      const credentials = await platform!.credentials(params.componentAppId);
      const body = typeof req.body === 'string' ? req.body : '';
      await receiver.receive(params.authorizerAppId, query, body, localsOf(res).traceId, {
        token: credentials.token,
        encodingAESKey: credentials.encodingAesKey,
        encryptedFor: params.componentAppId,
      });
      res.type('text/plain').send('success');
    },
  );
  return router;
}

/** `/v1/admin/components`: the operator routes of the components. */
export function adminComponentsRoutes(admin: ComponentAdmin): Router {
  const router = Router();
  router.use(operatorsOnly());
  router.put('/:componentAppId', validate(putInput), async (_req, res) => {
    const { params, body } = inputOf(res, putInput);
    const { created, component } = await admin.put(params.componentAppId, body);
    res.status(created ? 201 : 200).json(component);
  });
  router.get('/:componentAppId', validate(oneInput), async (_req, res) => {
    const { params } = inputOf(res, oneInput);
    res.json(await admin.get(params.componentAppId));
  });
  router.post('/:componentAppId/authorize-url', validate(urlInput), async (_req, res) => {
    const { params, body } = inputOf(res, urlInput);
    res.json(await admin.authorizeUrl(params.componentAppId, body.redirectUri, body.authType));
  });
  return router;
}
