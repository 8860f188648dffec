import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import {
  QUEUE_CATALOGUE,
  eventDedupeId,
  type WeChatEvent,
  type WeChatEventJob,
} from '@wechat-dispatch/core';
import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';
import type { EventInbox } from '../domain/event-receiver';

/** How long an event identity is remembered; WeChat's retries come within seconds. */
const SEEN_TTL_SECONDS = 24 * 3600;

/**
 * Dedupes events with `SET NX EX` on a hash of their identity, then adds them to the
 * `wechat-events` queue. If the add fails the mark is removed and the error surfaces (503), so
 * WeChat's retry gets in.
 */
export class RedisEventInbox implements EventInbox {
  /** @param queue the `wechat-events` queue, opened on `redis` */
  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: Keyspace,
    private readonly queue: Queue<WeChatEventJob>,
  ) {}

  /** @inheritdoc */
  async accept(appId: string, event: WeChatEvent, traceId: string): Promise<boolean> {
    const id = createHash('sha1').update(eventDedupeId(appId, event)).digest('hex');
    const seenKey = this.keyspace.key('event-seen', id);
    const first = await this.redis.set(seenKey, '1', 'EX', SEEN_TTL_SECONDS, 'NX');
    if (first === null) {
      return false;
    }
    try {
      await this.queue.add(QUEUE_CATALOGUE.wechatEvents.jobName, {
        appId,
        event,
        receivedAt: new Date().toISOString(),
        traceId,
      });
    } catch (err) {
      await this.redis.del(seenKey).catch(() => undefined);
      throw err;
    }
    return true;
  }
}
