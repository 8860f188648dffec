'use strict';
/**
 * The cross-check against `kubectl kustomize`, where kubectl is installed: both renderers must
 * produce the same objects, field for field, so the built-in one cannot drift from kustomize.
 */

const { execFileSync } = require('node:child_process');
const { fail, rel, idOf } = require('./report');
const { YAML } = require('./yaml');

/** A value with its object keys sorted, so two renders compare as JSON text. */
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

/** `kubectl vX, kustomize vY`, or undefined when kubectl is not on PATH. */
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

/** Renders `dir` with kubectl and reports every object the two renders do not share. */
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

module.exports = { kubectlVersion, crossCheckWithKubectl };
