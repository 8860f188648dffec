import { Router } from 'express';
import { isRecord, parseBody } from '../domain/parse-body';
import { writeJson } from './reply';
import type { Request } from 'express';
import type { SandboxControl } from '../control/sandbox-control';

function query(req: Request, name: string): string | undefined {
  const v: unknown = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The sandbox's own control API under `/sandbox`. */
export function controlRoutes(control: SandboxControl): Router {
  const router = Router();

  router.get('/sandbox/messages', (req, res) => {
    const limit = Number(query(req, 'limit'));
    writeJson(
      res,
      control.messages({
        touser: query(req, 'touser'),
        appid: query(req, 'appid'),
        ...(Number.isInteger(limit) && limit > 0 ? { limit } : {}),
      }),
    );
  });

  router.get('/sandbox/stats', (_req, res) => writeJson(res, control.stats()));

  router.post('/sandbox/reset', (req, res) => {
    const body = parseBody(req.body);
    const tokens =
      query(req, 'tokens') === 'true' ||
      (body.ok && isRecord(body.value) && body.value.tokens === true);
    control.reset({ tokens });
    writeJson(res, { ok: true });
  });

  return router;
}
