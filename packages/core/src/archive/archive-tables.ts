import type { ColumnType } from 'kysely';

/** One archived message: the record's searchable fields as columns, the whole record as JSON. */
export interface ArchivedMessageTable {
  id: string;
  created_at: ColumnType<Date, Date | string, never>;
  updated_at: ColumnType<Date, Date | string, Date | string>;
  app_id: string;
  caller: string;
  to_user: string;
  template_id: string;
  type: string;
  status: string;
  errcode: number | null;
  metadata: ColumnType<unknown, string | null, string | null>;
  record: ColumnType<unknown, string, string>;
  /** The change stream entry id of the newest change written (its two parts), for ordering. */
  change_ms: ColumnType<string, string | number, string | number>;
  change_seq: ColumnType<string, string | number, string | number>;
}

/** The archive database as Kysely sees it. */
export interface ArchiveTables {
  archived_messages: ArchivedMessageTable;
}

/** The partitioned table every month's partition belongs to. */
export const ARCHIVE_TABLE = 'archived_messages';
