'use strict';
/**
 * PrometheusRules: every alert has a severity, a summary and a runbook link to a heading of
 * docs/operations.md; expressions name only metrics and label values the code exports, and
 * `up{job=…}` only Services a ServiceMonitor scrapes.
 */

const { fail } = require('../report');
const { labelsMatch } = require('../objects');
const { facts } = require('../source-facts');

/** Names of the Services in `ns` that a ServiceMonitor scrapes: Prometheus' `job` label. */
function scrapedJobs(objects, ns) {
  return new Set(
    objects
      .filter((s) => s.kind === 'Service' && s.metadata.namespace === ns)
      .filter((s) =>
        objects.some(
          (m) =>
            m.kind === 'ServiceMonitor' &&
            m.metadata.namespace === ns &&
            labelsMatch(m.spec.selector.matchLabels, s.metadata.labels),
        ),
      )
      .map((s) => s.metadata.name),
  );
}

function checkAlertFields(rule, at, anchors) {
  if (!(rule.labels && rule.labels.severity)) {
    fail(at, 'no severity label');
  }
  if (!(rule.annotations && rule.annotations.summary)) {
    fail(at, 'no summary annotation');
  }
  const url = rule.annotations && rule.annotations.runbook_url;
  const anchor = url && /^docs\/operations\.md#(.+)$/.exec(url);
  if (!anchor) {
    fail(at, 'runbook_url should be docs/operations.md#<heading>');
  } else if (!anchors.has(anchor[1])) {
    fail(at, `runbook_url anchor #${anchor[1]} is not a heading of docs/operations.md`);
  }
}

/**
 * Whether one alternative of a label matcher can match a value the code emits: a plain name must
 * be one of them, a pattern (`send-.+`) must match one of them whole (as PromQL anchors it).
 */
function admitsAny(alt, op, values) {
  if (/^[a-z_-]+$/.test(alt)) {
    return values.has(alt);
  }
  if (!op.includes('~')) {
    return true;
  }
  let pattern;
  try {
    pattern = new RegExp(`^(?:${alt})$`);
  } catch {
    return true;
  }
  return [...values].some((v) => pattern.test(v));
}

function checkExpression(expr, at, f, jobs) {
  for (const m of expr.matchAll(/\b(wxd_[a-z0-9_]+)/g)) {
    const base = m[1].replace(/_(bucket|count|sum)$/, '');
    if (!f.metricNames.has(base)) {
      fail(at, `metric ${m[1]} is not exported by apps/api or apps/worker`);
    }
  }
  for (const m of expr.matchAll(/\b(wxd_[a-z0-9_]+)\{([^}]*)\}/g)) {
    const allowed = f.labelValues[m[1].replace(/_(bucket|count|sum)$/, '')] || {};
    for (const lm of m[2].matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
      const values = allowed[lm[1]];
      if (!values) {
        continue;
      }
      for (const alt of lm[2].includes('~') ? lm[3].split('|') : [lm[3]]) {
        if (!admitsAny(alt, lm[2], values)) {
          fail(at, `${m[1]} has no ${lm[1]}="${alt}" (the code emits ${[...values].join(', ')})`);
        }
      }
    }
  }
  for (const m of expr.matchAll(/\bup\{job="([^"]+)"\}/g)) {
    if (!jobs.has(m[1])) {
      fail(at, `job "${m[1]}" is no Service scraped by a ServiceMonitor here`);
    }
  }
}

function checkPrometheusRule(ctx, o, where, ns) {
  if (o.kind !== 'PrometheusRule') {
    return;
  }
  const f = facts();
  const jobs = scrapedJobs(ctx.objects, ns);
  for (const group of o.spec.groups) {
    for (const rule of group.rules) {
      const at = `${where} ${rule.alert || rule.record}`;
      if (rule.alert) {
        checkAlertFields(rule, at, f.anchors);
      }
      checkExpression(String(rule.expr), at, f, jobs);
    }
  }
}

module.exports = { checkPrometheusRule };
