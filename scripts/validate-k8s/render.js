'use strict';
/**
 * The built-in kustomize renderer: the features this repository uses (resources, namespace,
 * images, JSON 6902 patches) and nothing else — any other field is an error, so a manifest
 * never relies on a feature that is silently skipped. It exists because CI (.ci/run) has no
 * kubectl; where kubectl is installed, kubectl.js renders too and the two must agree.
 */

const fs = require('node:fs');
const path = require('node:path');
const { fail, rel, idOf } = require('./report');
const { YAML, readYamlFile } = require('./yaml');
const { podSpecsOf, containersOf, splitImage } = require('./objects');
const { applyJson6902 } = require('./json6902');

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

function applyPatches(k, dir, file, items) {
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
}

function applyNamespace(k, file, items) {
  for (const { object } of items) {
    if (object.kind === 'Namespace') {
      if (object.metadata.name !== k.namespace) {
        fail(rel(file), `Namespace ${object.metadata.name} differs from namespace: ${k.namespace}`);
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

function applyImages(k, items) {
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
        `field "${field}" is not supported by the built-in renderer (extend scripts/validate-k8s/render.js)`,
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
  applyPatches(k, dir, file, items);
  if (k.namespace) {
    applyNamespace(k, file, items);
  }
  applyImages(k, items);
  seen.delete(dir);
  return items;
}

module.exports = { renderKustomization };
