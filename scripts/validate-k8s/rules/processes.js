'use strict';
/**
 * Rules for a container that runs the api or the worker: the env variables it is given are
 * ones the process reads, required ones are set, probes hit the contract's ports and paths
 * (api PORT, worker WORKER_HTTP_PORT; /readyz and /healthz), the grace period outlasts
 * SHUTDOWN_TIMEOUT_MS plus preStop, and the V8 heap cap is below the memory limit.
 */

const fs = require('node:fs');
const path = require('node:path');
const { ROOT, fail } = require('../report');
const { appOf, quantity } = require('../objects');
const { facts } = require('../source-facts');

function checkEnvNames(env, app, at) {
  const known = facts().env[app] || new Set();
  for (const [name, { from }] of env) {
    if (from === 'ConfigMap wechat-dispatch-config') {
      continue; // judged once, at the ConfigMap
    }
    if (
      !known.has(name) &&
      !(app !== 'api' && facts().env.api.has(name)) &&
      !(app !== 'worker' && facts().env.worker.has(name))
    ) {
      fail(at, `env ${name} is not read by any process`);
    } else if (!known.has(name) && from === 'env') {
      fail(at, `env ${name} is not read by the ${app}`);
    }
  }
  const required = app === 'api' ? ['WECHAT_APPS', 'API_KEYS'] : ['WECHAT_APPS'];
  for (const name of required) {
    if (!env.has(name)) {
      fail(at, `${name} is required by the ${app} and not set`);
    }
  }
}

function checkPortsAndProbes(c, app, value, at) {
  const portNumbers = new Set((c.ports || []).map((p) => Number(p.containerPort)));
  const portNumber = (port) =>
    typeof port === 'number'
      ? port
      : Number(((c.ports || []).find((p) => p.name === port) || {}).containerPort);
  const port = Number(
    value(app === 'api' ? 'PORT' : 'WORKER_HTTP_PORT', app === 'api' ? '3000' : '9100'),
  );
  if (port === 0) {
    fail(at, 'WORKER_HTTP_PORT=0 turns off /healthz and /readyz, which the probes need');
  }
  if (!portNumbers.has(port)) {
    fail(at, `the process listens on ${port}, which is not a containerPort`);
  }
  for (const [probeName, pathWanted] of [
    ['readinessProbe', '/readyz'],
    ['livenessProbe', '/healthz'],
  ]) {
    const probe = c[probeName];
    if (!probe || !probe.httpGet) {
      fail(at, `${probeName} should be httpGet ${pathWanted} on :${port}`);
    } else if (probe.httpGet.path !== pathWanted || portNumber(probe.httpGet.port) !== port) {
      fail(
        at,
        `${probeName} is ${probe.httpGet.path} on :${portNumber(probe.httpGet.port)}, expected ${pathWanted} on :${port}`,
      );
    }
  }
}

function checkGracePeriod(podSpec, c, app, value, at) {
  const shutdownMs = Number(
    value('SHUTDOWN_TIMEOUT_MS', String(facts().shutdownDefaults[app] || 10000)),
  );
  const preStop = c.lifecycle && c.lifecycle.preStop;
  const sleepS = preStop
    ? preStop.sleep
      ? Number(preStop.sleep.seconds)
      : Number(
          ((preStop.exec && preStop.exec.command) || []).join(' ').replace(/^.*sleep\s+/, ''),
        ) || 0
    : 0;
  const graceS =
    podSpec.terminationGracePeriodSeconds === undefined
      ? 30
      : podSpec.terminationGracePeriodSeconds;
  if (graceS * 1000 <= shutdownMs + sleepS * 1000) {
    fail(
      at,
      `terminationGracePeriodSeconds ${graceS} is not above SHUTDOWN_TIMEOUT_MS ${shutdownMs} ms + preStop ${sleepS} s`,
    );
  }
}

function checkHeap(c, value, at) {
  const r = c.resources || {};
  const heap = /--max-old-space-size=(\d+)/.exec(value('NODE_OPTIONS', ''));
  if (
    heap &&
    r.limits &&
    r.limits.memory &&
    Number(heap[1]) * 2 ** 20 >= quantity(r.limits.memory)
  ) {
    fail(
      at,
      `--max-old-space-size=${heap[1]} MiB is not below the memory limit ${r.limits.memory}`,
    );
  }
  if (!heap) {
    fail(
      at,
      'NODE_OPTIONS has no --max-old-space-size: V8 would size its heap without regard to the limit',
    );
  }
}

/** Checks container `c` of `podSpec` if it runs one of this service's processes. */
function checkProcess(ctx, podSpec, c, at, ns) {
  const app = appOf(c);
  if (!app) {
    return;
  }
  if (!fs.existsSync(path.join(ROOT, 'apps', app, 'src', 'main.ts'))) {
    fail(at, `apps/${app}/src/main.ts does not exist`);
  }
  const env = ctx.envOf(c, ns, at);
  checkEnvNames(env, app, at);
  const value = (name, fallback) => {
    const v = env.get(name);
    return v && v.value !== undefined ? v.value : fallback;
  };
  checkPortsAndProbes(c, app, value, at);
  checkGracePeriod(podSpec, c, app, value, at);
  checkHeap(c, value, at);
}

module.exports = { checkProcess };
