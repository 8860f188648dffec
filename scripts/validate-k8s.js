#!/usr/bin/env node
'use strict';
/**
 * Offline validation of deploy/k8s: renders every kustomization and checks every object, then
 * exits 1 on any error. No cluster is needed (none is contacted).
 *
 *   node scripts/validate-k8s.js              # deploy/k8s/base, every overlay, alternatives/
 *   node scripts/validate-k8s.js <dir|file>…  # only these
 *   node scripts/validate-k8s.js --no-kubectl # skip the cross-check against `kubectl kustomize`
 *
 * What it checks:
 * 1. Rendering. A built-in renderer implements the kustomize features the repository uses
 *    (resources, namespace, images, JSON 6902 patches) and refuses any other. When `kubectl`
 *    is on PATH, `kubectl kustomize` renders too and both results must be identical.
 *    YAML: duplicate keys, and plain yes/no/on/off (booleans to YAML 1.1 parsers) are errors.
 * 2. Schemas: every object against the Kubernetes OpenAPI schemas shipped in the npm packages
 *    kubernetes-models (core API), @kubernetes-models/keda (ScaledObject) and
 *    @kubernetes-models/prometheus-operator (ServiceMonitor, PrometheusRule), plus unknown
 *    fields (a typo such as `readinessProbes` is an error, as with `kubectl --validate=strict`).
 * 3. This service's rules, read from its source where possible: the env variables each process
 *    reads (apps/{api,worker}/src, packages/shared/src), probes on the ports and paths of the
 *    contract (api PORT /readyz /healthz; worker WORKER_HTTP_PORT /readyz /healthz), grace
 *    periods above SHUTDOWN_TIMEOUT_MS (+ preStop), heap caps below memory limits, requests and
 *    limits, the restricted Pod Security settings, references between objects (Secrets,
 *    ConfigMaps and keys, ServiceAccounts, selectors, scale targets, ports), KEDA triggers
 *    (one `{QUEUE_PREFIX}:send-<appId>:wait` list per app of WECHAT_APPS), NetworkPolicies (only
 *    the api is open to any source), and alert rules (metric names and label values that the
 *    code exports, runbook links to headings that exist in docs/operations.md).
 */

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const K8S = path.join(ROOT, 'deploy', 'k8s');

let YAML;
try {
  YAML = require('yaml');
} catch {
  missingPackages(['yaml']);
}

function missingPackages(names) {
  console.error(
    `validate-k8s: missing npm package(s): ${names.join(', ')}\n` +
      'install them: npm install --no-save yaml@2.9.1 kubernetes-models@5.1.0 ' +
      '@kubernetes-models/keda@2.0.0 @kubernetes-models/prometheus-operator@6.0.0',
  );
  process.exit(2);
}

// ── Reporting ─────────────────────────────────────────────────────────────────────────────

const errors = [];
const notes = [];
function fail(where, message) {
  errors.push(`${where}: ${message}`);
}
const rel = (p) => path.relative(ROOT, p) || '.';
const idOf = (o) =>
  `${o.kind}/${o.metadata && o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata && o.metadata.name}`;

// ── YAML ──────────────────────────────────────────────────────────────────────────────────

const YAML11_BOOLEANS = /^(y|yes|n|no|on|off)$/i;

/** Every document of a YAML file as plain JS, with the file name kept for messages. */
function readYamlFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  const objects = [];
  for (const doc of docs) {
    for (const err of doc.errors) {
      fail(rel(file), `YAML: ${err.message}`);
    }
    YAML.visit(doc, {
      Scalar(_key, node) {
        if (
          node.type === 'PLAIN' &&
          typeof node.value === 'string' &&
          YAML11_BOOLEANS.test(node.value)
        ) {
          const line = node.range ? text.slice(0, node.range[0]).split('\n').length : '?';
          fail(
            `${rel(file)}:${line}`,
            `plain "${node.value}" is a boolean to YAML 1.1 parsers (kubectl): quote it`,
          );
        }
      },
    });
    const value = doc.toJS();
    if (value !== null && value !== undefined) {
      objects.push({ object: value, file });
    }
  }
  return objects;
}

