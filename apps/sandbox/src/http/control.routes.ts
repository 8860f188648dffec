import { Router } from 'express';
import { isRecord } from '../domain/parse-body';
import { ControlInputError } from '../control/validate-input';
import { control, queryParam } from './control-handler';
import type { SandboxControl } from '../control/sandbox-control';
import type { SettingsPatch } from '../control/validate-input';
import type { SandboxState } from '../state/sandbox-state';

/** Messages, stats, reset and settings under `/sandbox`, plus `/healthz`. */
export function controlRoutes(state: SandboxState, ctl: SandboxControl): Router {
  const router = Router();

  router.get(
    '/healthz',
    control(() => ({ ok: true })),
  );

  router.get(
    '/sandbox/messages',
    control((_b, req) => {
      const limit = Number(queryParam(req, 'limit'));
      return ctl.messages({
        touser: queryParam(req, 'touser'),
        appid: queryParam(req, 'appid'),
        ...(Number.isInteger(limit) && limit > 0 ? { limit } : {}),
      });
    }),
  );

  // The inbox page polls this and reloads only when something changed.
  router.get(
    '/sandbox/messages/version',
    control(() => ({ version: state.deliveries.version, count: state.deliveries.size })),
  );

  router.get(
    '/sandbox/stats',
    control(() => ctl.stats()),
  );

  router.post(
    '/sandbox/reset',
    control((body, req) => {
      const tokens =
        queryParam(req, 'tokens') === 'true' || (isRecord(body) && body.tokens === true);
      ctl.reset({ tokens });
      return { ok: true };
    }),
  );

  router.get(
    '/sandbox/config',
    control(() => ctl.settings()),
  );
  router.post(
    '/sandbox/config',
    control((body) => {
      if (body === undefined) {
        throw new ControlInputError('expected a JSON object of settings');
      }
      return ctl.configure(body as SettingsPatch);
    }),
  );

  return router;
}
