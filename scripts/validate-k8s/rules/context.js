'use strict';
/**
 * One render as the rules see it: its objects, lookups by kind and name, the workloads a
 * selector picks, and the effective environment of a container.
 */

const { fail } = require('../report');
const { podSpecsOf, labelsMatch } = require('../objects');

/**
 * @param items the rendered `{ object, file }` list
 * @param options.strictReferences every reference must resolve (overlays are complete; the base
 *   leaves the Secret, the image tag and the namespace to overlays)
 * @param options.target the rendered directory, as messages name it
 */
function renderContext(items, { strictReferences, target }) {
  const objects = items.map(({ object }) => object);
  const byKindName = (kind, name, ns) =>
    objects.find(
      (o) =>
        o.kind === kind && o.metadata.name === name && (o.metadata.namespace || '') === (ns || ''),
    );
  const workloads = objects.filter((o) => podSpecsOf(o).length > 0);
  const podsMatching = (selector, ns) =>
    workloads.filter(
      (w) =>
        (w.metadata.namespace || '') === (ns || '') &&
        labelsMatch(selector, w.spec.template.metadata.labels),
    );
  const missing = (kind) => strictReferences || kind === 'ConfigMap';

  /** Effective environment of a container: envFrom ConfigMaps, then env (literal values only). */
  const envOf = (container, ns, where) => {
    const env = new Map();
    for (const source of container.envFrom || []) {
      const ref = source.configMapRef || source.secretRef;
      const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
      const found = ref && byKindName(kind, ref.name, ns);
      if (!found) {
        if (missing(kind) && !(ref && ref.optional)) {
          fail(where, `envFrom ${kind} ${ref && ref.name} does not exist`);
        }
        continue;
      }
      for (const [k, v] of Object.entries({ ...(found.data || {}), ...(found.stringData || {}) })) {
        env.set(`${source.prefix || ''}${k}`, {
          value: kind === 'ConfigMap' ? String(v) : undefined,
          from: `${kind} ${ref.name}`,
        });
      }
    }
    for (const e of container.env || []) {
      const ref = e.valueFrom && (e.valueFrom.secretKeyRef || e.valueFrom.configMapKeyRef);
      if (ref) {
        const kind = e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
        const found = byKindName(kind, ref.name, ns);
        if (!found) {
          if (missing(kind)) {
            fail(where, `env ${e.name}: ${kind} ${ref.name} does not exist`);
          }
        } else if (
          !ref.optional &&
          { ...(found.data || {}), ...(found.stringData || {}) }[ref.key] === undefined
        ) {
          fail(where, `env ${e.name}: key ${ref.key} is not in ${kind} ${ref.name}`);
        }
        env.set(e.name, { value: undefined, from: `${kind} ${ref.name}` });
      } else {
        env.set(e.name, { value: e.value === undefined ? '' : String(e.value), from: 'env' });
      }
    }
    return env;
  };

  return { objects, workloads, byKindName, podsMatching, envOf, strictReferences, target };
}

module.exports = { renderContext };
