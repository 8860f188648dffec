import { Cluster } from 'ioredis';
import { withTimeout } from '../async/with-timeout';
import type { RedisClient } from './create-redis';

const PING_TIMEOUT_MS = 1000;

/** The hash slot of each probe key, per Cluster connection (a key's slot never changes). */
const slots = new WeakMap<Cluster, Map<string, number>>();

async function slotOf(cluster: Cluster, key: string): Promise<number> {
  let known = slots.get(cluster);
  if (!known) {
    known = new Map();
    slots.set(cluster, known);
  }
  let slot = known.get(key);
  if (slot === undefined) {
    slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
    known.set(key, slot);
  }
  return slot;
}

/**
 * Whether the Cluster primary that serves `key`'s slot is connected: ioredis' Cluster stays
 * `ready` while any node is, so its own status says nothing about the service's slot.
 */
async function slotOwnerConnected(cluster: Cluster, key: string): Promise<boolean> {
  const owner = cluster.slots[await slotOf(cluster, key)]?.[0];
  return cluster
    .nodes('master')
    .some(
      (node) => `${node.options.host}:${node.options.port}` === owner && node.status === 'ready',
    );
}

/**
 * Whether Redis answers within a second (a consumer connection would otherwise wait forever).
 * With `key` (the service's hash-tagged root), the question goes to the node that holds the
 * service's data: on a Cluster, that slot's primary must be connected and answer a read of the
 * key; without it a key-less PING, which a Cluster sends to any live node.
 */
export async function redisAnswers(redis: RedisClient, key?: string): Promise<boolean> {
  if (redis.status !== 'ready') {
    return false;
  }
  const probe = async (): Promise<unknown> => {
    if (key === undefined) {
      return redis.ping();
    }
    if (redis instanceof Cluster && !(await slotOwnerConnected(redis, key))) {
      throw new Error('the slot owner is not connected');
    }
    return redis.exists(key);
  };
  return withTimeout(probe(), PING_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
}
