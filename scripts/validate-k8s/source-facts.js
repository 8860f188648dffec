'use strict';
/**
 * What the manifests must agree with, read from the service's source rather than copied here:
 * the env variables each process reads, the metric names and label values it exports, and the
 * headings of docs/operations.md that runbook links point to. Read once, on first use.
 */

const fs = require('node:fs');
const path = require('node:path');
const { ROOT, fail } = require('./report');

const MOVED = 'the source moved; update scripts/validate-k8s/source-facts.js';

function readSource(file) {
  try {
    return fs.readFileSync(path.join(ROOT, file), 'utf8');
  } catch {
    fail('validate-k8s', `cannot read ${file}: ${MOVED}`);
    return '';
  }
}

function tsFilesUnder(dir) {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) {
    fail('validate-k8s', `cannot read ${dir}: ${MOVED}`);
    return [];
  }
  return fs
    .readdirSync(abs, { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** Upper-case object keys in a process's source: its env schema (and, harmlessly, a few more). */
function envNamesOf(app) {
  const names = new Set(['NODE_OPTIONS', 'NODE_ENV', 'TZ']);
  for (const file of [...tsFilesUnder(`apps/${app}/src`), ...tsFilesUnder('packages/shared/src')]) {
    for (const m of readSource(file).matchAll(
      /^\s+([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]|[A-Z]{3,}):\s/gm,
    )) {
      names.add(m[1]);
    }
  }
  return names;
}

/** The string members of `type <typeName> = 'a' | 'b'` in a source file. */
function quotedUnion(file, typeName) {
  const text = readSource(file);
  const m = new RegExp(`type ${typeName}\\s*=([^;]+);`).exec(text);
  if (!m) {
    fail(
      'validate-k8s',
      `type ${typeName} not found in ${file}: update scripts/validate-k8s/source-facts.js`,
    );
    return new Set();
  }
  return new Set([...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]));
}

/** GitHub's heading anchors of docs/operations.md. */
function docAnchors() {
  const file = path.join(ROOT, 'docs', 'operations.md');
  if (!fs.existsSync(file)) {
    return new Set();
  }
  const anchors = new Set();
  let fenced = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) {
      fenced = !fenced;
    }
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (m) {
      anchors.add(
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
    }
  }
  return anchors;
}

const METRICS_FILES = ['apps/api/src/metrics.ts', 'apps/worker/src/metrics.ts'];

function metricNames() {
  const names = new Set();
  for (const file of METRICS_FILES) {
    for (const m of readSource(file).matchAll(/name:\s*'(wxd_[a-z0-9_]+)'/g)) {
      names.add(m[1]);
    }
  }
  return names;
}

function queueStates() {
  // The API adds state="dead" on the send queue: every dead letter, whatever its app.
  const states = new Set(['dead']);
  for (const file of METRICS_FILES) {
    const text = readSource(file);
    for (const block of text.matchAll(/(?:getJobCounts\(|DEPTH_STATES = \[)([^)\]]*)/g)) {
      for (const s of block[1].matchAll(/'([a-z]+)'/g)) {
        states.add(s[1]);
      }
    }
  }
  return states;
}

const QUEUES_FILE = 'packages/core/src/jobs/queues.ts';

/** The queue names of the catalogue (`export const …_QUEUE = '…'`), the send queue's apart. */
function queueNames() {
  const text = readSource(QUEUES_FILE);
  const names = new Set([...text.matchAll(/export const \w+_QUEUE = '([^']+)'/g)].map((m) => m[1]));
  const send = /export const SEND_QUEUE = '([^']+)'/.exec(text);
  if (!send) {
    fail('validate-k8s', `SEND_QUEUE not found in ${QUEUES_FILE}: ${MOVED}`);
  }
  return { names, send: send ? send[1] : 'send' };
}

let sourceFacts;

/** The facts, read on first call. */
function facts() {
  if (sourceFacts) {
    return sourceFacts;
  }
  const names = metricNames();
  const states = queueStates();
  const queues = queueNames();
  const errcodeClasses = quotedUnion(
    'packages/wechat-client/src/errors/errcode-catalogue.ts',
    'ErrcodeClass',
  );
  sourceFacts = {
    env: { api: envNamesOf('api'), worker: envNamesOf('worker') },
    metricNames: names,
    labelValues: {
      wxd_sends_total: {
        outcome: quotedUnion('apps/worker/src/processors/send-outcome.ts', 'SendOutcome'),
      },
      wxd_token_fetches_total: {
        outcome: quotedUnion(
          'packages/wechat-client/src/access-token/access-token-options.ts',
          'TokenFetchOutcome',
        ),
      },
      wxd_app_pauses_total: { reason: errcodeClasses },
      wxd_send_waits_total: { reason: errcodeClasses },
      wxd_queue_jobs: { state: states, queue: queues.names },
    },
    sendQueue: queues.send,
    shutdownDefaults: { api: 10000, worker: 25000 },
    anchors: docAnchors(),
  };
  return sourceFacts;
}

module.exports = { facts };
