import { Router } from 'express';
import type { ConsentLedger } from '@wechat-dispatch/core';
import { NotFoundError } from '@wechat-dispatch/shared';
import { storageCall } from '../../domain/storage-call';
import type { MessageAdmission } from '../../domain/message-admission';
import { scopeOf } from '../../domain/visibility';
import { inputOf, validate } from '../middleware/validate';
import { viewerOf } from '../request-locals';
import { consentParamsSchema } from '../schemas/wechat-events.schema';

const input = { params: consentParamsSchema };

/**
 * `/v1/consents/:appId/:openid`: a user's subscription grants, from WeChat's events. Grants
 * belong to the app (WeChat's user consented to the app's template, whoever sends), so a caller
 * reads them, and uses them up by sending, only for the apps in its scope: another app's
 * answers 404.
 */
export function consentsRoutes(consents: ConsentLedger, admission: MessageAdmission): Router {
  const router = Router();
  router.get('/:appId/:openid', validate(input), async (_req, res) => {
    const { params } = inputOf(res, input);
    if (!scopeOf(viewerOf(res)).mayUse(params.appId)) {
      throw new NotFoundError(`No app ${params.appId} for this caller`);
    }
    const templates = await storageCall(() => consents.list(params.appId, params.openid));
    res.json({
      appId: params.appId,
      openid: params.openid,
      enforced: admission.enforces(params.appId),
      templates,
    });
  });
  return router;
}
