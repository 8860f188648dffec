'use strict';
/**
 * Every object against the Kubernetes OpenAPI schemas shipped in the npm packages
 * kubernetes-models (core API), @kubernetes-models/keda (ScaledObject) and
 * @kubernetes-models/prometheus-operator (ServiceMonitor, PrometheusRule), plus unknown fields
 * (a typo such as `readinessProbes` is an error, as with `kubectl --validate=strict`).
 */

const { fail, missingPackages } = require('./report');

function modelModule(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'keda.sh') {
    return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  }
  if (group === 'monitoring.coreos.com') {
    return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${kind}`;
  }
  return group === ''
    ? `kubernetes-models/${version}/${kind}`
    : `kubernetes-models/${group}/${version}/${kind}`;
}

async function loadModel(object, where) {
  const spec = modelModule(object.apiVersion || '', object.kind || '');
  let Model;
  try {
    Model = (await import(spec))[object.kind];
  } catch (err) {
    if (
      err &&
      err.code === 'ERR_MODULE_NOT_FOUND' &&
      /kubernetes-models/.test(String(err.message))
    ) {
      const pkg = /Cannot find package '([^']+)'/.exec(String(err.message));
      if (pkg) {
        missingPackages([pkg[1]]);
      }
    }
    fail(where, `no schema for ${object.apiVersion} ${object.kind} (${spec})`);
    return undefined;
  }
  if (!Model || typeof Model.prototype.validate !== 'function') {
    fail(where, `no schema for ${object.apiVersion} ${object.kind}`);
    return undefined;
  }
  return Model;
}

/** Wraps `object` in Proxies that record, per nested object, the keys read and enumerations. */
function tracking(object) {
  const tracked = [];
  const proxies = new WeakMap();
  const wrap = (value, at) => {
    if (value === null || typeof value !== 'object') {
      return value;
    }
    if (proxies.has(value)) {
      return proxies.get(value);
    }
    const info = { read: new Set(), enumerated: false, at, target: value };
    tracked.push(info);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const result = Reflect.get(target, key, receiver);
        if (typeof key === 'string') {
          info.read.add(key);
          if (Object.prototype.hasOwnProperty.call(target, key)) {
            return wrap(result, Array.isArray(target) ? `${at}[${key}]` : `${at}.${key}`);
          }
        }
        return result;
      },
      has(target, key) {
        if (typeof key === 'string') {
          info.read.add(key);
        }
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        info.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { proxy: wrap(object, ''), tracked };
}

/**
 * Validates `object` with the model's compiled schema, through a Proxy that records which
 * properties the validator reads. The generated validators read every property their schema
 * defines and enumerate the keys of maps (labels, data, …), so a key of a schema'd object that
 * was never read is not in the schema: an unknown field. Objects the validator neither reads
 * nor enumerates are free-form (no schema below them) and are not judged.
 */
async function validateSchema(object, where) {
  const Model = await loadModel(object, where);
  if (!Model) {
    return;
  }
  const { proxy, tracked } = tracking(object);
  try {
    Model.prototype.validate.call(proxy);
  } catch (err) {
    fail(where, `schema: ${err.message}`);
    return;
  }
  for (const info of tracked) {
    if (Array.isArray(info.target) || info.enumerated || info.read.size === 0) {
      continue;
    }
    for (const key of Object.keys(info.target)) {
      if (!info.read.has(key)) {
        fail(
          where,
          `unknown field ${info.at}.${key}`.replace(/^unknown field \./, 'unknown field '),
        );
      }
    }
  }
}

module.exports = { validateSchema };
