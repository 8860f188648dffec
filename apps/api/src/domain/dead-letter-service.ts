import {
  isMessageId,
  type DeadLetterPage,
  type DeadLetterStore,
  type RecordStore,
} from '@wechat-dispatch/core';
import { ConflictError, NotFoundError, type Logger } from '@wechat-dispatch/shared';
import type { RequestContext } from './message-service';
import { storageCall } from './storage-call';
import { canSee, type Viewer } from './visibility';

/** A dead-letter listing request. */
export interface DeadLetterQuery {
  appId?: string;
  limit: number;
  cursor?: string;
}

/** Store pages a caller's listing may skip over before answering with an empty page. */
const MAX_PAGES_PER_LISTING = 20;

/**
 * Dead letters as callers see them: operators (`API_ADMIN_CALLERS`) list and redrive every
 * caller's; any other caller only its own, exactly like `GET /v1/messages/:id`.
 */
export class DeadLetterService {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly records: RecordStore,
    private readonly logger: Logger,
  ) {}

  /**
   * One page, newest first. For a non-operator the store's pages are filtered to its own
   * records; pages with none of them are skipped (up to {@link MAX_PAGES_PER_LISTING}), so a
   * page may hold fewer than `limit` items while `nextCursor` still leads on.
   */
  async list(query: DeadLetterQuery, viewer: Viewer): Promise<DeadLetterPage> {
    let cursor = query.cursor;
    for (let round = 0; ; round += 1) {
      const page = await storageCall(() =>
        this.store.list({ appId: query.appId, limit: query.limit, cursor }),
      );
      const items = page.items.filter((record) => canSee(viewer, record));
      if (items.length > 0 || page.nextCursor === null || round + 1 >= MAX_PAGES_PER_LISTING) {
        return { items, nextCursor: page.nextCursor };
      }
      cursor = page.nextCursor;
    }
  }

  /**
   * Puts a dead message back to `queued` with a fresh attempt budget; exactly one of two
   * concurrent redrives wins (the record's `dead → queued` step is atomic).
   * @throws NotFoundError for an unknown id or another caller's message
   * @throws ConflictError when the message is not dead
   */
  async redrive(
    id: string,
    viewer: Viewer,
    ctx: RequestContext,
  ): Promise<{ id: string; status: 'queued' }> {
    const record = isMessageId(id) ? await storageCall(() => this.records.get(id)) : undefined;
    if (!record || !canSee(viewer, record)) {
      throw new NotFoundError(`No message with id ${id}`);
    }
    const result = await storageCall(() => this.store.redrive(id, ctx));
    if (!result.ok) {
      if (result.reason === 'not_found') {
        throw new NotFoundError(`No message with id ${id}`);
      }
      throw new ConflictError(
        `The message is ${result.status ?? 'not dead'}; only dead messages can be redriven`,
      );
    }
    this.logger.info('message redriven', {
      messageId: id,
      caller: viewer.caller,
      traceId: ctx.traceId,
    });
    return { id, status: 'queued' };
  }
}
