import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import {
  WECHAT_EVENTS_QUEUE,
  WECHAT_EVENT_JOB_OPTIONS,
  eventDedupeId,
  type WeChatEvent,
  type WeChatEventJob,
} from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';
import type { EventInbox } from '../domain/event-receiver';

/** How long an event identity is remembered; WeChat's retries come within seconds. */
const SEEN_TTL_SECONDS = 24 * 3600;

/**
 * Dedupes events with `SET NX EX` on a hash of their identity, then adds them to the
 * `wechat-events` queue. If the add fails the mark is removed and the error surfaces (503), so
 * WeChat's retry gets in.
 */
export class RedisEventInbox implements EventInbox {
  /** The producer side of `wechat-events`, also shown on the dashboard. */
  readonly queue: Queue<WeChatEventJob>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: Keyspace,
    logger: Logger,
  ) {
    this.queue = new Queue<WeChatEventJob>(WECHAT_EVENTS_QUEUE, {
      connection: redis,
      prefix: keyspace.root,
      defaultJobOptions: WECHAT_EVENT_JOB_OPTIONS,
    });
    this.queue.on('error', (err) =>
      logger.warn('queue error', { queue: WECHAT_EVENTS_QUEUE, error: err.message }),
    );
  }

  /** @inheritdoc */
  async accept(appId: string, event: WeChatEvent, traceId: string): Promise<boolean> {
    const id = createHash('sha1').update(eventDedupeId(appId, event)).digest('hex');
    const seenKey = this.keyspace.key('event-seen', id);
    const first = await this.redis.set(seenKey, '1', 'EX', SEEN_TTL_SECONDS, 'NX');
    if (first === null) {
      return false;
    }
    try {
      await this.queue.add('handleEvent', {
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

  /** Closes the queue (the connection is the caller's). */
  close(): Promise<void> {
    return this.queue.close();
  }
}
