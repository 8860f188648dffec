'use strict';
/**
 * The systems under test: our API and worker (the built `dist/main.js` of each, as in
 * production) and the bare BullMQ baselines (bench/baselines), each as its own process on the
 * same Redis, each stack under its own key prefix.
 */

const { randomBytes } = require('node:crypto');
const { SEND_QUEUE } = require('@wechat-dispatch/core');
const { sleep, startNode } = require('./processes');
const { freePort } = require('./net');

/** The one WeChat app of the run (known to the sandbox, the API and the worker). */
const APP = { appId: 'wx0b1e2c3d4e5f6a7b', appSecret: 'bench-secret-0123456789abcdef' };
const API_KEY = 'bench-key-0123456789abcdef';
const AUTH = { authorization: `Bearer ${API_KEY}` };
/** The queue both stacks use (ours is one queue for every app; the bare one reuses its name). */
const QUEUE = SEND_QUEUE;

/** The message every POST carries: a template message as the README's example. */
const MESSAGE = Object.freeze({
  type: 'template',
  appId: APP.appId,
  toUser: 'oBenchUser000001',
  templateId: 'TPL_ORDER_SHIPPED',
  data: { thing1: { value: '订单已发货' }, time2: { value: '2026-11-26 10:00' } },
});

/** A fresh key prefix: nothing else uses it, so it can be deleted wholesale. */
function uniquePrefix(name) {
  return `bench-${name}-${randomBytes(4).toString('hex')}`;
}

/**
 * Extra environment for our API and worker from BENCH_OURS_ENV (`NAME=value,NAME=value`), to see
 * what a setting costs, e.g. `BENCH_OURS_ENV=API_RATE_LIMIT_PER_MIN=0,LOG_LEVEL=warn`.
 */
function oursEnv() {
  const pairs = (process.env.BENCH_OURS_ENV || '').split(',').filter(Boolean);
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new Error(`BENCH_OURS_ENV: expected NAME=value, got "${pair}"`);
      }
      return [pair.slice(0, eq).trim(), pair.slice(eq + 1)];
    }),
  );
}

/** Resolves once `url` answers 200 (the process logs nothing at LOG_LEVEL=warn). */
async function untilAnswers(url, proc, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) {
      return;
    }
    if (proc.exited || Date.now() > deadline) {
      throw new Error(`${proc.name} did not answer ${url}:\n${proc.output().slice(-2000)}`);
    }
    await sleep(20);
  }
}

function commonEnv(redisUrl, prefix) {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
  };
}

/** Our API (`apps/api/dist/main.js`), production defaults except a rate limit it cannot hit. */
async function startOurApi({ redisUrl, logDir }) {
  const port = await freePort();
  const prefix = uniquePrefix('ours');
  const proc = startNode('api-ours', 'apps/api/dist/main.js', {
    logDir,
    env: {
      ...commonEnv(redisUrl, prefix),
      WECHAT_APPS: `${APP.appId}:${APP.appSecret}`,
      API_KEYS: `bench:${API_KEY}`,
      PORT: String(port),
      // The per-caller limiter stays on (it is on by default) at a rate no run reaches.
      API_RATE_LIMIT_PER_MIN: '10000000',
      ...oursEnv(),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await untilAnswers(`${url}/healthz`, proc);
  return { name: 'ours', proc, url, prefix, headers: AUTH };
}

/** The bare API baseline. */
async function startBareApi({ redisUrl, logDir }) {
  const port = await freePort();
  const prefix = uniquePrefix('bare');
  const proc = startNode('api-bare', 'bench/baselines/bare-api.js', {
    logDir,
    env: { ...commonEnv(redisUrl, prefix), BENCH_QUEUE: QUEUE, PORT: String(port) },
  });
  await proc.waitForLine('bare api listening');
  return { name: 'bare', proc, url: `http://127.0.0.1:${port}`, prefix, headers: {} };
}

let workerRuns = 0;

/**
 * Our worker (`apps/worker/dist/main.js`) on `api`'s prefix; resolves once it fetches (its
 * "worker started" line; with a LOG_LEVEL above info in BENCH_OURS_ENV, its /readyz instead).
 */
async function startOurWorker({ redisUrl, logDir, api, sandboxUrl, concurrency }) {
  workerRuns += 1;
  const extra = oursEnv();
  const quiet =
    extra.LOG_LEVEL !== undefined &&
    !['info', 'http', 'verbose', 'debug', 'silly'].includes(extra.LOG_LEVEL);
  const opsPort = quiet ? await freePort() : 0;
  const proc = startNode(`worker-ours-${workerRuns}`, 'apps/worker/dist/main.js', {
    logDir,
    env: {
      ...commonEnv(redisUrl, api.prefix),
      WECHAT_APPS: `${APP.appId}:${APP.appSecret}`,
      WECHAT_API_BASE: sandboxUrl,
      WORKER_HTTP_PORT: String(opsPort),
      WORKER_CONCURRENCY: String(concurrency),
      ...extra,
    },
  });
  if (quiet) {
    await untilAnswers(`http://127.0.0.1:${opsPort}/readyz`, proc);
  } else {
    await proc.waitForLine('worker started');
  }
  return proc;
}

/** The bare worker baseline on `api`'s prefix, with a token fetched beforehand. */
async function startBareWorker({ redisUrl, logDir, api, sandboxUrl, concurrency, token }) {
  workerRuns += 1;
  const proc = startNode(`worker-bare-${workerRuns}`, 'bench/baselines/bare-worker.js', {
    logDir,
    env: {
      ...commonEnv(redisUrl, api.prefix),
      BENCH_QUEUE: QUEUE,
      WECHAT_API_BASE: sandboxUrl,
      BENCH_ACCESS_TOKEN: token,
      WORKER_CONCURRENCY: String(concurrency),
      // The bare worker's HTTP library: axios (the project's client before #15) unless
      // BENCH_BARE_HTTP=node (node:http, as ours since #15).
      BENCH_BARE_HTTP: process.env.BENCH_BARE_HTTP || 'axios',
    },
  });
  await proc.waitForLine('bare worker started');
  return proc;
}

/** A stable access token from the sandbox, as a hand-rolled sender would cache it. */
async function fetchToken(sandboxUrl) {
  const res = await fetch(`${sandboxUrl}/cgi-bin/stable_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credential',
      appid: APP.appId,
      secret: APP.appSecret,
    }),
  });
  const body = await res.json();
  if (!body.access_token) {
    throw new Error(`sandbox gave no token: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/** The message as WeChat's template send takes it (the direct-send path). */
function wechatBody(message) {
  return {
    touser: message.toUser,
    template_id: message.templateId,
    data: message.data,
  };
}

module.exports = {
  APP,
  MESSAGE,
  startOurApi,
  startBareApi,
  startOurWorker,
  startBareWorker,
  fetchToken,
  wechatBody,
};
