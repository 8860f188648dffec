import express, { Router, type Request, type Response } from 'express';
import type { Queue } from 'bullmq';
import type { AppDirectory, DeadCallback, DeliveryRecord } from '@wechat-dispatch/core';
import { AppError, NotFoundError, type Logger } from '@wechat-dispatch/shared';
import type { DeadLetterService } from '../../domain/dead-letter-service';
import type { MessageHistory, SearchQuery } from '../../domain/message-history';
import type { MessageService } from '../../domain/message-service';
import type { Viewer } from '../../domain/visibility';
import { localsOf } from '../request-locals';
import { ConsoleCsrf } from './console-csrf';
import { notice } from './console-layout';
import {
  appsPage,
  callbackDeadLettersPage,
  deadLettersPage,
  messagePage,
  notFoundPage,
  searchPage,
  type SearchForm,
  type SearchOutcome,
} from './console-pages';
import { CONSOLE_CSS } from './console-style';

/** What the console reads and does; the same services the `/v1` routes use. */
export interface ConsoleDeps {
  /** The dashboard's user (`ADMIN_USER`): the console acts as operator `console:<user>`. */
  user: string;
  messages: MessageService;
  history: MessageHistory;
  deadLetters: DeadLetterService;
  callbackDeadLetters: Queue<DeadCallback>;
  apps: AppDirectory;
  /** Every queue's name, for the links into Bull Board. */
  queueNames: readonly string[];
  /** What a WeChat errcode means (the errcode catalogue). */
  meaningOf: (errcode: number) => string | undefined;
  logger: Logger;
}

/** Callback dead letters one page shows. */
const CALLBACK_DEAD_LETTERS_SHOWN = 100;
const PAGE_SIZE = 50;
const FORM_FIELDS = [
  'toUser',
  'appId',
  'status',
  'templateId',
  'caller',
  'from',
  'to',
  'metaKey',
  'metaValue',
] as const;

function queryText(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Answers a page. `same-origin` referrers instead of the API's `no-referrer`: with that, the
 * browser sends `Origin: null` on the console's own form posts, which the CSRF check refuses.
 */
function sendPage(res: Response, page: string, status = 200): void {
  res
    .status(status)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    .setHeader('Referrer-Policy', 'same-origin')
    .send(page);
}

/** The form's times as ISO instants, or the name of the one that is not a time. */
function instantOf(value: string | undefined): string | undefined | Error {
  if (value === undefined) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? new Error(value) : new Date(ms).toISOString();
}

/** The archive search a filled-in form asks for, or why it cannot be asked. */
export function searchQueryOf(form: SearchForm, cursor?: string): SearchQuery | string {
  const from = instantOf(form.from);
  const to = instantOf(form.to);
  if (from instanceof Error || to instanceof Error) {
    return `"${from instanceof Error ? form.from : form.to}" is not a time (use e.g. 2026-12-01 or 2026-12-01T08:00:00Z)`;
  }
  if ((form.metaKey === undefined) !== (form.metaValue === undefined)) {
    return 'A metadata search needs both a key and a value';
  }
  return {
    toUser: form.toUser,
    appId: form.appId,
    status: form.status,
    templateId: form.templateId,
    caller: form.caller,
    from,
    to,
    limit: PAGE_SIZE,
    cursor,
    metadata: form.metaKey !== undefined ? { [form.metaKey]: form.metaValue! } : undefined,
  };
}

/**
 * `/admin`: the operator console (#20), server-rendered, behind the dashboard's basic auth
 * (mounted by app.ts). Search over the archive, a message with its history and what its
 * errcodes mean, dead letters with redrive, callback dead letters, apps and links into Bull
 * Board. Pages load nothing but `/admin/console.css`: no script, no CDN.
 */
export function consoleRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  const csrf = new ConsoleCsrf();
  const token = csrf.tokenFor(deps.user);
  const viewerOf = (res: Response): Viewer => ({
    caller: `console:${deps.user}`,
    isAdmin: true,
    traceId: localsOf(res).traceId,
  });

  router.get('/console.css', (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'max-age=300').send(CONSOLE_CSS);
  });

  router.get('/', async (req, res) => {
    const form: SearchForm = Object.fromEntries(
      FORM_FIELDS.map((name) => [name, queryText(req, name)]),
    );
    const outcome = await searchOutcome(deps, form, queryText(req, 'cursor'), viewerOf(res));
    sendPage(res, searchPage(form, outcome));
  });

  router.get('/messages', (req, res) => {
    const id = queryText(req, 'id');
    res.redirect(303, id ? `/admin/messages/${encodeURIComponent(id)}` : '/admin');
  });

  router.get('/messages/:id', async (req, res) => {
    const id = String(req.params.id);
    const viewer = viewerOf(res);
    const found = await readRecord(deps, id, viewer);
    if (!found) {
      sendPage(res, notFoundPage(`No message with id ${id}`), 404);
      return;
    }
    sendPage(res, messagePage(found.record, deps.meaningOf, found.source, token));
  });

  router.get('/dead-letters', async (req, res) => {
    sendPage(res, await deadLetterListing(deps, req, viewerOf(res), token));
  });

  router.post(
    '/dead-letters/:id/redrive',
    express.urlencoded({ extended: false, limit: '4kb' }),
    async (req, res) => {
      const id = String(req.params.id);
      const body = req.body as Record<string, unknown> | undefined;
      const trusted = csrf.accepts(deps.user, body?.csrf, {
        origin: req.get('origin'),
        host: req.get('host'),
        secFetchSite: req.get('sec-fetch-site'),
      });
      if (!trusted) {
        sendPage(
          res,
          notFoundPage('This form was not sent from the console; reload it and try again'),
          403,
        );
        return;
      }
      const viewer = viewerOf(res);
      let flash;
      try {
        await deps.deadLetters.redrive(id, viewer, {
          caller: viewer.caller,
          traceId: viewer.traceId ?? '',
        });
        flash = notice(`Message ${id} redriven: it is queued again.`, 'ok');
      } catch (error) {
        flash = notice(`Message ${id} was not redriven: ${describe(error)}`, 'error');
      }
      sendPage(res, await deadLetterListing(deps, req, viewer, token, flash));
    },
  );

  router.get('/callback-dead-letters', async (_req, res) => {
    const queue = deps.callbackDeadLetters;
    const [jobs, total] = await Promise.all([
      queue.getJobs(
        ['waiting', 'prioritized', 'delayed'],
        0,
        CALLBACK_DEAD_LETTERS_SHOWN - 1,
        false,
      ),
      queue.count(),
    ]);
    sendPage(
      res,
      callbackDeadLettersPage(
        jobs.map((job) => job.data),
        total,
      ),
    );
  });

  router.get('/apps', (_req, res) => {
    sendPage(res, appsPage(deps.apps.list(), deps.queueNames));
  });
  return router;
}

