import { Router } from 'express';
import type { ConsentLedger } from '@wechat-dispatch/core';
import { storageCall } from '../../domain/storage-call';
import type { MessageAdmission } from '../../domain/message-admission';
import { inputOf, validate } from '../middleware/validate';
import { consentParamsSchema } from '../schemas/wechat-events.schema';

const input = { params: consentParamsSchema };

/** `/v1/consents/:appId/:openid`: a user's subscription grants, from WeChat's events. */
export function consentsRoutes(consents: ConsentLedger, admission: MessageAdmission): Router {
  const router = Router();
  router.get('/:appId/:openid', validate(input), async (_req, res) => {
    const { params } = inputOf(res, input);
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
