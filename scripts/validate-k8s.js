#!/usr/bin/env node
'use strict';
/**
 * Offline validation of deploy/k8s: renders every kustomization and checks every object, then
 * exits 1 on any error (2 when an npm package it needs is missing). No cluster is contacted.
 *
 *   node scripts/validate-k8s.js              # deploy/k8s/base, every overlay, alternatives/
 *   node scripts/validate-k8s.js <dir|file>…  # only these
 *   node scripts/validate-k8s.js --no-kubectl # skip the cross-check against `kubectl kustomize`
 *
 * What it checks, one module of scripts/validate-k8s/ each:
 * 1. Rendering (render.js, kubectl.js). A built-in renderer implements the kustomize features
 *    the repository uses (resources, namespace, images, JSON 6902 patches) and refuses any
 *    other; it stays because CI machines need not have kubectl. When `kubectl` is on PATH,
 *    `kubectl kustomize` renders too and both results must be identical.
 *    YAML (yaml.js): duplicate keys, and plain yes/no/on/off (booleans to YAML 1.1 parsers).
 * 2. Schemas (schemas.js): every object against the Kubernetes OpenAPI schemas of the npm
 *    packages kubernetes-models, @kubernetes-models/keda and @kubernetes-models/prometheus-
 *    operator, plus unknown fields (a typo such as `readinessProbes` is an error).
 * 3. This service's rules (rules/), read from its source where possible (source-facts.js): the
 *    env variables each process reads, probes on the contract's ports and paths, grace periods
 *    above SHUTDOWN_TIMEOUT_MS (+ preStop), heap caps below memory limits, requests and limits,
 *    the restricted Pod Security settings, references between objects, the KEDA trigger (one
 *    prometheus trigger on the send backlog, wxd_queue_jobs{queue="send"} waiting +
 *    prioritized, none per app), NetworkPolicies (only the api is open to any source, only the
 *    api and the workers reach Redis), and alert rules (metric names and label values that the
 *    code exports, runbook links to headings that exist in docs/operations.md).
 */

const fs = require('node:fs');
const path = require('node:path');
const { K8S, rel, idOf, errorCount, finish } = require('./validate-k8s/report');
const { readYamlFile } = require('./validate-k8s/yaml');
const { renderKustomization } = require('./validate-k8s/render');
const { kubectlVersion, crossCheckWithKubectl } = require('./validate-k8s/kubectl');
const { validateSchema } = require('./validate-k8s/schemas');
const { checkAll } = require('./validate-k8s/rules');

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

/** Renders (a directory) or reads (a file) one target and checks it; returns its objects. */
async function validateTarget(t, kubectl) {
  const isDir = fs.statSync(t).isDirectory();
  const before = errorCount();
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
  const kinds = [...new Set(items.map(({ object }) => object.kind))].sort().join(', ');
  console.log(
    `${errorCount() === before ? 'ok  ' : 'FAIL'} ${rel(t)}: ${items.length} objects (${kinds})`,
  );
  return items.length;
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
    count += await validateTarget(t, kubectl);
  }
  finish(count);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
