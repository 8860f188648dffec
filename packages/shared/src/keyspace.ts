/**
 * Every Redis key the service writes starts with `{<QUEUE_PREFIX>}`: the braces make it a Redis
 * Cluster hash tag, so keys that one Lua script, MULTI or BullMQ call touches together always
 * share a slot, and moving to a cluster is a configuration change. Two stacks with different
 * prefixes never see each other's keys.
 */
export class Keyspace {
  /** The hash-tagged prefix, e.g. `{wxd}`; also BullMQ's `prefix` option. */
  readonly root: string;

  constructor(readonly prefix: string) {
    this.root = `{${prefix}}`;
  }

  /** A key under the prefix: `key('msg', id)` → `{wxd}:msg:<id>`. */
  key(...parts: string[]): string {
    return [this.root, ...parts].join(':');
  }
}
