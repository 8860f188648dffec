import { shardOfMessageId, type RecordStore } from '@wechat-dispatch/core';
import type { SendShards } from '@wechat-dispatch/shared';
import type { MessageQueue, PreparedMessage } from '../domain/message-queue';

/** Items grouped by their app's shard, in shard order; empty groups left out. */
function byShard(
  shards: SendShards,
  items: readonly PreparedMessage[],
): Array<[number, PreparedMessage[]]> {
  const groups = new Map<number, PreparedMessage[]>();
  for (const item of items) {
    const shard = shards.shardOf(item.record.appId);
    groups.set(shard, [...(groups.get(shard) ?? []), item]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

/**
 * The send queues of every shard as one {@link MessageQueue}: a batch's messages go to their
 * apps' shards, one create-records script and one job pipeline per shard (each touching one
 * slot), and a job is removed from the shard its message id names. With one shard it is that
 * shard's queue.
 */
export class ShardedMessageQueue implements MessageQueue {
  constructor(
    private readonly shards: SendShards,
    private readonly queues: readonly MessageQueue[],
  ) {}

  /** @inheritdoc */
  async enqueue(items: readonly PreparedMessage[]): Promise<void> {
    await Promise.all(
      byShard(this.shards, items).map(([shard, group]) => this.queues[shard]!.enqueue(group)),
    );
  }

  /** @inheritdoc */
  async discard(items: readonly PreparedMessage[]): Promise<void> {
    await Promise.all(
      byShard(this.shards, items).map(([shard, group]) => this.queues[shard]!.discard(group)),
    );
  }

  /** @inheritdoc */
  async removeJob(id: string): Promise<void> {
    await this.queues[shardOfMessageId(id) ?? 0]?.removeJob(id);
  }
}

/** What the API reads and changes of a record by its id. */
export type RecordsById = Pick<RecordStore, 'get' | 'load' | 'transition'>;

/**
 * The record stores of every shard as one: a read or transition by id goes to the shard the
 * id names (an id naming a shard this deployment does not have is looked up, and not found, in
 * shard 0).
 */
export function recordsById(stores: readonly RecordStore[]): RecordsById {
  const storeOf = (id: string) => stores[shardOfMessageId(id) ?? 0] ?? stores[0]!;
  return {
    get: (id) => storeOf(id).get(id),
    load: (id) => storeOf(id).load(id),
    transition: (id, request) => storeOf(id).transition(id, request),
  };
}
