import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

/** Where the dashboard is mounted; Bull Board's basePath must be exactly this. */
export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over the given queues, read-only; the API gives it every queue of the catalogue
 * (each app's send queue, `dead-letters`, `wechat-events`, `callbacks`,
 * `callback-dead-letters`). The delivery records, not the jobs, are the source of truth:
 * retrying a job from the dashboard would not touch its record (the worker would skip it),
 * promoting a delayed job would send a scheduled message before its `sendAt`, and removing one
 * would strand its record as `queued`. State changes go through the API (cancel, redrive). Job
 * data holds ids, statuses and errcodes, WeChat's event pushes and the record a callback
 * reports — never a secret (callbacks are signed as they are sent), so no formatter is needed.
 */
export function bullBoardRouter(queues: readonly Queue[], basePath = BULL_BOARD_PATH): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'wechat-dispatch', hideDocsLink: true } },
  });
  return serverAdapter.getRouter() as Router;
}
