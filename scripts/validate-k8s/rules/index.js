'use strict';
/**
 * This service's rules over one render. Each rule takes (context, object, where, namespace)
 * and passes over the kinds it does not judge; they run per object in this order, so errors
 * come out grouped by object.
 */

const { idOf } = require('../report');
const { podSpecsOf } = require('../objects');
const { renderContext } = require('./context');
const { checkPodSpec } = require('./pods');
const references = require('./references');
const { checkScaledObject } = require('./keda');
const { checkNetworkPolicy, checkNetworkExposure } = require('./network');
const { checkPrometheusRule } = require('./alerts');

function checkPodSpecs(ctx, o, where, ns) {
  for (const podSpec of podSpecsOf(o)) {
    checkPodSpec(ctx, podSpec, where, ns);
  }
}

const PER_OBJECT = [
  references.checkLabels,
  checkPodSpecs,
  references.checkConfigMap,
  references.checkService,
  references.checkDisruptionBudget,
  references.checkAutoscaler,
  checkScaledObject,
  checkNetworkPolicy,
  references.checkServiceMonitor,
  checkPrometheusRule,
];

/**
 * Checks every object of a rendered directory.
 * @param items the rendered `{ object, file }` list
 * @param options `{ strictReferences, target }`, see context.js
 */
function checkAll(items, options) {
  const ctx = renderContext(items, options);
  for (const o of ctx.objects) {
    const where = `${ctx.target} ${idOf(o)}`;
    for (const rule of PER_OBJECT) {
      rule(ctx, o, where, o.metadata.namespace);
    }
  }
  checkNetworkExposure(ctx);
}

module.exports = { checkAll };
