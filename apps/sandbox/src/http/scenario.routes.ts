import { Router } from 'express';
import { ControlInputError } from '../control/validate-input';
import { isRecord } from '../domain/parse-body';
import { control, queryParam } from './control-handler';
import type { ConsentInput } from '../control/recipient-control';
import type { SandboxControl } from '../control/sandbox-control';
import type { EventTarget } from '../events/event-target';
import type { FaultSpec } from '../state/fault-store';
import type { TemplateInfo } from '../state/template-registry';
import type { UserProfile } from '../state/user-profiles';

function object(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) {
    throw new ControlInputError('expected a JSON object');
  }
  return body;
}

/** Scripted behaviour: faults, consents, users, templates and event targets. */
export function scenarioRoutes(ctl: SandboxControl): Router {
  const router = Router();

  router.get(
    '/sandbox/faults',
    control(() => ctl.faults()),
  );
  router.post(
    '/sandbox/faults',
    control((body, _req, res) => {
      res.status(201);
      return ctl.addFault(object(body) as unknown as FaultSpec);
    }),
  );
  router.delete(
    '/sandbox/faults',
    control(() => {
      ctl.clearFaults();
      return { ok: true };
    }),
  );
  router.delete(
    '/sandbox/faults/:id',
    control((_b, req, res) => {
      const removed = ctl.removeFault(Number(req.params.id));
      res.status(removed ? 200 : 404);
      return { ok: removed };
    }),
  );

  router.get(
    '/sandbox/consents',
    control((_b, req) => ctl.consents(queryParam(req, 'touser'))),
  );
  router.post(
    '/sandbox/consents',
    control((body, _req, res) => {
      res.status(201);
      return ctl.grantConsent(object(body) as unknown as ConsentInput);
    }),
  );
  router.delete(
    '/sandbox/consents',
    control((body) => ({ revoked: ctl.revokeConsent(object(body) as unknown as ConsentInput) })),
  );

  router.get(
    '/sandbox/users',
    control(() => ctl.users()),
  );
  router.post(
    '/sandbox/users',
    control((body) => ctl.setUser(object(body) as unknown as UserProfile)),
  );

  router.get(
    '/sandbox/templates',
    control(() => ctl.templates()),
  );
  router.post(
    '/sandbox/templates',
    control((body) => ctl.addTemplate(object(body) as unknown as TemplateInfo)),
  );

  router.get(
    '/sandbox/events',
    control(() => ctl.events()),
  );
  router.get(
    '/sandbox/events/targets',
    control(() => ctl.eventTargets()),
  );
  router.put(
    '/sandbox/events/targets/:appid',
    control((body, req) => {
      ctl.setEventTarget(String(req.params.appid), object(body) as unknown as EventTarget);
      return { ok: true };
    }),
  );
  router.delete(
    '/sandbox/events/targets/:appid',
    control((_b, req) => {
      ctl.setEventTarget(String(req.params.appid), null);
      return { ok: true };
    }),
  );

  return router;
}
