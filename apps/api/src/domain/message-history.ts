import {
  AppError,
  ERROR_CODES,
  NotFoundError,
  ValidationError,
  type Logger,
} from '@wechat-dispatch/shared';
import type {
  AppDirectory,
  ArchiveFilter,
  ArchiveSearch,
  DeliveryRecord,
  StatsGrouping,
  StatusCounts,
} from '@wechat-dispatch/core';
import type { DeadLetterCursors } from './dead-letter-cursor';
import { canSee, scopeOf, type Viewer } from './visibility';

/** 501: no archive is configured (neither `DATABASE_URL` nor `ARCHIVE_DIR`). */
export class ArchiveNotConfiguredError extends AppError {
  constructor() {
    super(
      ERROR_CODES.ARCHIVE_NOT_CONFIGURED,
      501,
      'No delivery-history archive is configured: set DATABASE_URL (PostgreSQL) or ARCHIVE_DIR (embedded PGlite; `npm start` sets it)',
    );
  }
}

/** 503: the archive does not answer. */
export class ArchiveUnavailableError extends AppError {
  constructor(cause: unknown) {
    super(ERROR_CODES.ARCHIVE_UNAVAILABLE, 503, 'The delivery-history archive is unavailable', {
      cause,
    });
  }
}

/** What a search asks: the filters, `metadata.<key>` pairs, a page size and a cursor. */
export interface SearchQuery {
  appId?: string;
  toUser?: string;
  status?: string;
  templateId?: string;
  caller?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  metadata?: Record<string, string>;
}

/** What stats ask. */
export interface StatsQuery {
  appId?: string;
  from?: string;
  to?: string;
  groupBy?: StatsGrouping;
}

/**
 * Search, stats and the archive fallback of `GET /v1/messages/:id` (#20), scoped to the viewer as
 * reads by id are: a caller sees only its own messages of the apps in its scope, an operator all.
 * Without an archive every call answers 501 (the fallback answers 404, as before).
 */
export class MessageHistory {
  constructor(
    private readonly deps: {
      search?: ArchiveSearch;
      apps: AppDirectory;
      cursors: DeadLetterCursors;
      logger: Logger;
    },
  ) {}

  /** Whether an archive is configured. */
  get configured(): boolean {
    return this.deps.search !== undefined;
  }

  /** The viewer's records matching `query`, newest first. */
  async search(
    query: SearchQuery,
    viewer: Viewer,
  ): Promise<{ items: DeliveryRecord[]; nextCursor: string | null }> {
    const search = this.archive();
    const filter = this.scoped(
      {
        appId: query.appId,
        toUser: query.toUser,
        status: query.status,
        templateId: query.templateId,
        caller: query.caller,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
        metadata: query.metadata,
      },
      viewer,
    );
    const owner = { caller: viewer.caller, appId: fingerprint(filter) };
    const after = query.cursor === undefined ? undefined : this.openCursor(query.cursor, owner);
    const page = await this.guard(() => search.search(filter, query.limit, after));
    return {
      items: page.items,
      nextCursor: page.next ? this.deps.cursors.seal(JSON.stringify(page.next), owner) : null,
    };
  }

  /** Counts per status of the viewer's records. */
  async stats(
    query: StatsQuery,
    viewer: Viewer,
  ): Promise<{ groupBy: StatsGrouping | null; groups: StatusCounts[] }> {
    const search = this.archive();
    const filter = this.scoped(
      {
        appId: query.appId,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
      },
      viewer,
    );
    const groups = await this.guard(() => search.stats(filter, query.groupBy));
    return { groupBy: query.groupBy ?? null, groups };
  }

  /**
   * The archived record of `id` for the viewer.
   * @throws NotFoundError without an archive, for an unknown id or another caller's message
   */
  async get(id: string, viewer: Viewer): Promise<DeliveryRecord> {
    const search = this.deps.search;
    const record = search ? await this.guard(() => search.get(id)) : undefined;
    if (!record || !canSee(viewer, record)) {
      throw new NotFoundError(`No message with id ${id}`);
    }
    return record;
  }

  private archive(): ArchiveSearch {
    if (!this.deps.search) {
      throw new ArchiveNotConfiguredError();
    }
    return this.deps.search;
  }

  /**
   * The filter narrowed to what the viewer may see.
   * @throws NotFoundError for an `appId` outside the caller's apps, as a send for it is (#18)
   */
  private scoped(filter: ArchiveFilter, viewer: Viewer): ArchiveFilter {
    if (viewer.isAdmin) {
      return filter;
    }
    const scope = scopeOf(viewer);
    if (filter.appId !== undefined && !scope.mayUse(filter.appId)) {
      throw new NotFoundError(`No app ${filter.appId} for this caller`);
    }
    const every = this.deps.apps.list().map((app) => app.appId);
    const within = scope.within(every);
    return {
      ...filter,
      caller: viewer.caller,
      // A caller naming another caller finds nothing, as a read by id would.
      ...(filter.caller !== undefined && filter.caller !== viewer.caller
        ? { appIds: [] }
        : within.length === every.length
          ? {}
          : { appIds: within }),
    };
  }

  private openCursor(cursor: string, owner: { caller: string; appId: string }) {
    const position = JSON.parse(this.deps.cursors.open(cursor, owner)) as {
      createdAt?: unknown;
      id?: unknown;
    };
    if (typeof position.createdAt !== 'string' || typeof position.id !== 'string') {
      throw new ValidationError('The request is invalid', [
        { path: 'cursor', message: 'is not a cursor of this search' },
      ]);
    }
    return { createdAt: position.createdAt, id: position.id };
  }

  private async guard<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      this.deps.logger.warn('archive query failed', { error: String(error) });
      throw new ArchiveUnavailableError(error);
    }
  }
}

/** A stable text of a filter, binding a cursor to the search it continues. */
function fingerprint(filter: ArchiveFilter): string {
  const entries = Object.entries(filter).filter(([, value]) => value !== undefined);
  return JSON.stringify(entries.sort(([a], [b]) => a.localeCompare(b)));
}
