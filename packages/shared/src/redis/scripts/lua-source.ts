import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `--- @include "name"`: the file `name.lua` beside the including file, pasted in once. */
const INCLUDE = /^---\s*@include\s+"([^"]+)"\s*$/gm;

/**
 * The source of a Lua script file with its includes expanded, as BullMQ's command loader does
 * for its `src/commands/*.lua`. An include names a file relative to the including file's folder
 * (`--- @include "includes/history"` → `includes/history.lua`); each file is pasted in at most
 * once per script, so shared pieces may include each other. Includes define local functions,
 * never statements that run on their own.
 * @throws Error naming the file when a script or one of its includes cannot be read
 */
export function readLua(file: string): string {
  return expand(file, new Set());
}

function expand(file: string, seen: Set<string>): string {
  seen.add(file);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Lua script ${file} cannot be read (is it copied next to the built code?)`);
  }
  return source.replace(INCLUDE, (_line, name: string) => {
    const included = join(dirname(file), `${name}.lua`);
    return seen.has(included)
      ? `-- (${basename(included)} already included)`
      : expand(included, seen);
  });
}
