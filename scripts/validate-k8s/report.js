'use strict';
/**
 * Where validate-k8s collects what it finds: errors (any one fails the run) and notes (printed,
 * never fatal), with the helpers that name a file or an object in a message.
 */

const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const K8S = path.join(ROOT, 'deploy', 'k8s');

const errors = [];
const notes = [];

/** Records an error at `where` (a file, a file:line, or a target and an object). */
function fail(where, message) {
  errors.push(`${where}: ${message}`);
}

/** Records a note: something the run could not check, said so that it is not mistaken for ok. */
function note(message) {
  notes.push(message);
}

/** A path relative to the repository, as messages show it. */
const rel = (p) => path.relative(ROOT, p) || '.';

/** `Kind/namespace/name` of an object (`Kind/name` when it has no namespace). */
const idOf = (o) =>
  `${o.kind}/${o.metadata && o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata && o.metadata.name}`;

/** Exits 2 naming the npm packages to install: validation cannot start without them. */
function missingPackages(names) {
  console.error(
    `validate-k8s: missing npm package(s): ${names.join(', ')}\n` +
      'install them: npm install --no-save yaml@2.9.1 kubernetes-models@5.1.0 ' +
      '@kubernetes-models/keda@2.0.0 @kubernetes-models/prometheus-operator@6.0.0',
  );
  process.exit(2);
}

/** How many errors so far: a target failed when the count grew while it was checked. */
const errorCount = () => errors.length;

/** Prints the notes, then the errors and exits 1 if there are any, else the total. */
function finish(count) {
  for (const n of notes) {
    console.log(`note: ${n}`);
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

module.exports = { ROOT, K8S, fail, note, rel, idOf, missingPackages, errorCount, finish };
