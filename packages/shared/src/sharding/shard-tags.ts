import { CLUSTER_SLOTS, keySlot } from './key-slot';

/** The lowest and highest shard counts `SEND_SHARDS` accepts. */
export const MIN_SEND_SHARDS = 1;
export const MAX_SEND_SHARDS = 64;

/** The first and last slot of the `shard`-th of `count` equal contiguous parts of the slots. */
export function slotRangeOf(shard: number, count: number): { first: number; last: number } {
  return {
    first: Math.floor((shard * CLUSTER_SLOTS) / count),
    last: Math.floor(((shard + 1) * CLUSTER_SLOTS) / count) - 1,
  };
}

/** Which of `count` equal parts ({@link slotRangeOf}) holds `slot`. */
export function partOfSlot(slot: number, count: number): number {
  let part = Math.floor((slot * count) / CLUSTER_SLOTS);
  while (slotRangeOf(part, count).first > slot) {
    part--;
  }
  while (slotRangeOf(part, count).last < slot) {
    part++;
  }
  return part;
}

/**
 * The hash tag content of shard `shard` of `count`: shard 0 is the prefix itself (the keys of a
 * single-shard deployment); shards 1..count-1 take the other equal parts of the slot space in
 * order (every part but the one shard 0's slot falls in), each with the smallest base36 suffix
 * `<prefix>:<suffix>` whose slot falls in its part. So the `count` shards sit one in each equal
 * contiguous part, and a cluster whose primaries own equal contiguous ranges holds an equal
 * number of shards on each. A pure function: every process finds the same tags.
 */
export function shardTag(prefix: string, shard: number, count: number): string {
  if (shard === 0) {
    return prefix;
  }
  const partOfShardZero = partOfSlot(keySlot(prefix), count);
  const part = shard <= partOfShardZero ? shard - 1 : shard;
  const { first, last } = slotRangeOf(part, count);
  for (let n = 0; ; n++) {
    const tag = `${prefix}:${n.toString(36)}`;
    const slot = keySlot(tag);
    if (slot >= first && slot <= last) {
      return tag;
    }
  }
}
