'use strict';
/**
 * References between objects: ConfigMap keys the processes read, Services and
 * PodDisruptionBudgets that select a workload, scale targets of HorizontalPodAutoscalers, and
 * ServiceMonitors that select a Service by a port it has.
 */

const { fail } = require('../report');
const { containersOf, labelsMatch } = require('../objects');
const { facts } = require('../source-facts');

function checkLabels(_ctx, o, where) {
  if (!o.metadata.labels || !o.metadata.labels['app.kubernetes.io/name']) {
    fail(where, 'metadata.labels["app.kubernetes.io/name"] is missing');
  }
}

function checkConfigMap(_ctx, o, where) {
  if (o.kind !== 'ConfigMap' || o.metadata.name !== 'wechat-dispatch-config') {
    return;
  }
  const known = new Set([...facts().env.api, ...facts().env.worker]);
  for (const key of Object.keys(o.data || {})) {
    if (!known.has(key)) {
      fail(where, `key ${key} is not an environment variable the api or worker reads`);
    }
  }
}

function checkService(ctx, o, where, ns) {
  if (o.kind !== 'Service') {
    return;
  }
  const pods = ctx.podsMatching(o.spec.selector, ns);
  if (pods.length === 0) {
    fail(where, 'selector matches no workload');
  }
  for (const port of o.spec.ports || []) {
    if (typeof port.targetPort === 'string') {
      const ok = pods.every((w) =>
        containersOf(w.spec.template.spec).some((c) =>
          (c.ports || []).some((p) => p.name === port.targetPort),
        ),
      );
      if (!ok) {
        fail(where, `targetPort ${port.targetPort} is not a named port of every selected pod`);
      }
    }
  }
}

function checkDisruptionBudget(ctx, o, where, ns) {
  if (
    o.kind === 'PodDisruptionBudget' &&
    ctx.podsMatching(o.spec.selector.matchLabels, ns).length === 0
  ) {
    fail(where, 'selector matches no workload');
  }
}

function checkAutoscaler(ctx, o, where, ns) {
  if (o.kind !== 'HorizontalPodAutoscaler') {
    return;
  }
  const t = o.spec.scaleTargetRef;
  const w = ctx.byKindName(t.kind, t.name, ns);
  if (!w) {
    fail(where, `scale target ${t.kind}/${t.name} does not exist`);
  } else if (
    (o.spec.metrics || []).some((m) => m.type === 'Resource') &&
    !containersOf(w.spec.template.spec).every(
      (c) => c.resources && c.resources.requests && c.resources.requests.cpu,
    )
  ) {
    fail(where, 'CPU utilization target needs a CPU request on every container of the target');
  }
  const keda = ctx.objects.find(
    (x) =>
      x.kind === 'ScaledObject' &&
      x.spec.scaleTargetRef.name === t.name &&
      x.metadata.namespace === ns,
  );
  if (keda) {
    fail(where, `the same workload is also scaled by ScaledObject ${keda.metadata.name}`);
  }
}

function checkServiceMonitor(ctx, o, where, ns) {
  if (o.kind !== 'ServiceMonitor') {
    return;
  }
  const services = ctx.objects.filter(
    (s) =>
      s.kind === 'Service' &&
      s.metadata.namespace === ns &&
      labelsMatch(o.spec.selector.matchLabels, s.metadata.labels),
  );
  if (services.length === 0) {
    fail(where, 'selector matches no Service');
  }
  for (const ep of o.spec.endpoints || []) {
    if (!services.every((s) => (s.spec.ports || []).some((p) => p.name === ep.port))) {
      fail(where, `endpoint port ${ep.port} is not a port name of the selected Service`);
    }
  }
}

module.exports = {
  checkLabels,
  checkConfigMap,
  checkService,
  checkDisruptionBudget,
  checkAutoscaler,
  checkServiceMonitor,
};
