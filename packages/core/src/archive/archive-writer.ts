import { sql, type Insertable, type Kysely } from 'kysely';
import { ensurePartitions, monthOf, partitionName, type ArchiveMonth } from './archive-partitions';
import type { ArchivedMessageTable, ArchiveTables } from './archive-tables';

/**
 * Writes archived rows: one INSERT … ON CONFLICT per batch, which replaces a row only with a
 * later change (by stream position) that changed the record, so a replayed or late change never
 * duplicates a row, never takes it back to an older state and leaves an unchanged row as it is. The month partitions a batch needs are made first.
 */
export class ArchiveWriter {
  private readonly knownPartitions = new Set<string>();

  constructor(private readonly db: Kysely<ArchiveTables>) {}

  /** Inserts or advances every row of `rows` (at most one per message id). */
  async write(rows: ReadonlyArray<Insertable<ArchivedMessageTable>>): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await this.ensureMonths(rows.map((row) => monthOf(new Date(row.created_at as string))));
    await this.db
      .insertInto('archived_messages')
      .values([...rows])
      .onConflict((conflict) =>
        conflict
          .columns(['id', 'created_at'])
          .doUpdateSet({
            updated_at: (eb) => eb.ref('excluded.updated_at'),
            status: (eb) => eb.ref('excluded.status'),
            errcode: (eb) => eb.ref('excluded.errcode'),
            metadata: (eb) => eb.ref('excluded.metadata'),
            record: (eb) => eb.ref('excluded.record'),
            change_ms: (eb) => eb.ref('excluded.change_ms'),
            change_seq: (eb) => eb.ref('excluded.change_seq'),
          })
          .where(
            sql<boolean>`(archived_messages.change_ms, archived_messages.change_seq) < (excluded.change_ms, excluded.change_seq) AND archived_messages.record IS DISTINCT FROM excluded.record`,
          ),
      )
      .execute();
  }

  /** Forgets the partitions it made (after retention dropped some). */
  forgetPartitions(): void {
    this.knownPartitions.clear();
  }

  private async ensureMonths(months: ArchiveMonth[]): Promise<void> {
    const missing = new Map<string, ArchiveMonth>();
    for (const month of months) {
      const name = partitionName(month);
      if (!this.knownPartitions.has(name)) {
        missing.set(name, month);
      }
    }
    if (missing.size === 0) {
      return;
    }
    await ensurePartitions(this.db, [...missing.values()]);
    for (const name of missing.keys()) {
      this.knownPartitions.add(name);
    }
  }
}
