import type { Message } from '../messages/message.schema';
import { HISTORY_FIELD, parseHistory } from './history-field';
import type { DeliveryRecord, MessageStatus, StoredMessage } from './record.schema';

/** Fields of the record hash that hold JSON. */
const JSON_FIELDS = new Set(['lastError', 'metadata', 'message']);

/** A record (without history) and its message as flat hash fields. */
export function encodeRecord(record: Omit<DeliveryRecord, 'history'>, message: Message): string[] {
  const flat: Record<string, unknown> = { ...record, message };
  const out: string[] = [];
  for (const [field, value] of Object.entries(flat)) {
    // The history field has a format of its own (history-field.ts); a record passed in with
    // its history must not overwrite it with a JSON array.
    if (value === undefined || field === HISTORY_FIELD) {
      continue;
    }
    out.push(field, encodeField(field, value));
  }
  return out;
}

/** Encodes one field value for HSET. */
export function encodeField(field: string, value: unknown): string {
  if (typeof value === 'string' && !JSON_FIELDS.has(field)) {
    return value;
  }
  if ((typeof value === 'number' || typeof value === 'boolean') && !JSON_FIELDS.has(field)) {
    return String(value);
  }
  return JSON.stringify(value);
}

/** A record hash back into objects; `history` is empty when the hash has no history field. */
export function decodeRecord(hash: Record<string, string>): StoredMessage {
  const parse = <T>(field: string): T | undefined =>
    hash[field] === undefined ? undefined : (JSON.parse(hash[field]) as T);
  const record: DeliveryRecord = {
    id: hash.id ?? '',
    type: hash.type as DeliveryRecord['type'],
    appId: hash.appId ?? '',
    toUser: hash.toUser ?? '',
    templateId: hash.templateId ?? '',
    status: hash.status as MessageStatus,
    attempts: Number(hash.attempts ?? 0),
    wechatMsgId: hash.wechatMsgId,
    lastError: parse('lastError'),
    createdAt: hash.createdAt ?? '',
    updatedAt: hash.updatedAt ?? '',
    sentAt: hash.sentAt,
    sendAt: hash.sendAt,
    expiresAt: hash.expiresAt,
    nextAttemptAt: hash.nextAttemptAt,
    caller: hash.caller ?? '',
    metadata: parse('metadata'),
    traceId: hash.traceId ?? '',
    history: parseHistory(hash[HISTORY_FIELD]),
  };
  return { record, message: parse<Message>('message') as Message };
}