// ── The built-in kustomize renderer ───────────────────────────────────────────────────────

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'images',
  'patches',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ClusterTriggerAuthentication',
]);

function kustomizationFile(dir) {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) {
      return file;
    }
  }
  return undefined;
}

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

const containersOf = (podSpec) => [
  ...(podSpec.initContainers || []),
  ...(podSpec.containers || []),
];

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

/** JSON pointer segments of a JSON 6902 path. */
const pointer = (p) =>
  p
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

function applyJson6902(target, ops, where) {
  for (const op of ops) {
    const segments = pointer(op.path);
    const last = segments.pop();
    let parent = target;
    for (const s of segments) {
      parent = Array.isArray(parent) ? parent[Number(s)] : parent && parent[s];
      if (parent === undefined || parent === null) {
        fail(where, `patch ${op.op} ${op.path}: parent path does not exist`);
        return;
      }
    }
    const isArray = Array.isArray(parent);
    const index = last === '-' ? parent.length : Number(last);
    switch (op.op) {
      case 'add':
        if (isArray) {
          parent.splice(index, 0, op.value);
        } else {
          parent[last] = op.value;
        }
        break;
      case 'replace':
        if ((isArray && !(index in parent)) || (!isArray && !(last in parent))) {
          fail(where, `patch replace ${op.path}: nothing to replace`);
          return;
        }
        if (isArray) {
          parent[index] = op.value;
        } else {
          parent[last] = op.value;
        }
        break;
      case 'remove':
        if ((isArray && !(index in parent)) || (!isArray && !(last in parent))) {
          fail(where, `patch remove ${op.path}: nothing to remove`);
          return;
        }
        if (isArray) {
          parent.splice(index, 1);
        } else {
          delete parent[last];
        }
        break;
      case 'test':
        if (JSON.stringify(isArray ? parent[index] : parent[last]) !== JSON.stringify(op.value)) {
          fail(where, `patch test ${op.path} failed`);
          return;
        }
        break;
      default:
        fail(where, `patch op "${op.op}" is not supported by the built-in renderer`);
    }
  }
}

function matchesTarget(o, target) {
  const [group, version] = (o.apiVersion || '').includes('/')
    ? o.apiVersion.split('/')
    : ['', o.apiVersion];
  return (
    (!target.kind || target.kind === o.kind) &&
    (!target.name || target.name === o.metadata.name) &&
    (!target.namespace || target.namespace === o.metadata.namespace) &&
    (target.group === undefined || target.group === group) &&
    (!target.version || target.version === version)
  );
}

