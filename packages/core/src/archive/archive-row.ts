import type { Insertable, Selectable } from 'kysely';
import type { DeliveryRecord } from '../records/record.schema';
import type { ArchivedMessageTable } from './archive-tables';

/** The position of a change in the change stream (its entry id `ms-seq`). */
export interface ChangePosition {
  ms: string;
  seq: string;
}

/** A stream entry id split into its parts. */
export function positionOf(entryId: string): ChangePosition {
  const [ms = '0', seq = '0'] = entryId.split('-');
  return { ms, seq };
}

/** Whether position `a` comes after `b` in the stream. */
export function isAfter(a: ChangePosition, b: ChangePosition): boolean {
  const ms = BigInt(a.ms) - BigInt(b.ms);
  return ms > 0n || (ms === 0n && BigInt(a.seq) > BigInt(b.seq));
}

/** The row of a record, as of the change at `position`. */
export function rowOf(
  record: DeliveryRecord,
  position: ChangePosition,
): Insertable<ArchivedMessageTable> {
  return {
    id: record.id,
    created_at: record.createdAt,
    updated_at: record.updatedAt || record.createdAt,
    app_id: record.appId,
    caller: record.caller,
    to_user: record.toUser,
    template_id: record.templateId,
    type: record.type,
    status: record.status,
    errcode: record.lastError?.errcode ?? null,
    metadata: record.metadata === undefined ? null : JSON.stringify(record.metadata),
    record: JSON.stringify(record),
    change_ms: position.ms,
    change_seq: position.seq,
  };
}

/** The record a row holds (the JSON column; PGlite and pg both answer it parsed). */
export function recordOf(row: Pick<Selectable<ArchivedMessageTable>, 'record'>): DeliveryRecord {
  const value = row.record;
  return (typeof value === 'string' ? JSON.parse(value) : value) as DeliveryRecord;
}
