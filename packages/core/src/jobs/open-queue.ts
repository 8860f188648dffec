import { Queue, Worker, type DefaultJobOptions, type Processor, type WorkerOptions } from 'bullmq';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';
import type { QueueSpec } from './queue-catalogue';

/** Where queues live: the connection they share, the key prefix, and where errors are logged. */
export interface QueueContext {
  connection: RedisClient;
  keyspace: Keyspace;
  logger: Logger;
}

/** What a Worker of a catalogue queue may set; connection, prefix and autorun are fixed. */
export type CatalogueWorkerOptions = Omit<WorkerOptions, 'connection' | 'prefix' | 'autorun'>;

/**
 * The Queue of `spec` under the context's prefix, with the spec's default job options (and
 * `defaultJobOptions` over them) and an `error` listener, without which a Redis hiccup would be
 * an unhandled `error` event. Connects nothing the connection has not.
 */
export function openQueue<Data>(
  spec: QueueSpec<Data>,
  context: QueueContext,
  defaultJobOptions?: DefaultJobOptions,
): Queue<Data> {
  const queue = new Queue<Data>(spec.name, {
    connection: context.connection,
    prefix: context.keyspace.root,
    defaultJobOptions: { ...spec.defaultJobOptions, ...defaultJobOptions },
  });
  queue.on('error', (err) =>
    context.logger.warn('queue error', { queue: spec.name, error: err.message }),
  );
  return queue;
}

/**
 * A Worker of `spec` with an `error` listener, created with `autorun: false` so nothing is
 * fetched before `run()`.
 */
export function openWorker<Data, Result>(
  spec: QueueSpec<Data>,
  processor: Processor<Data, Result>,
  context: QueueContext,
  options: CatalogueWorkerOptions = {},
): Worker<Data, Result> {
  const worker = new Worker<Data, Result>(spec.name, processor, {
    ...options,
    connection: context.connection,
    prefix: context.keyspace.root,
    autorun: false,
  });
  worker.on('error', (err) =>
    context.logger.warn('worker error', { queue: spec.name, error: err.message }),
  );
  return worker;
}
