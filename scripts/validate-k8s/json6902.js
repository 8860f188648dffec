'use strict';
/** JSON 6902 patches (add, replace, remove, test), as kustomize's `patches` apply them. */

const { fail } = require('./report');

/** JSON pointer segments of a JSON 6902 path. */
const pointer = (p) =>
  p
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** Applies `ops` to `target` in place; the first failing op is reported and stops the patch. */
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
    const present = () => (isArray ? index in parent : last in parent);
    switch (op.op) {
      case 'add':
        if (isArray) {
          parent.splice(index, 0, op.value);
        } else {
          parent[last] = op.value;
        }
        break;
      case 'replace':
        if (!present()) {
          fail(where, `patch replace ${op.path}: nothing to replace`);
          return;
        }
        parent[isArray ? index : last] = op.value;
        break;
      case 'remove':
        if (!present()) {
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

module.exports = { applyJson6902 };
