'use strict';
/**
 * The bare enqueue baseline: what a hand-rolled service in front of BullMQ does and nothing
 * more — express, `express.json()`, `queue.add()` / `queue.addBulk()` with the request body as
 * the job's data. No auth, validation, records, logging or metrics. Run as its own process so
 * its CPU is comparable with the API's.
 *
 * Environment: REDIS_URL, QUEUE_PREFIX, BENCH_QUEUE, PORT.
 */

const express = require('express');
const { Queue } = require('bullmq');
const { Redis } = require('ioredis');

const connection = new Redis(process.env.REDIS_URL);
const queue = new Queue(process.env.BENCH_QUEUE, {
  connection,
  prefix: `{${process.env.QUEUE_PREFIX}}`,
  defaultJobOptions: { removeOnComplete: true },
});

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/v1/messages', async (req, res) => {
  const job = await queue.add('send', req.body);
  res.status(202).json({ id: job.id, status: 'queued' });
});
app.post('/v1/messages/batch', async (req, res) => {
  const jobs = await queue.addBulk(req.body.messages.map((data) => ({ name: 'send', data })));
  res.status(202).json({ ids: jobs.map((job) => job.id) });
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log('bare api listening');
});

process.on('SIGTERM', () => {
  server.close();
  server.closeIdleConnections();
  queue
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
