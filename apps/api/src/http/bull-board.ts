import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';
import { QUEUE_CATALOGUE } from '@wechat-dispatch/core';

/** Where the dashboard is mounted; Bull Board's basePath must be exactly this. */
export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over the given queues, read-only, each with its {@link QUEUE_DESCRIPTIONS} line;
 * the API gives it every queue of the catalogue (`send`, `dead-letters`, `wechat-events`,
 * `callbacks`, `callback-dead-letters`). The delivery records, not the jobs, are the source of truth:
 * retrying a job from the dashboard would not touch its record (the worker would skip it),
 * promoting a delayed job would send a scheduled message before its `sendAt`, and removing one
 * would strand its record as `queued`. State changes go through the API (cancel, redrive). Job
 * data holds ids, statuses and errcodes, WeChat's event pushes and the record a callback
 * reports — never a secret (callbacks are signed as they are sent), so no formatter is needed.
 */
/**
 * What Bull Board says under a queue's name. The dead-letter queues are never consumed (no
 * worker, by design): Bull Board's "No workers" badge on them is expected, and says so here.
 */
export const QUEUE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [QUEUE_CATALOGUE.send.name]:
    "Every app's sends. Completed jobs: the last SEND_KEEP_COMPLETED_JOBS (default 100) are kept; the delivery record is the audit trail.",
  [QUEUE_CATALOGUE.deadLetters.name]:
    'A copy of each dead message, kept for operators. No worker consumes this queue by design ("No workers" is expected). Redrive from /admin/dead-letters or POST /v1/dead-letters/:id/redrive.',
  [QUEUE_CATALOGUE.wechatEvents.name]: "WeChat's verified event pushes, handled by the worker.",
  [QUEUE_CATALOGUE.callbacks.name]: 'Signed status callbacks to callers, sent by the worker.',
  [QUEUE_CATALOGUE.callbackDeadLetters.name]:
    'Callbacks that used their attempt budget, kept for operators. No worker consumes this queue by design ("No workers" is expected); see /admin/callback-dead-letters.',
};

export function bullBoardRouter(queues: readonly Queue[], basePath = BULL_BOARD_PATH): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map(
      (queue) =>
        new BullMQAdapter(queue, {
          readOnlyMode: true,
          description: QUEUE_DESCRIPTIONS[queue.name] ?? '',
        }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'wechat-dispatch', hideDocsLink: true } },
  });
  return serverAdapter.getRouter() as Router;
}
