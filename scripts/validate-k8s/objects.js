'use strict';
/** Reading Kubernetes objects: pod specs of workloads, containers, images, labels, quantities. */

/** Pod specs of a workload (or none). */
function podSpecsOf(o) {
  const spec = o.spec || {};
  switch (o.kind) {
    case 'Pod':
      return [spec];
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return spec.template && spec.template.spec ? [spec.template.spec] : [];
    case 'CronJob':
      return spec.jobTemplate && spec.jobTemplate.spec && spec.jobTemplate.spec.template
        ? [spec.jobTemplate.spec.template.spec]
        : [];
    default:
      return [];
  }
}

/** Init containers first, then the others. */
const containersOf = (podSpec) => [
  ...(podSpec.initContainers || []),
  ...(podSpec.containers || []),
];

/** `name[:tag][@digest]` taken apart; a registry port is not mistaken for a tag. */
function splitImage(image) {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  return {
    name: hasTag ? withoutDigest.slice(0, colon) : withoutDigest,
    tag: hasTag ? withoutDigest.slice(colon + 1) : undefined,
    digest: at >= 0 ? image.slice(at + 1) : undefined,
  };
}

/** Whether every label of an equality selector is on `labels`. */
const labelsMatch = (selector, labels) =>
  Object.entries(selector || {}).every(([k, v]) => labels && labels[k] === v);

/** Which of this service's processes a container runs, from its command line. */
function appOf(container) {
  const argv = [...(container.command || []), ...(container.args || [])].join(' ');
  const m = /apps\/(api|worker|sandbox)\/dist\/main\.js/.exec(argv);
  return m ? m[1] : undefined;
}

const SUFFIX = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  m: 1e-3,
};

/** A Kubernetes quantity (`512Mi`, `250m`) as a number, or NaN. */
function quantity(q) {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q));
  if (!m || (m[2] && !(m[2] in SUFFIX))) {
    return NaN;
  }
  return Number(m[1]) * (m[2] ? SUFFIX[m[2]] : 1);
}

module.exports = { podSpecsOf, containersOf, splitImage, labelsMatch, appOf, quantity };
