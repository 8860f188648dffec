import { z } from 'zod';

/** A `host:port` Redis node. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is: one server (`REDIS_URL`), a Redis Cluster (`REDIS_CLUSTER_NODES`), or a
 * primary found through Sentinel (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`). Every key the
 * service writes carries the `{QUEUE_PREFIX}` hash tag, so all three run the same code.
 */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; password?: string; tls: boolean }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      name: string;
      password?: string;
      sentinelPassword?: string;
      tls: boolean;
    };

function parseNodes(raw: string, ctx: z.RefinementCtx, variable: string): RedisNode[] {
  const nodes: RedisNode[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(part);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      ctx.addIssue({
        code: 'custom',
        message: `${variable}: "${part}" is not host:port`,
        path: [variable],
      });
      continue;
    }
    nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
  }
  if (nodes.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${variable}: needs at least one host:port`,
      path: [variable],
    });
  }
  return nodes;
}

/**
 * The Redis variables of every process, parsed into a {@link RedisTopology}:
 * `REDIS_URL` (default `redis://127.0.0.1:6379`), or `REDIS_CLUSTER_NODES`
 * (`host:port,host:port`), or `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`; `REDIS_PASSWORD`,
 * `REDIS_SENTINEL_PASSWORD` and `REDIS_TLS` apply to the last two (a URL carries its own).
 */
export const redisTopologyEnv = z
  .object({
    REDIS_URL: z
      .string()
      .default('redis://127.0.0.1:6379')
      .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL'),
    REDIS_CLUSTER_NODES: z.string().optional(),
    REDIS_SENTINELS: z.string().optional(),
    REDIS_SENTINEL_NAME: z.string().optional(),
    REDIS_PASSWORD: z.string().optional(),
    REDIS_SENTINEL_PASSWORD: z.string().optional(),
    REDIS_TLS: z.enum(['true', 'false']).default('false'),
  })
  .transform((e, ctx): RedisTopology => {
    const tls = e.REDIS_TLS === 'true';
    if (e.REDIS_CLUSTER_NODES && e.REDIS_SENTINELS) {
      ctx.addIssue({
        code: 'custom',
        message: 'set REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both',
        path: ['REDIS_CLUSTER_NODES'],
      });
      return z.NEVER;
    }
    if (e.REDIS_CLUSTER_NODES) {
      const nodes = parseNodes(e.REDIS_CLUSTER_NODES, ctx, 'REDIS_CLUSTER_NODES');
      return { kind: 'cluster', nodes, password: e.REDIS_PASSWORD, tls };
    }
    if (e.REDIS_SENTINELS) {
      const sentinels = parseNodes(e.REDIS_SENTINELS, ctx, 'REDIS_SENTINELS');
      if (!e.REDIS_SENTINEL_NAME) {
        ctx.addIssue({
          code: 'custom',
          message: 'is required with REDIS_SENTINELS (the name of the monitored primary)',
          path: ['REDIS_SENTINEL_NAME'],
        });
        return z.NEVER;
      }
      return {
        kind: 'sentinel',
        sentinels,
        name: e.REDIS_SENTINEL_NAME,
        password: e.REDIS_PASSWORD,
        sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
        tls,
      };
    }
    return { kind: 'single', url: e.REDIS_URL };
  });

/** A topology for log lines: hosts and kind, never a password. */
export function describeTopology(topology: RedisTopology): string {
  switch (topology.kind) {
    case 'single':
      return `single ${topology.url.replace(/\/\/[^@/]*@/, '//')}`;
    case 'cluster':
      return `cluster ${topology.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
    case 'sentinel':
      return `sentinel ${topology.name}@${topology.sentinels.map((n) => `${n.host}:${n.port}`).join(',')}`;
  }
}
