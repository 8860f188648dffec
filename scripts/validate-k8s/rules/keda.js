'use strict';
/**
 * KEDA ScaledObjects: the target runs the worker, and there is one trigger per app of
 * WECHAT_APPS on that app's `{QUEUE_PREFIX}:send-<appId>:wait` list, summed by the formula.
 */

const { fail, note } = require('../report');
const { appOf } = require('../objects');

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The app ids the redis triggers cover; each trigger's list name and address checked. */
function triggeredApps(triggers, prefix, where, ns) {
  const appIds = [];
  for (const tr of triggers) {
    if (tr.type !== 'redis') {
      continue;
    }
    const m = new RegExp(`^\\{${escapeRegExp(prefix)}\\}:send-([A-Za-z0-9_-]+):wait$`).exec(
      tr.metadata.listName || '',
    );
    if (!m) {
      fail(
        where,
        `trigger ${tr.name}: listName ${tr.metadata.listName} is not {${prefix}}:send-<appId>:wait`,
      );
    } else {
      appIds.push(m[1]);
    }
    if (!/^[^:]+:\d+$/.test(tr.metadata.address || '')) {
      fail(where, `trigger ${tr.name}: address must be host:port`);
    } else if (
      ns &&
      /\.svc/.test(tr.metadata.address) &&
      !tr.metadata.address.includes(`.${ns}.svc`)
    ) {
      fail(where, `trigger ${tr.name}: address ${tr.metadata.address} is not in namespace ${ns}`);
    }
  }
  return appIds;
}

function checkFormula(o, triggers, names, where) {
  const modifiers = o.spec.advanced && o.spec.advanced.scalingModifiers;
  if (triggers.length > 1 && !modifiers) {
    fail(
      where,
      'several triggers without scalingModifiers: KEDA would take the largest backlog, not the sum',
    );
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

/** The apps of WECHAT_APPS, where a Secret in the render carries them (the example overlay). */
function checkAppsCovered(ctx, c, appIds, where, ns) {
  const secretRef = (c.env || []).find((e) => e.name === 'WECHAT_APPS');
  const ref = secretRef && secretRef.valueFrom && secretRef.valueFrom.secretKeyRef;
  const secret = ref && ctx.byKindName('Secret', ref.name, ns);
  if (!secret) {
    note(`${where}: WECHAT_APPS is not in this render; triggers cover ${appIds.join(', ')}`);
    return;
  }
  const raw =
    (secret.stringData || {})[ref.key] ??
    ((secret.data || {})[ref.key] !== undefined
      ? Buffer.from(secret.data[ref.key], 'base64').toString()
      : '');
  const configured = raw
    .split(',')
    .map((pair) => pair.split(':')[0].trim())
    .filter(Boolean);
  for (const id of configured) {
    if (!appIds.includes(id)) {
      fail(
        where,
        `app ${id} of WECHAT_APPS has no trigger: its backlog would not scale the workers`,
      );
    }
  }
  for (const id of appIds) {
    if (!configured.includes(id)) {
      fail(where, `trigger for app ${id}, which is not in WECHAT_APPS`);
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
  const names = triggers.map((tr) => tr.name);
  if (new Set(names).size !== names.length) {
    fail(where, 'trigger names are not unique');
  }
  const appIds = triggeredApps(triggers, prefix, where, ns);
  checkFormula(o, triggers, names, where);
  checkAppsCovered(ctx, c, appIds, where, ns);
}

module.exports = { checkScaledObject };
