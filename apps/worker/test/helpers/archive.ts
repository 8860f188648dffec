import type { Redis } from 'ioredis';
import { Client } from 'pg';
import { Keyspace } from '@wechat-dispatch/shared';
import { API_KEY, templateBody, type Stack } from './stack';

/** Posts `count` template messages to `appId` in batches of 1,000; answers their ids. */
export async function postInBatches(stack: Stack, appId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const messages = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
      ...templateBody(`oArchiveUser${String(start + i).padStart(14, '0')}`, appId),
      metadata: { orderId: `order-${start + i}` },
    }));
    const res = await fetch(`${stack.apiUrl}/v1/messages/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
    if (res.status !== 202) {
      throw new Error(`batch answered ${res.status}: ${await res.text()}`);
    }
    ids.push(...((await res.json()) as { ids: string[] }).ids);
  }
  return ids;
}

/** The records' status and updatedAt as Redis has them now (one pipeline). */
export async function liveRecords(
  redis: Redis,
  prefix: string,
  ids: readonly string[],
): Promise<Array<{ status?: string; updatedAt?: string }>> {
  const keyspace = new Keyspace(prefix);
  const pipeline = redis.pipeline();
  ids.forEach((id) => pipeline.hmget(keyspace.key('msg', id), 'status', 'updatedAt'));
  const answers = (await pipeline.exec()) ?? [];
  return answers.map(([, value]) => {
    const [status, updatedAt] = value as [string | null, string | null];
    return { status: status ?? undefined, updatedAt: updatedAt ?? undefined };
  });
}

/** How many of `ids` the archive holds with `status`. */
export async function archivedWithStatus(
  databaseUrl: string,
  ids: readonly string[],
  status: string,
): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM archived_messages WHERE id = ANY($1) AND status = $2',
      [ids, status],
    );
    return Number(result.rows[0]!.n);
  } catch (error) {
    // The table is made by the first process that opens the archive.
    if (String(error).includes('does not exist')) {
      return 0;
    }
    throw error;
  } finally {
    await client.end();
  }
}

/** The value of an unlabelled gauge in a Prometheus text answer, if it is there. */
export function gaugeValue(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}
