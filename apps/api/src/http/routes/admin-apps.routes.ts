import { Router, type RequestHandler } from 'express';
import { AppError, ERROR_CODES } from '@wechat-dispatch/shared';
import type { AppAdmin } from '../../domain/app-admin';
import { inputOf, validate } from '../middleware/validate';
import { localsOf } from '../request-locals';
import {
  appIdParamsSchema,
  appListQuerySchema,
  appPatchBodySchema,
  appPutBodySchema,
} from '../schemas/admin-apps.schema';

const putInput = { params: appIdParamsSchema, body: appPutBodySchema };
const patchInput = { params: appIdParamsSchema, body: appPatchBodySchema };
const oneInput = { params: appIdParamsSchema };
const listInput = { query: appListQuerySchema };

/** Only callers of `API_ADMIN_CALLERS`. @throws AppError 403 `forbidden` */
export function operatorsOnly(): RequestHandler {
  return (_req, res, next) => {
    if (localsOf(res).isAdmin !== true) {
      throw new AppError(
        ERROR_CODES.FORBIDDEN,
        403,
        'Only callers in API_ADMIN_CALLERS may do this',
      );
    }
    next();
  };
}

/** `/v1/admin/apps`: the app registry's operator routes. */
export function adminAppsRoutes(apps: AppAdmin): Router {
  const router = Router();
  router.use(operatorsOnly());
  router.get('/', validate(listInput), async (_req, res) => {
    const { query } = inputOf(res, listInput);
    const page = await apps.list(query.limit, query.cursor);
    res.json({ items: page.apps, nextCursor: page.nextCursor ?? null });
  });
  router.get('/:appId', validate(oneInput), async (_req, res) => {
    const { params } = inputOf(res, oneInput);
    res.json(await apps.get(params.appId));
  });
  router.put('/:appId', validate(putInput), async (_req, res) => {
    const { params, body } = inputOf(res, putInput);
    const { created, app } = await apps.put(params.appId, body, operatorOf(res));
    res.status(created ? 201 : 200).json(app);
  });
  router.patch('/:appId', validate(patchInput), async (_req, res) => {
    const { params, body } = inputOf(res, patchInput);
    res.json(await apps.setEnabled(params.appId, body.enabled, operatorOf(res)));
  });
  router.get('/:appId/pause', validate(oneInput), async (_req, res) => {
    const { params } = inputOf(res, oneInput);
    res.json(await apps.pause(params.appId));
  });
  router.delete('/:appId/pause', validate(oneInput), async (_req, res) => {
    const { params } = inputOf(res, oneInput);
    res.json(await apps.liftPause(params.appId, operatorOf(res)));
  });
  router.delete('/:appId', validate(oneInput), async (_req, res) => {
    const { params } = inputOf(res, oneInput);
    await apps.remove(params.appId, operatorOf(res));
    res.status(204).end();
  });
  return router;
}

function operatorOf(res: Parameters<RequestHandler>[1]): string {
  return localsOf(res).caller ?? '';
}
