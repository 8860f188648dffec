import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { readLua } from './lua-source';

/** A Lua script, read once from its file; {@link bindScript} runs it on a connection. */
export interface ScriptDef {
  /** The command name it is registered under: the file's name and a hash of the source. */
  readonly name: string;
  /** The source, includes expanded. */
  readonly lua: string;
}

/**
 * The script in `file` (an absolute path, usually `join(__dirname, 'claim.lua')` from the module
 * that uses it; the build copies every `.lua` file next to the compiled code). Reading a file is
 * all it does: nothing connects.
 */
export function luaScript(file: string): ScriptDef {
  const lua = readLua(file);
  const stem = basename(file, '.lua').replace(/[^A-Za-z0-9]/g, '_');
  const hash = createHash('sha1').update(lua).digest('hex').slice(0, 8);
  return { name: `wxd_${stem}_${hash}`, lua };
}
