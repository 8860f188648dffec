import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

/** Where the dashboard is mounted; Bull Board's basePath must be exactly this. */
export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over every queue the service uses (each app's send queue and `dead-letters`),
 * read-only. The delivery records, not the jobs, are the source of truth: retrying a job from
 * the dashboard would not touch its record (the worker would skip it), promoting a delayed job
 * would send a scheduled message before its `sendAt`, and removing one would strand its record
 * as `queued`. State changes go through the API (cancel, redrive). Job data holds only the
 * message id and trace id (dead letters add appId and WeChat's errcode), so no formatter is
 * needed to hide secrets or message content.
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
