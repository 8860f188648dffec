import { Router } from 'express';
import { renderInbox } from '../inbox/render-inbox';
import { queryParam } from './control-handler';
import type { SandboxState } from '../state/sandbox-state';

/** Messages rendered on the page; older ones stay available through `/sandbox/messages`. */
const PAGE_LIMIT = 500;

/** `GET /`: the inbox page. */
export function inboxRoutes(state: SandboxState): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const touser = queryParam(req, 'touser');
    const html = renderInbox({
      messages: state.deliveries.list({ touser, limit: PAGE_LIMIT }),
      template: (id) => state.templates.get(id),
      stats: state.stats.snapshot(),
      version: state.deliveries.version,
      touser,
    });
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    // Defence in depth behind the escaping: no external loads, only this page's inline code.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:",
    );
    res.end(html);
  });
  return router;
}
