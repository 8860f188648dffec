import {
  isMessageId,
  type DeadLetterPage,
  type DeadLetterStore,
  type RecordStore,
} from '@wechat-dispatch/core';
import { ConflictError, NotFoundError, type Logger } from '@wechat-dispatch/shared';
import type { RequestContext } from './message-service';
import { storageCall } from './storage-call';
import type { DeadLetterCursors } from './dead-letter-cursor';
import { canSee, scopeOf, type Viewer } from './visibility';

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
 * caller's; any other caller only its own of the apps in its scope, exactly like
 * `GET /v1/messages/:id`.
 */
export class DeadLetterService {
  constructor(
    private readonly store: Pick<DeadLetterStore, 'list' | 'redrive'>,
    private readonly records: Pick<RecordStore, 'get'>,
    private readonly cursors: DeadLetterCursors,
    private readonly logger: Logger,
  ) {}

  /**
   * One page, newest first. A non-operator pages its own index (what it costs is what it
   * returns); records of apps outside its scope are skipped (up to
   * {@link MAX_PAGES_PER_LISTING} store pages), so a page may hold fewer than `limit` items
   * while `nextCursor` still leads on. Cursors are sealed for the caller and the listing.
   * @throws NotFoundError when `appId` is outside the caller's scope
   * @throws ValidationError naming `cursor` when it is not one this listing gave out
   */
  async list(query: DeadLetterQuery, viewer: Viewer): Promise<DeadLetterPage> {
    if (query.appId !== undefined && !scopeOf(viewer).mayUse(query.appId)) {
      throw new NotFoundError(`No app ${query.appId} for this caller`);
    }
    const owner = { caller: viewer.caller, appId: query.appId };
    const caller = viewer.isAdmin ? undefined : viewer.caller;
    let cursor = query.cursor === undefined ? undefined : this.cursors.open(query.cursor, owner);
    for (let round = 0; ; round += 1) {
      const page = await storageCall(() =>
        this.store.list({ appId: query.appId, caller, limit: query.limit, cursor }),
      );
      const items = page.items.filter((record) => canSee(viewer, record));
      if (items.length > 0 || page.nextCursor === null || round + 1 >= MAX_PAGES_PER_LISTING) {
        const next = page.nextCursor === null ? null : this.cursors.seal(page.nextCursor, owner);
        return { items, nextCursor: next };
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
