import type { Queue } from 'bullmq';
import { trimUnconsumed, type AppDirectory, type DeadLetterStore } from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';

/** Dependencies of {@link DeadLetterSweep}. */
export interface DeadLetterSweepOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  store: DeadLetterStore;
  apps: AppDirectory;
  /** The `callback-dead-letters` queue (nobody consumes it either). */
  deadCallbacks: Queue;
  /** How long a dead letter's job is kept: the records' retention (`RECORD_TTL_DAYS`). */
  keepMs: number;
  /** Time between sweeps; 0 = never. */
  intervalMs: number;
  logger: Logger;
}

/** What one sweep did. */
export interface SweepReport {
  /** Dead messages filed that no dead-letter index held. */
  refiled: number;
  /** `dead-letters` and `callback-dead-letters` jobs older than the retention, removed. */
  trimmed: number;
}

/**
 * The periodic dead-letter sweep: files the messages whose record says `dead` but that are
 * missing from the dead-letter index (a worker that died between the two writes), and removes
 * the jobs of the two dead-letter queues once they are older than the records they describe,
 * since nothing consumes those queues and BullMQ would keep them forever. One worker sweeps per
 * interval (a lock key with the interval as its TTL); a sweep is idempotent anyway.
 */
export class DeadLetterSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DeadLetterSweepOptions) {}

  /** One sweep now, whoever swept last. */
  async sweepOnce(): Promise<SweepReport> {
    const { store, apps, deadCallbacks, keepMs } = this.options;
    let refiled = 0;
    for (const app of apps.list()) {
      refiled += (await store.refileMissing(app.appId)).length;
    }
    const trimmed = (await store.trimJobs(keepMs)) + (await trimUnconsumed(deadCallbacks, keepMs));
    return { refiled, trimmed };
  }

  /** Sweeps every interval (first one interval after start) while this worker holds the turn. */
  start(): void {
    const { intervalMs, redis, keyspace, logger } = this.options;
    if (intervalMs <= 0) {
      return;
    }
    this.timer = setInterval(() => {
      this.running = (async () => {
        const turn = await redis.set(keyspace.key('dead-sweep-lock'), '1', 'PX', intervalMs, 'NX');
        if (turn !== 'OK') {
          return;
        }
        const report = await this.sweepOnce();
        if (report.refiled > 0) {
          logger.warn('dead letters missing from the index were filed', { ...report });
        }
      })().catch((err: unknown) => logger.warn('dead-letter sweep failed', { err }));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
