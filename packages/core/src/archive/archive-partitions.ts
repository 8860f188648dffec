import { sql, type Kysely } from 'kysely';
import type { ArchiveTables } from './archive-tables';

/** A calendar month (UTC) of the archive: the range of one partition. */
export interface ArchiveMonth {
  year: number;
  /** 1–12 */
  month: number;
}

/** The month (UTC) an instant falls in. */
export function monthOf(at: Date): ArchiveMonth {
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1 };
}

/** The partition table's name of a month: `archived_messages_y2025m03`. */
export function partitionName({ year, month }: ArchiveMonth): string {
  return `archived_messages_y${year}m${String(month).padStart(2, '0')}`;
}

/** The month of a partition name, or undefined for another table. */
export function monthOfPartition(name: string): ArchiveMonth | undefined {
  const match = /^archived_messages_y(\d{4})m(\d{2})$/.exec(name);
  return match ? { year: Number(match[1]), month: Number(match[2]) } : undefined;
}

/** The first instant of a month and of the month after it. */
export function monthBounds({ year, month }: ArchiveMonth): { from: Date; to: Date } {
  return { from: new Date(Date.UTC(year, month - 1, 1)), to: new Date(Date.UTC(year, month, 1)) };
}

/**
 * The partitions whose whole month ended before `cutoff`: what a retention of that age drops.
 */
export function partitionsBefore(names: readonly string[], cutoff: Date): string[] {
  return names.filter((name) => {
    const month = monthOfPartition(name);
    return month !== undefined && monthBounds(month).to.getTime() <= cutoff.getTime();
  });
}

/** Creates the partition of each month that has none yet (concurrent callers are harmless). */
export async function ensurePartitions(
  db: Kysely<ArchiveTables>,
  months: readonly ArchiveMonth[],
): Promise<void> {
  for (const month of months) {
    const { from, to } = monthBounds(month);
    await sql`CREATE TABLE IF NOT EXISTS ${sql.id(partitionName(month))} PARTITION OF archived_messages FOR VALUES FROM (${sql.lit(from.toISOString())}) TO (${sql.lit(to.toISOString())})`.execute(
      db,
    );
  }
}

/** The names of the archive's partitions. */
export async function listPartitions(db: Kysely<ArchiveTables>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'archived_messages'`.execute(db);
  return rows.map((row) => row.name).sort();
}

/** Drops the partitions of the months wholly older than `retentionDays`; answers their names. */
export async function dropExpiredPartitions(
  db: Kysely<ArchiveTables>,
  retentionDays: number,
  now: Date = new Date(),
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000);
  const expired = partitionsBefore(await listPartitions(db), cutoff);
  for (const name of expired) {
    await sql`DROP TABLE IF EXISTS ${sql.id(name)}`.execute(db);
  }
  return expired;
}
