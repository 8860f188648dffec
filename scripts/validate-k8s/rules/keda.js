'use strict';
/**
 * KEDA ScaledObjects: the target runs the worker, and one `prometheus` trigger scales it on the
 * send backlog — the jobs of the one send queue ready to send now, `wxd_queue_jobs{queue="send"}`
 * in the states `waiting` and `prioritized`, taken once across the pods that all export it
 * (`max by (state)`) and summed into one value. No trigger per app: the apps share one queue.
 * A redis trigger cannot see that backlog (KEDA's redis scaler reads a list's length, and
 * prioritized jobs are a sorted set), so one on the send queue is an error.
 */

const { fail, note } = require('../report');
const { appOf } = require('../objects');
const { facts } = require('../source-facts');

/** The states the backlog must add up, and states that must stay out of it (and why). */
const BACKLOG_STATES = ['waiting', 'prioritized'];
const NOT_BACKLOG = {
  delayed:
    'retries in backoff, future sendAt and set-aside jobs; more workers would not send them sooner',
  failed: 'nothing sends them again',
  completed: 'already sent',
  dead: 'dead letters wait for an operator',
};

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The `label op "value"` matchers of every `wxd_queue_jobs{…}` selector in a query. */
function queueGaugeMatchers(query) {
  const selectors = [...query.matchAll(/\bwxd_queue_jobs\s*\{([^}]*)\}/g)];
  return selectors.map((s) =>
    [...s[1].matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map(([, label, op, value]) => ({
      label,
      op,
      value,
    })),
  );
}

/** The values a `=` or `=~` matcher admits, as plain alternatives. */
const alternatives = (m) => (m.op === '=~' ? m.value.split('|') : [m.value]);

function checkSelector(matchers, at, sendQueue, ns) {
  const f = facts();
  const queue = matchers.find((m) => m.label === 'queue');
  if (!queue || queue.op !== '=' || queue.value !== sendQueue) {
    fail(at, `the query must read wxd_queue_jobs{queue="${sendQueue}"} (the one send queue)`);
  }
  const state = matchers.find((m) => m.label === 'state');
  const states = state && ['=', '=~'].includes(state.op) ? alternatives(state) : [];
  for (const s of BACKLOG_STATES) {
    if (!states.includes(s)) {
      fail(at, `the query leaves out state="${s}": that backlog would not scale the workers`);
    }
  }
  for (const s of states) {
    if (NOT_BACKLOG[s]) {
      fail(at, `the query counts state="${s}" (${NOT_BACKLOG[s]})`);
    } else if (!f.labelValues.wxd_queue_jobs.state.has(s)) {
      fail(at, `wxd_queue_jobs has no state="${s}"`);
    }
  }
  const namespace = matchers.find((m) => m.label === 'namespace');
  if (namespace && ns && !(namespace.op === '=' && namespace.value === ns)) {
    fail(at, `the query reads namespace ${namespace.value}, not this render's ${ns}`);
  }
  if (!namespace && ns) {
    note(`${at}: the query reads wxd_queue_jobs of every namespace its Prometheus scrapes`);
  }
}

/** One value, the backlog once per state: `sum(max by (…state…) (…))`. */
function checkAggregation(query, at) {
  if (!/^\s*sum\s*\(/.test(query)) {
    fail(at, 'the query must be one value: sum(…) over the states, without `by`');
  }
  const max = /\bmax\s+by\s*\(([^)]*)\)/.exec(query);
  const labels = max ? max[1].split(',').map((l) => l.trim()) : [];
  if (!labels.includes('state') || labels.some((l) => ['pod', 'instance'].includes(l))) {
    fail(
      at,
      'the query must take the gauge once across pods with max by (state): every api and worker pod exports the same value',
    );
  }
}

function checkBacklogTrigger(tr, at, sendQueue, ns) {
  const md = tr.metadata || {};
  const query = String(md.query || '');
  const selectors = queueGaugeMatchers(query);
  if (selectors.length !== 1) {
    fail(at, 'the query must read wxd_queue_jobs{…} once');
  } else {
    checkSelector(selectors[0], at, sendQueue, ns);
  }
  checkAggregation(query, at);
  if (!/^https?:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/.test(md.serverAddress || '')) {
    fail(at, 'serverAddress must be the http(s) URL of Prometheus');
  }
  if (!(Number(md.threshold) > 0)) {
    fail(at, 'threshold must be a number above 0 (ready messages per worker)');
  }
  if (tr.metricType && tr.metricType !== 'AverageValue') {
    fail(at, 'metricType must be AverageValue: the threshold is ready messages per worker');
  }
}

/** Per trigger: a redis trigger on the send queue is an error; the backlog trigger is checked. */
function checkTriggers(triggers, prefix, sendQueue, where, ns) {
  let backlog = 0;
  for (const [i, tr] of triggers.entries()) {
    const at = `${where} trigger ${tr.name || i}`;
    const md = tr.metadata || {};
    if (tr.type === 'redis') {
      const list = String(md.listName || '');
      if (new RegExp(`^\\{${escapeRegExp(prefix)}\\}:${escapeRegExp(sendQueue)}\\b`).test(list)) {
        fail(
          at,
          `redis trigger on ${list}: the apps share one send queue whose jobs are prioritized (a sorted set, not the list KEDA's redis scaler reads); use the prometheus trigger on wxd_queue_jobs`,
        );
      }
    } else if (tr.type === 'prometheus' && /\bwxd_queue_jobs\b/.test(String(md.query || ''))) {
      backlog += 1;
      checkBacklogTrigger(tr, at, sendQueue, ns);
    }
  }
  if (backlog !== 1) {
    fail(
      where,
      `${backlog} prometheus triggers on wxd_queue_jobs; one reads the send backlog (queue="${sendQueue}", waiting + prioritized)`,
    );
  }
}

function checkFormula(o, triggers, names, where) {
  const modifiers = o.spec.advanced && o.spec.advanced.scalingModifiers;
  if (triggers.length > 1 && !modifiers) {
    note(`${where}: several triggers without scalingModifiers: KEDA follows the largest`);
  }
  if (!modifiers) {
    return;
  }
  const used = new Set(modifiers.formula.match(/[A-Za-z_][A-Za-z0-9_]*/g) || []);
  for (const name of names) {
    if (!used.has(name)) {
      fail(where, `trigger ${name} is not in the scalingModifiers formula`);
    }
  }
  for (const name of used) {
    if (!names.includes(name)) {
      fail(where, `formula names ${name}, which is no trigger`);
    }
  }
}

function checkScaledObject(ctx, o, where, ns) {
  if (o.kind !== 'ScaledObject') {
    return;
  }
  const t = o.spec.scaleTargetRef;
  const w = ctx.byKindName(t.kind || 'Deployment', t.name, ns);
  if (!w) {
    fail(where, `scale target ${t.name} does not exist`);
    return;
  }
  const c = w.spec.template.spec.containers.find((x) => appOf(x) === 'worker');
  if (!c) {
    fail(where, 'the scale target runs no worker container');
    return;
  }
  const env = ctx.envOf(c, ns, where);
  const prefix = (env.get('QUEUE_PREFIX') || {}).value || 'wxd';
  const triggers = o.spec.triggers || [];
  const names = triggers.map((tr) => tr.name).filter(Boolean);
  if (new Set(names).size !== names.length) {
    fail(where, 'trigger names are not unique');
  }
  checkTriggers(triggers, prefix, facts().sendQueue, where, ns);
  checkFormula(o, triggers, names, where);
}

module.exports = { checkScaledObject };