/** Renders a kustomization directory into a list of { object, file }. */
function renderKustomization(dir, seen = new Set()) {
  const file = kustomizationFile(dir);
  if (!file) {
    fail(rel(dir), 'no kustomization.yaml');
    return [];
  }
  if (seen.has(dir)) {
    fail(rel(dir), 'kustomization cycle');
    return [];
  }
  seen.add(dir);
  const [{ object: k } = { object: {} }] = readYamlFile(file);
  for (const field of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) {
      fail(
        rel(file),
        `field "${field}" is not supported by the built-in renderer (extend validate-k8s.js)`,
      );
    }
  }
  let items = [];
  for (const entry of k.resources || []) {
    const p = path.resolve(dir, entry);
    if (!fs.existsSync(p)) {
      fail(rel(file), `resource ${entry} does not exist`);
    } else if (fs.statSync(p).isDirectory()) {
      items.push(...renderKustomization(p, seen));
    } else {
      items.push(...readYamlFile(p));
    }
  }
  items = items.map((item) => ({ ...item, object: structuredClone(item.object) }));
  for (const patch of k.patches || []) {
    const where = `${rel(file)} patch ${JSON.stringify(patch.target || patch.path)}`;
    const content = patch.path
      ? fs.readFileSync(path.resolve(dir, patch.path), 'utf8')
      : patch.patch;
    const ops = YAML.parse(content);
    if (!Array.isArray(ops) || !patch.target) {
      fail(where, 'only JSON 6902 patches with a target are supported by the built-in renderer');
      continue;
    }
    const targets = items.filter(({ object }) => matchesTarget(object, patch.target));
    if (targets.length === 0) {
      fail(where, 'matches no object');
    }
    targets.forEach(({ object }) => applyJson6902(object, ops, `${where} on ${idOf(object)}`));
  }
  if (k.namespace) {
    for (const { object } of items) {
      if (object.kind === 'Namespace') {
        if (object.metadata.name !== k.namespace) {
          fail(
            rel(file),
            `Namespace ${object.metadata.name} differs from namespace: ${k.namespace}`,
          );
        }
      } else if (!CLUSTER_SCOPED.has(object.kind)) {
        object.metadata.namespace = k.namespace;
      }
      if (['RoleBinding', 'ClusterRoleBinding'].includes(object.kind)) {
        fail(
          idOf(object),
          'namespace transform of subjects is not implemented by the built-in renderer',
        );
      }
    }
  }
  for (const image of k.images || []) {
    for (const { object } of items) {
      for (const podSpec of podSpecsOf(object)) {
        for (const c of containersOf(podSpec)) {
          const current = splitImage(c.image || '');
          if (current.name !== image.name) {
            continue;
          }
          const name = image.newName || current.name;
          if (image.digest) {
            c.image = `${name}@${image.digest}`;
          } else {
            const tag = image.newTag || current.tag;
            c.image = `${name}${tag ? `:${tag}` : ''}${!image.newTag && current.digest ? `@${current.digest}` : ''}`;
          }
        }
      }
    }
  }
  seen.delete(dir);
  return items;
}

// ── Cross-check against kubectl kustomize ─────────────────────────────────────────────────

function canonical(value) {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical(value[k])]),
    );
  }
  return value;
}

