import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { DeliveryRecord } from '../records/record.schema';
import { recordOf } from './archive-row';
import type { ArchiveTables } from './archive-tables';

/** What a search may filter on; every filter given must match. */
export interface ArchiveFilter {
  /** Only these apps (a caller's scope); undefined = every app. */
  appIds?: readonly string[];
  appId?: string;
  toUser?: string;
  status?: string;
  templateId?: string;
  caller?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
  /** `metadata.<key>=<value>` pairs (a value matches its string, number or boolean form). */
  metadata?: Readonly<Record<string, string>>;
}

/** Where the previous page stopped: its last record's creation time and id. */
export interface ArchivePosition {
  createdAt: string;
  id: string;
}

/** One page of a search, newest first. */
export interface ArchivePage {
  items: DeliveryRecord[];
  /** Where the next page starts; undefined on the last page. */
  next?: ArchivePosition;
}

/** How stats group their counts. */
export type StatsGrouping = 'day' | 'template' | 'errcode';

/** The counts per status of one group (or of everything). */
export interface StatusCounts {
  key?: string;
  total: number;
  counts: Record<string, number>;
}

/** The statuses every stats answer lists, even at zero. */
export const STATS_STATUSES = [
  'sent',
  'delivered',
  'undelivered',
  'dead',
  'expired',
  'cancelled',
] as const;

type Query = SelectQueryBuilder<ArchiveTables, 'archived_messages', object>;

/**
 * Reads the archive: searches newest first with keyset pages, one record by id, and counts per
 * status. The queries are the same on PostgreSQL and on the embedded PGlite.
 */
export class ArchiveSearch {
  constructor(private readonly db: Kysely<ArchiveTables>) {}

  /** The records matching `filter`, newest first, `limit` at a time after `after`. */
  async search(
    filter: ArchiveFilter,
    limit: number,
    after?: ArchivePosition,
  ): Promise<ArchivePage> {
    let query = applyFilter(this.db.selectFrom('archived_messages'), filter);
    if (after) {
      query = query.where(
        sql<boolean>`(created_at, id) < (${after.createdAt}::timestamptz, ${after.id})`,
      );
    }
    const rows = await query
      .select(['record', 'created_at', 'id'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(recordOf);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      next: last ? { createdAt: new Date(last.created_at).toISOString(), id: last.id } : undefined,
    };
  }

  /** The archived record of `id`, or undefined. */
  async get(id: string): Promise<DeliveryRecord | undefined> {
    const row = await this.db
      .selectFrom('archived_messages')
      .select('record')
      .where('id', '=', id)
      .limit(1)
      .executeTakeFirst();
    return row ? recordOf(row) : undefined;
  }

  /** Counts per status of the records matching `filter`, in groups when `groupBy` is given. */
  async stats(filter: ArchiveFilter, groupBy?: StatsGrouping): Promise<StatusCounts[]> {
    const keyExpression =
      groupBy === 'day'
        ? sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
        : groupBy === 'template'
          ? sql<string>`template_id`
          : groupBy === 'errcode'
            ? sql<string>`coalesce(errcode::text, 'none')`
            : sql<string>`''`;
    const rows = await applyFilter(this.db.selectFrom('archived_messages'), filter)
      .select([keyExpression.as('group_key'), 'status', sql<string>`count(*)`.as('n')])
      .groupBy([sql`1`, 'status'])
      .execute();
    const groups = new Map<string, StatusCounts>();
    for (const row of rows) {
      const key = row.group_key;
      let group = groups.get(key);
      if (!group) {
        group = {
          ...(groupBy ? { key } : {}),
          total: 0,
          counts: Object.fromEntries(STATS_STATUSES.map((status) => [status, 0])),
        };
        groups.set(key, group);
      }
      const n = Number(row.n);
      group.counts[row.status] = (group.counts[row.status] ?? 0) + n;
      group.total += n;
    }
    if (!groupBy && groups.size === 0) {
      return [
        { total: 0, counts: Object.fromEntries(STATS_STATUSES.map((status) => [status, 0])) },
      ];
    }
    return [...groups.values()].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
  }
}

function applyFilter(query: Query, filter: ArchiveFilter): Query {
  let q = query;
  if (filter.appIds !== undefined) {
    if (filter.appIds.length === 0) {
      return q.where(sql<boolean>`false`);
    }
    q = q.where('app_id', 'in', [...filter.appIds]);
  }
  if (filter.appId !== undefined) q = q.where('app_id', '=', filter.appId);
  if (filter.toUser !== undefined) q = q.where('to_user', '=', filter.toUser);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.templateId !== undefined) q = q.where('template_id', '=', filter.templateId);
  if (filter.caller !== undefined) q = q.where('caller', '=', filter.caller);
  if (filter.from !== undefined) q = q.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('created_at', '<', filter.to);
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    const forms = metadataForms(key, value).map(
      (form) => sql<boolean>`metadata @> ${JSON.stringify(form)}::jsonb`,
    );
    q = q.where((eb) => eb.or(forms));
  }
  return q;
}

/** The JSON objects a `metadata.<key>=<value>` filter matches: the value as a string, number or boolean. */
export function metadataForms(key: string, value: string): Array<Record<string, unknown>> {
  const forms: Array<Record<string, unknown>> = [{ [key]: value }];
  const number = Number(value);
  if (value.trim() !== '' && Number.isFinite(number)) {
    forms.push({ [key]: number });
  }
  if (value === 'true' || value === 'false') {
    forms.push({ [key]: value === 'true' });
  }
  return forms;
}
