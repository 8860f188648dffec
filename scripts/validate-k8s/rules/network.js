'use strict';
/**
 * NetworkPolicies: their selectors pick workloads that exist, every workload's ingress is
 * restricted, only the api is open to any source, and only the api and the workers may reach a
 * pod that listens on the Redis port (KEDA reads the backlog from Prometheus, not Redis).
 */

const { fail, idOf } = require('../report');
const { containersOf, labelsMatch } = require('../objects');

/** Per NetworkPolicy: its pod selector and its peers' selectors match workloads. */
function checkNetworkPolicy(ctx, o, where, ns) {
  if (o.kind !== 'NetworkPolicy') {
    return;
  }
  const sel = o.spec.podSelector.matchLabels;
  if (sel && Object.keys(sel).length > 0 && ctx.podsMatching(sel, ns).length === 0) {
    fail(where, 'podSelector matches no workload');
  }
  for (const rule of [...(o.spec.ingress || []), ...(o.spec.egress || [])]) {
    for (const peer of [...(rule.from || []), ...(rule.to || [])]) {
      if (peer.podSelector && !peer.namespaceSelector) {
        const m = peer.podSelector.matchLabels;
        if (m && Object.keys(m).length > 0 && ctx.podsMatching(m, ns).length === 0) {
          fail(where, `peer podSelector ${JSON.stringify(m)} matches no workload`);
        }
      }
    }
  }
}

function checkRedisPeers(selecting, where) {
  for (const p of selecting) {
    for (const rule of p.spec.ingress || []) {
      for (const peer of rule.from || []) {
        const component =
          peer.podSelector &&
          peer.podSelector.matchLabels &&
          peer.podSelector.matchLabels['app.kubernetes.io/component'];
        if (!(['api', 'worker'].includes(component) && !peer.namespaceSelector)) {
          fail(
            where,
            `Redis admits ${JSON.stringify(peer)}; only the api and the workers should reach it`,
          );
        }
      }
    }
  }
}

/** Pods open to any source, and who may reach pods that listen on the Redis port. */
function checkNetworkExposure(ctx) {
  const policies = ctx.objects.filter((o) => o.kind === 'NetworkPolicy');
  if (policies.length === 0) {
    return;
  }
  for (const w of ctx.workloads) {
    const labels = w.spec.template.metadata.labels;
    const ns = w.metadata.namespace || '';
    const selecting = policies.filter(
      (p) =>
        (p.metadata.namespace || '') === ns &&
        labelsMatch(p.spec.podSelector.matchLabels, labels) &&
        (p.spec.policyTypes || ['Ingress']).includes('Ingress'),
    );
    const where = `${ctx.target} ${idOf(w)}`;
    if (selecting.length === 0) {
      fail(where, 'no NetworkPolicy restricts its ingress');
      continue;
    }
    const openToAll = selecting.some((p) =>
      (p.spec.ingress || []).some((rule) => !rule.from || rule.from.length === 0),
    );
    if (openToAll && labels['app.kubernetes.io/component'] !== 'api') {
      fail(where, 'accepts traffic from any source; only the api should');
    }
    const listensOnRedis = containersOf(w.spec.template.spec).some((c) =>
      (c.ports || []).some((p) => p.containerPort === 6379),
    );
    if (listensOnRedis) {
      checkRedisPeers(selecting, where);
    }
  }
}

module.exports = { checkNetworkPolicy, checkNetworkExposure };