function kubectlVersion() {
  try {
    const out = execFileSync('kubectl', ['version', '--client', '-o', 'json'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const v = JSON.parse(out);
    return `kubectl ${v.clientVersion.gitVersion}, kustomize ${v.kustomizeVersion || '?'}`;
  } catch {
    return undefined;
  }
}

function crossCheckWithKubectl(dir, items) {
  let out;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
  } catch (err) {
    fail(rel(dir), `kubectl kustomize failed: ${String(err.stderr || err.message).trim()}`);
    return;
  }
  const theirs = new Map(
    YAML.parseAllDocuments(out)
      .map((d) => d.toJS())
      .filter(Boolean)
      .map((o) => [`${o.apiVersion} ${idOf(o)}`, JSON.stringify(canonical(o))]),
  );
  const ours = new Map(
    items.map(({ object: o }) => [`${o.apiVersion} ${idOf(o)}`, JSON.stringify(canonical(o))]),
  );
  for (const [id, json] of ours) {
    if (!theirs.has(id)) {
      fail(rel(dir), `${id}: rendered by the built-in renderer but not by kubectl kustomize`);
    } else if (theirs.get(id) !== json) {
      fail(rel(dir), `${id}: the built-in renderer and kubectl kustomize disagree`);
    }
  }
  for (const id of theirs.keys()) {
    if (!ours.has(id)) {
      fail(rel(dir), `${id}: rendered by kubectl kustomize but not by the built-in renderer`);
    }
  }
}

// ── Schemas (kubernetes-models) with unknown-field detection ──────────────────────────────

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

/**
 * Validates `object` with the model's compiled schema, through a Proxy that records which
 * properties the validator reads. The generated validators read every property their schema
 * defines and enumerate the keys of maps (labels, data, …), so a key of a schema'd object that
 * was never read is not in the schema: an unknown field. Objects the validator neither reads
 * nor enumerates are free-form (no schema below them) and are not judged.
 */
async function validateSchema(object, where) {
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
    return;
  }
  if (!Model || typeof Model.prototype.validate !== 'function') {
    fail(where, `no schema for ${object.apiVersion} ${object.kind}`);
    return;
  }
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
  try {
    Model.prototype.validate.call(wrap(object, ''));
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

// ── Facts read from the source ────────────────────────────────────────────────────────────

function readSource(file) {
  try {
    return fs.readFileSync(path.join(ROOT, file), 'utf8');
  } catch {
    fail('validate-k8s', `cannot read ${file}: the source moved; update scripts/validate-k8s.js`);
    return '';
  }
}

function tsFilesUnder(dir) {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) {
    fail('validate-k8s', `cannot read ${dir}: the source moved; update scripts/validate-k8s.js`);
    return [];
  }
  return fs
    .readdirSync(abs, { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** Upper-case object keys in a process's source: its env schema (and, harmlessly, a few more). */
function envNamesOf(app) {
  const names = new Set(['NODE_OPTIONS', 'NODE_ENV', 'TZ']);
  for (const file of [...tsFilesUnder(`apps/${app}/src`), ...tsFilesUnder('packages/shared/src')]) {
    for (const m of readSource(file).matchAll(
      /^\s+([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]|[A-Z]{3,}):\s/gm,
    )) {
      names.add(m[1]);
    }
  }
  return names;
}

function quotedUnion(file, typeName) {
  const text = readSource(file);
  const m = new RegExp(`type ${typeName}\\s*=([^;]+);`).exec(text);
  if (!m) {
    fail('validate-k8s', `type ${typeName} not found in ${file}: update scripts/validate-k8s.js`);
    return new Set();
  }
  return new Set([...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]));
}

let sourceFacts;
function facts() {
  if (sourceFacts) {
    return sourceFacts;
  }
  const metricNames = new Set();
  for (const file of ['apps/api/src/metrics.ts', 'apps/worker/src/metrics.ts']) {
    for (const m of readSource(file).matchAll(/name:\s*'(wxd_[a-z0-9_]+)'/g)) {
      metricNames.add(m[1]);
    }
  }
  const queueStates = new Set(['dead']); // the API adds state="dead" (dead letters per app)
  for (const file of ['apps/api/src/metrics.ts', 'apps/worker/src/metrics.ts']) {
    const text = readSource(file);
    for (const block of text.matchAll(/(?:getJobCounts\(|DEPTH_STATES = \[)([^)\]]*)/g)) {
      for (const s of block[1].matchAll(/'([a-z]+)'/g)) {
        queueStates.add(s[1]);
      }
    }
  }
  const errcodeClasses = quotedUnion(
    'packages/wechat-client/src/errors/errcode-catalogue.ts',
    'ErrcodeClass',
  );
  sourceFacts = {
    env: { api: envNamesOf('api'), worker: envNamesOf('worker') },
    metricNames,
    labelValues: {
      wxd_sends_total: {
        outcome: quotedUnion('apps/worker/src/processors/send-outcome.ts', 'SendOutcome'),
      },
      wxd_token_fetches_total: {
        outcome: quotedUnion(
          'packages/wechat-client/src/access-token/access-token-options.ts',
          'TokenFetchOutcome',
        ),
      },
      wxd_app_pauses_total: { reason: errcodeClasses },
      wxd_send_waits_total: { reason: errcodeClasses },
      wxd_queue_jobs: { state: queueStates },
    },
    shutdownDefaults: { api: 10000, worker: 25000 },
    anchors: docAnchors(),
  };
  return sourceFacts;
}

/** GitHub's heading anchors of docs/operations.md. */
function docAnchors() {
  const file = path.join(ROOT, 'docs', 'operations.md');
  if (!fs.existsSync(file)) {
    return new Set();
  }
  const anchors = new Set();
  let fenced = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) {
      fenced = !fenced;
    }
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (m) {
      anchors.add(
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
    }
  }
  return anchors;
}

// ── Quantities ────────────────────────────────────────────────────────────────────────────

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
function quantity(q) {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q));
  if (!m || (m[2] && !(m[2] in SUFFIX))) {
    return NaN;
  }
  return Number(m[1]) * (m[2] ? SUFFIX[m[2]] : 1);
}

