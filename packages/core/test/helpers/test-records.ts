import type { Redis } from 'ioredis';
import type { Keyspace } from '@wechat-dispatch/shared';
import { newMessageId } from '../../src/messages/message-id';
import type { Message } from '../../src/messages/message.schema';
import type { DeliveryRecord } from '../../src/records/record.schema';

/** The message of the records these tests create. */
export const testMessage: Message = {
  type: 'template',
  appId: 'wx1',
  toUser: 'oUser1',
  templateId: 'TPL',
  data: { thing1: { value: 'hi' } },
};

/** A new record (without history) for {@link testMessage}, `queued` unless told otherwise. */
export function newRecord(
  overrides: Partial<Omit<DeliveryRecord, 'history'>> = {},
): Omit<DeliveryRecord, 'history'> {
  const now = new Date().toISOString();
  return {
    id: newMessageId(),
    type: 'template',
    appId: 'wx1',
    toUser: 'oUser1',
    templateId: 'TPL',
    status: 'queued',
    attempts: 0,
    createdAt: now,
    updatedAt: now,
    caller: 'orders',
    traceId: 't1',
    ...overrides,
  };
}

/** Deletes every key under the test's keyspace and closes the connection (afterAll). */
export async function dropKeyspace(redis: Redis, keyspace: Keyspace): Promise<void> {
  const keys = await redis.keys(`${keyspace.root}*`);
  if (keys.length > 0) {
    await redis.del(...keys);
  }
  await redis.quit();
}
