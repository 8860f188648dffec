/**
 * Every Redis key the service writes starts with `{<QUEUE_PREFIX>}`: the braces make it a Redis
 * Cluster hash tag, so keys that one Lua script, MULTI or BullMQ call touches together always
 * share a slot, and moving to a cluster is a configuration change. Two stacks with different
 * prefixes never see each other's keys.
 */
export class Keyspace {
  /** The hash-tagged prefix, e.g. `{wxd}`; also BullMQ's `prefix` option. */
  readonly root: string;

  /**
   * @param tag - the hash tag's content: the prefix itself (shard 0, and every key of a
   * single-shard deployment) or a shard's `<prefix>:<suffix>` (see `shardTag`)
   */
  constructor(
    readonly prefix: string,
    readonly tag: string = prefix,
  ) {
    this.root = `{${tag}}`;
  }

  /** A key under the prefix: `key('msg', id)` → `{wxd}:msg:<id>`. */
  key(...parts: string[]): string {
    return [this.root, ...parts].join(':');
  }
}
