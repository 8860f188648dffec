'use strict';
/**
 * The bare drain baseline: a BullMQ Worker that posts each job's message to WeChat (the
 * sandbox) with one access token fetched beforehand, over a keep-alive agent, and fails the
 * job on a non-zero errcode. No records, sent-guard, token protocol, retry policy, logging or
 * metrics. Run as its own process, like the real worker.
 *
 * Environment: REDIS_URL, QUEUE_PREFIX, BENCH_QUEUE, WECHAT_API_BASE, BENCH_ACCESS_TOKEN,
 * WORKER_CONCURRENCY, BENCH_BARE_HTTP (`axios`, the project's HTTP client before #15, or `node`,
 * what it uses since).
 */

const http = require('node:http');
const axios = require('axios');
const { Worker } = require('bullmq');
const { Redis } = require('ioredis');

const base = new URL(process.env.WECHAT_API_BASE);
const agent = new http.Agent({ keepAlive: true });
const path = `/cgi-bin/message/template/send?access_token=${process.env.BENCH_ACCESS_TOKEN}`;

const viaAxios = axios.create({
  baseURL: process.env.WECHAT_API_BASE,
  timeout: 5000,
  httpAgent: agent,
});

/** The WeChat body of a job's message. */
function wechatBody(message) {
  return {
    touser: message.toUser,
    template_id: message.templateId,
    data: Object.fromEntries(
      Object.entries(message.data).map(([key, v]) => [
        key,
        typeof v === 'string' ? { value: v } : v,
      ]),
    ),
  };
}

/** POSTs one template message with axios and resolves with WeChat's parsed answer. */
async function sendWithAxios(message) {
  return (await viaAxios.post(path, wechatBody(message))).data;
}

/** POSTs one template message on node:http and resolves with WeChat's parsed answer. */
function sendWithNode(message) {
  const body = JSON.stringify(wechatBody(message));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 5000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(text));
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const send = process.env.BENCH_BARE_HTTP === 'node' ? sendWithNode : sendWithAxios;

const connection = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
const worker = new Worker(
  process.env.BENCH_QUEUE,
  async (job) => {
    const answer = await send(job.data);
    if (answer.errcode !== 0) {
      throw new Error(`errcode ${answer.errcode}: ${answer.errmsg}`);
    }
  },
  {
    connection,
    prefix: `{${process.env.QUEUE_PREFIX}}`,
    concurrency: Number(process.env.WORKER_CONCURRENCY),
    autorun: false,
  },
);
worker.on('error', (err) => console.error(`worker error: ${err.message}`));
worker.run().catch((err) => console.error(`worker stopped: ${err.message}`));
console.log('bare worker started');

process.on('SIGTERM', () => {
  worker
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