async function searchOutcome(
  deps: ConsoleDeps,
  form: SearchForm,
  cursor: string | undefined,
  viewer: Viewer,
): Promise<SearchOutcome> {
  if (!deps.history.configured) {
    return {
      kind: 'message',
      text: 'No delivery-history archive is configured: set DATABASE_URL (PostgreSQL) or ARCHIVE_DIR (embedded PGlite) to search. A message can still be opened by id while its Redis record lives.',
    };
  }
  const query = searchQueryOf(form, cursor);
  if (typeof query === 'string') {
    return { kind: 'message', text: query, error: true };
  }
  try {
    const page = await deps.history.search(query, viewer);
    return { kind: 'results', items: page.items, next: page.nextCursor ?? undefined };
  } catch (error) {
    return { kind: 'message', text: describe(error), error: true };
  }
}

async function readRecord(
  deps: ConsoleDeps,
  id: string,
  viewer: Viewer,
): Promise<{ record: DeliveryRecord; source: 'redis' | 'archive' } | undefined> {
  try {
    return { record: await deps.messages.get(id, viewer), source: 'redis' };
  } catch (error) {
    if (!(error instanceof NotFoundError)) {
      throw error;
    }
  }
  if (!deps.history.configured) {
    return undefined;
  }
  try {
    return { record: await deps.history.get(id, viewer), source: 'archive' };
  } catch (error) {
    if (error instanceof NotFoundError) {
      return undefined;
    }
    throw error;
  }
}

async function deadLetterListing(
  deps: ConsoleDeps,
  req: Request,
  viewer: Viewer,
  token: string,
  flash?: ReturnType<typeof notice>,
): Promise<string> {
  const cursor = queryText(req, 'cursor');
  try {
    const page = await deps.deadLetters.list({ limit: PAGE_SIZE, cursor }, viewer);
    return deadLettersPage(page.items, page.nextCursor, token, flash);
  } catch (error) {
    return deadLettersPage([], null, token, notice(describe(error), 'error'));
  }
}

function describe(error: unknown): string {
  return error instanceof AppError ? error.message : 'The request failed; see the API log';
}
