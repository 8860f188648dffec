'use strict';
/**
 * Rules for every pod spec: the restricted Pod Security settings, requests and limits, probes
 * on ports the container has, pinned images; then, for containers that run one of this
 * service's processes, the rules of processes.js.
 */

const { fail } = require('../report');
const { containersOf, splitImage, quantity } = require('../objects');
const { checkProcess } = require('./processes');

function checkSecurity(c, podSc, at) {
  const sc = c.securityContext || {};
  if (!(sc.runAsNonRoot === true || (podSc.runAsNonRoot === true && sc.runAsNonRoot !== false))) {
    fail(at, 'runAsNonRoot is not true');
  }
  if (sc.allowPrivilegeEscalation !== false) {
    fail(at, 'allowPrivilegeEscalation is not false');
  }
  if (sc.readOnlyRootFilesystem !== true) {
    fail(at, 'readOnlyRootFilesystem is not true');
  }
  if (!(sc.capabilities && (sc.capabilities.drop || []).includes('ALL'))) {
    fail(at, 'capabilities.drop does not include ALL');
  }
  const seccomp = (sc.seccompProfile || podSc.seccompProfile || {}).type;
  if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) {
    fail(at, 'seccompProfile is not RuntimeDefault');
  }
}

function checkResources(c, at) {
  const r = c.resources || {};
  for (const [kind, res] of [
    ['requests', 'cpu'],
    ['requests', 'memory'],
    ['limits', 'cpu'],
    ['limits', 'memory'],
  ]) {
    if (!(r[kind] && r[kind][res] !== undefined)) {
      fail(at, `resources.${kind}.${res} is missing`);
    } else if (Number.isNaN(quantity(r[kind][res]))) {
      fail(at, `resources.${kind}.${res} ${r[kind][res]} is not a quantity`);
    }
  }
  for (const res of ['cpu', 'memory']) {
    if (r.requests && r.limits && quantity(r.requests[res]) > quantity(r.limits[res])) {
      fail(at, `requests.${res} is above limits.${res}`);
    }
  }
}

function checkProbes(c, podSpec, at) {
  if (!podSpec.initContainers || !podSpec.initContainers.includes(c)) {
    if (!c.readinessProbe) {
      fail(at, 'no readinessProbe');
    }
    if (!c.livenessProbe) {
      fail(at, 'no livenessProbe');
    }
  }
  const portNames = new Set((c.ports || []).map((p) => p.name));
  const portNumbers = new Set((c.ports || []).map((p) => Number(p.containerPort)));
  for (const probeName of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    const probe = c[probeName];
    const handler = probe && (probe.httpGet || probe.tcpSocket);
    if (handler && !(portNames.has(handler.port) || portNumbers.has(Number(handler.port)))) {
      fail(at, `${probeName} port ${handler.port} is not a port of the container`);
    }
  }
}

/** Checks one pod spec of workload `where` (in namespace `ns`) and each of its containers. */
function checkPodSpec(ctx, podSpec, where, ns) {
  if (podSpec.automountServiceAccountToken !== false) {
    fail(
      where,
      'automountServiceAccountToken should be false (nothing here calls the Kubernetes API)',
    );
  }
  if (
    podSpec.serviceAccountName &&
    ctx.strictReferences &&
    !ctx.byKindName('ServiceAccount', podSpec.serviceAccountName, ns)
  ) {
    fail(where, `ServiceAccount ${podSpec.serviceAccountName} does not exist`);
  }
  const podSc = podSpec.securityContext || {};
  for (const c of containersOf(podSpec)) {
    const at = `${where} container ${c.name}`;
    checkSecurity(c, podSc, at);
    checkResources(c, at);
    checkProbes(c, podSpec, at);
    if (ctx.strictReferences) {
      const { tag, digest } = splitImage(c.image || '');
      if (!digest && (!tag || tag === 'latest')) {
        fail(at, `image ${c.image} has no pinned tag`);
      }
    }
    checkProcess(ctx, podSpec, c, at, ns);
  }
}

module.exports = { checkPodSpec };