// ── Checks on the rendered objects ────────────────────────────────────────────────────────

const labelsMatch = (selector, labels) =>
  Object.entries(selector || {}).every(([k, v]) => labels && labels[k] === v);

function appOf(container) {
  const argv = [...(container.command || []), ...(container.args || [])].join(' ');
  const m = /apps\/(api|worker|sandbox)\/dist\/main\.js/.exec(argv);
  return m ? m[1] : undefined;
}

function checkAll(items, { strictReferences, target }) {
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

  // Effective environment of a container: envFrom ConfigMaps, then env (literal values only).
  const envOf = (container, ns, where) => {
    const env = new Map();
    for (const source of container.envFrom || []) {
      const ref = source.configMapRef || source.secretRef;
      const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
      const found = ref && byKindName(kind, ref.name, ns);
      if (!found) {
        if (strictReferences || kind === 'ConfigMap') {
          if (!(ref && ref.optional)) {
            fail(where, `envFrom ${kind} ${ref && ref.name} does not exist`);
          }
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
          if (strictReferences || kind === 'ConfigMap') {
            fail(where, `env ${e.name}: ${kind} ${ref.name} does not exist`);
          }
        } else if (
          !ref.optional &&
          !({ ...(found.data || {}), ...(found.stringData || {}) }[ref.key] !== undefined)
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

  for (const o of objects) {
    const where = `${target} ${idOf(o)}`;
    const ns = o.metadata.namespace;
    if (!o.metadata.labels || !o.metadata.labels['app.kubernetes.io/name']) {
      fail(where, 'metadata.labels["app.kubernetes.io/name"] is missing');
    }

    for (const podSpec of podSpecsOf(o)) {
      checkPodSpec(o, podSpec, where, ns);
    }

    if (o.kind === 'ConfigMap' && o.metadata.name === 'wechat-dispatch-config') {
      const known = new Set([...facts().env.api, ...facts().env.worker]);
      for (const key of Object.keys(o.data || {})) {
        if (!known.has(key)) {
          fail(where, `key ${key} is not an environment variable the api or worker reads`);
        }
      }
    }

    if (o.kind === 'Service') {
      const pods = podsMatching(o.spec.selector, ns);
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

    if (o.kind === 'PodDisruptionBudget') {
      if (podsMatching(o.spec.selector.matchLabels, ns).length === 0) {
        fail(where, 'selector matches no workload');
      }
    }

    if (o.kind === 'HorizontalPodAutoscaler') {
      const t = o.spec.scaleTargetRef;
      const w = byKindName(t.kind, t.name, ns);
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
      const keda = objects.find(
        (x) =>
          x.kind === 'ScaledObject' &&
          x.spec.scaleTargetRef.name === t.name &&
          x.metadata.namespace === ns,
      );
      if (keda) {
        fail(where, `the same workload is also scaled by ScaledObject ${keda.metadata.name}`);
      }
    }

    if (o.kind === 'ScaledObject') {
      checkScaledObject(o, where, ns);
    }

    if (o.kind === 'NetworkPolicy') {
      const sel = o.spec.podSelector.matchLabels;
      if (sel && Object.keys(sel).length > 0 && podsMatching(sel, ns).length === 0) {
        fail(where, 'podSelector matches no workload');
      }
      for (const rule of [...(o.spec.ingress || []), ...(o.spec.egress || [])]) {
        for (const peer of [...(rule.from || []), ...(rule.to || [])]) {
          if (peer.podSelector && !peer.namespaceSelector) {
            const m = peer.podSelector.matchLabels;
            if (m && Object.keys(m).length > 0 && podsMatching(m, ns).length === 0) {
              fail(where, `peer podSelector ${JSON.stringify(m)} matches no workload`);
            }
          }
        }
      }
    }

    if (o.kind === 'ServiceMonitor') {
      const services = objects.filter(
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

    if (o.kind === 'PrometheusRule') {
      checkPrometheusRule(o, where, ns);
    }
  }

  checkNetworkExposure(objects, workloads, target);

  function checkPodSpec(o, podSpec, where, ns) {
    if (podSpec.automountServiceAccountToken !== false) {
      fail(
        where,
        'automountServiceAccountToken should be false (nothing here calls the Kubernetes API)',
      );
    }
    if (
      podSpec.serviceAccountName &&
      strictReferences &&
      !byKindName('ServiceAccount', podSpec.serviceAccountName, ns)
    ) {
      fail(where, `ServiceAccount ${podSpec.serviceAccountName} does not exist`);
    }
    const podSc = podSpec.securityContext || {};
    for (const c of containersOf(podSpec)) {
      const at = `${where} container ${c.name}`;
      const sc = c.securityContext || {};
      if (!(
        sc.runAsNonRoot === true ||
        (podSc.runAsNonRoot === true && sc.runAsNonRoot !== false)
      )) {
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
      const portNumber = (port) =>
        typeof port === 'number'
          ? port
          : Number(((c.ports || []).find((p) => p.name === port) || {}).containerPort);
      for (const probeName of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const probe = c[probeName];
        const handler = probe && (probe.httpGet || probe.tcpSocket);
        if (handler && !(portNames.has(handler.port) || portNumbers.has(Number(handler.port)))) {
          fail(at, `${probeName} port ${handler.port} is not a port of the container`);
        }
      }
      if (strictReferences) {
        const { tag, digest } = splitImage(c.image || '');
        if (!digest && (!tag || tag === 'latest')) {
          fail(at, `image ${c.image} has no pinned tag`);
        }
      }

      const app = appOf(c);
      if (!app) {
        continue;
      }
      if (!fs.existsSync(path.join(ROOT, 'apps', app, 'src', 'main.ts'))) {
        fail(at, `apps/${app}/src/main.ts does not exist`);
      }
      const env = envOf(c, ns, at);
      const known = facts().env[app] || new Set();
      for (const [name, { from }] of env) {
        if (from === 'ConfigMap wechat-dispatch-config') {
          continue; // judged once, at the ConfigMap
        }
        if (
          !known.has(name) &&
          !(app !== 'api' && facts().env.api.has(name)) &&
          !(app !== 'worker' && facts().env.worker.has(name))
        ) {
          fail(at, `env ${name} is not read by any process`);
        } else if (!known.has(name) && from === 'env') {
          fail(at, `env ${name} is not read by the ${app}`);
        }
      }
      const required = app === 'api' ? ['WECHAT_APPS', 'API_KEYS'] : ['WECHAT_APPS'];
      for (const name of required) {
        if (!env.has(name)) {
          fail(at, `${name} is required by the ${app} and not set`);
        }
      }
      const value = (name, fallback) => {
        const v = env.get(name);
        return v && v.value !== undefined ? v.value : fallback;
      };
      const port = Number(
        value(app === 'api' ? 'PORT' : 'WORKER_HTTP_PORT', app === 'api' ? '3000' : '9100'),
      );
      if (port === 0) {
        fail(at, 'WORKER_HTTP_PORT=0 turns off /healthz and /readyz, which the probes need');
      }
      if (!portNumbers.has(port)) {
        fail(at, `the process listens on ${port}, which is not a containerPort`);
      }
      for (const [probeName, pathWanted] of [
        ['readinessProbe', '/readyz'],
        ['livenessProbe', '/healthz'],
      ]) {
        const probe = c[probeName];
        if (!probe || !probe.httpGet) {
          fail(at, `${probeName} should be httpGet ${pathWanted} on :${port}`);
        } else if (probe.httpGet.path !== pathWanted || portNumber(probe.httpGet.port) !== port) {
          fail(
            at,
            `${probeName} is ${probe.httpGet.path} on :${portNumber(probe.httpGet.port)}, expected ${pathWanted} on :${port}`,
          );
        }
      }
      const shutdownMs = Number(
        value('SHUTDOWN_TIMEOUT_MS', String(facts().shutdownDefaults[app] || 10000)),
      );
      const preStop = c.lifecycle && c.lifecycle.preStop;
      const sleepS = preStop
        ? preStop.sleep
          ? Number(preStop.sleep.seconds)
          : Number(
              ((preStop.exec && preStop.exec.command) || []).join(' ').replace(/^.*sleep\s+/, ''),
            ) || 0
        : 0;
      const graceS =
        podSpec.terminationGracePeriodSeconds === undefined
          ? 30
          : podSpec.terminationGracePeriodSeconds;
      if (graceS * 1000 <= shutdownMs + sleepS * 1000) {
        fail(
          at,
          `terminationGracePeriodSeconds ${graceS} is not above SHUTDOWN_TIMEOUT_MS ${shutdownMs} ms + preStop ${sleepS} s`,
        );
      }
      const heap = /--max-old-space-size=(\d+)/.exec(value('NODE_OPTIONS', ''));
      if (
        heap &&
        r.limits &&
        r.limits.memory &&
        Number(heap[1]) * 2 ** 20 >= quantity(r.limits.memory)
      ) {
        fail(
          at,
          `--max-old-space-size=${heap[1]} MiB is not below the memory limit ${r.limits.memory}`,
        );
      }
      if (!heap) {
        fail(
          at,
          'NODE_OPTIONS has no --max-old-space-size: V8 would size its heap without regard to the limit',
        );
      }
    }
  }

  function checkScaledObject(o, where, ns) {
    const t = o.spec.scaleTargetRef;
    const w = byKindName(t.kind || 'Deployment', t.name, ns);
    if (!w) {
      fail(where, `scale target ${t.name} does not exist`);
      return;
    }
    const c = w.spec.template.spec.containers.find((x) => appOf(x) === 'worker');
    if (!c) {
      fail(where, 'the scale target runs no worker container');
      return;
    }
    const env = envOf(c, ns, where);
    const prefix = (env.get('QUEUE_PREFIX') || {}).value || 'wxd';
    const triggers = o.spec.triggers || [];
    const names = triggers.map((tr) => tr.name);
    if (new Set(names).size !== names.length) {
      fail(where, 'trigger names are not unique');
    }
    const appIds = [];
    for (const tr of triggers) {
      if (tr.type !== 'redis') {
        continue;
      }
      const m = new RegExp(
        `^\\{${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\}:send-([A-Za-z0-9_-]+):wait$`,
      ).exec(tr.metadata.listName || '');
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
    const modifiers = o.spec.advanced && o.spec.advanced.scalingModifiers;
    if (triggers.length > 1 && !modifiers) {
      fail(
        where,
        'several triggers without scalingModifiers: KEDA would take the largest backlog, not the sum',
      );
    }
    if (modifiers) {
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
    // The apps of WECHAT_APPS, where a Secret in the render carries them (the example overlay).
    const secretRef = (c.env || []).find((e) => e.name === 'WECHAT_APPS');
    const ref = secretRef && secretRef.valueFrom && secretRef.valueFrom.secretKeyRef;
    const secret = ref && byKindName('Secret', ref.name, ns);
    if (secret) {
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
    } else {
      notes.push(
        `${where}: WECHAT_APPS is not in this render; triggers cover ${appIds.join(', ')}`,
      );
    }
  }

  function checkPrometheusRule(o, where, ns) {
    const f = facts();
    const jobs = new Set(
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
    for (const group of o.spec.groups) {
      for (const rule of group.rules) {
        const at = `${where} ${rule.alert || rule.record}`;
        const expr = String(rule.expr);
        if (rule.alert) {
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
          } else if (!f.anchors.has(anchor[1])) {
            fail(at, `runbook_url anchor #${anchor[1]} is not a heading of docs/operations.md`);
          }
        }
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
              if (/^[a-z_]+$/.test(alt) && !values.has(alt)) {
                fail(
                  at,
                  `${m[1]} has no ${lm[1]}="${alt}" (the code emits ${[...values].join(', ')})`,
                );
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
    }
  }
}

/** Pods open to any source, and who may reach pods that listen on the Redis port. */
function checkNetworkExposure(objects, workloads, target) {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  if (policies.length === 0) {
    return;
  }
  for (const w of workloads) {
    const labels = w.spec.template.metadata.labels;
    const ns = w.metadata.namespace || '';
    const selecting = policies.filter(
      (p) =>
        (p.metadata.namespace || '') === ns &&
        labelsMatch(p.spec.podSelector.matchLabels, labels) &&
        (p.spec.policyTypes || ['Ingress']).includes('Ingress'),
    );
    const where = `${target} ${idOf(w)}`;
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
      for (const p of selecting) {
        for (const rule of p.spec.ingress || []) {
          for (const peer of rule.from || []) {
            const component =
              peer.podSelector &&
              peer.podSelector.matchLabels &&
              peer.podSelector.matchLabels['app.kubernetes.io/component'];
            const kedaOperator =
              peer.namespaceSelector &&
              peer.podSelector &&
              /keda-operator/.test(JSON.stringify(peer.podSelector));
            if (
              !(['api', 'worker'].includes(component) && !peer.namespaceSelector) &&
              !kedaOperator
            ) {
              fail(
                where,
                `Redis admits ${JSON.stringify(peer)}; only the api, the workers and KEDA's operator should reach it`,
              );
            }
          }
        }
      }
    }
  }
}

// ── Main ──────────────────────────────────────────────────────────────────────────────────

function defaultTargets() {
  const targets = [path.join(K8S, 'base')];
  const overlays = path.join(K8S, 'overlays');
  if (fs.existsSync(overlays)) {
    for (const name of fs.readdirSync(overlays).sort()) {
      targets.push(path.join(overlays, name));
    }
  }
  const alternatives = path.join(K8S, 'alternatives');
  if (fs.existsSync(alternatives)) {
    for (const name of fs.readdirSync(alternatives).sort()) {
      if (/\.ya?ml$/.test(name)) {
        targets.push(path.join(alternatives, name));
      }
    }
  }
  return targets;
}

async function main() {
  const args = process.argv.slice(2);
  const useKubectl = !args.includes('--no-kubectl');
  const targets = args.filter((a) => !a.startsWith('--')).map((a) => path.resolve(a));
  const kubectl = useKubectl ? kubectlVersion() : undefined;
  console.log(
    kubectl
      ? `renderer: built-in, cross-checked with ${kubectl}`
      : `renderer: built-in only (${useKubectl ? 'kubectl not found' : '--no-kubectl'})`,
  );
  let count = 0;
  for (const t of targets.length > 0 ? targets : defaultTargets()) {
    const isDir = fs.statSync(t).isDirectory();
    const before = errors.length;
    const items = isDir ? renderKustomization(t) : readYamlFile(t);
    if (isDir && kubectl) {
      crossCheckWithKubectl(t, items);
    }
    for (const { object, file } of items) {
      await validateSchema(object, `${rel(t)} ${idOf(object)} (${rel(file)})`);
    }
    // Overlays are complete: every reference must resolve. The base leaves the Secret, the
    // image tag and the namespace to overlays; an alternative file stands beside the base.
    const strictReferences = isDir && rel(t).includes(`overlays${path.sep}`);
    if (isDir) {
      checkAll(items, { strictReferences, target: rel(t) });
    }
    count += items.length;
    const kinds = [...new Set(items.map(({ object }) => object.kind))].sort().join(', ');
    console.log(
      `${errors.length === before ? 'ok  ' : 'FAIL'} ${rel(t)}: ${items.length} objects (${kinds})`,
    );
  }
  for (const note of notes) {
    console.log(`note: ${note}`);
  }
  if (errors.length > 0) {
    console.error(`\n${errors.length} error(s):`);
    for (const e of errors) {
      console.error(`  ${e}`);
    }
    process.exit(1);
  }
  console.log(`${count} objects valid`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
