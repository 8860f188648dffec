#!/usr/bin/env node
// Copies every Lua script of every workspace from src/ to dist/ beside the compiled code that
// reads it (tsc copies only TypeScript's outputs). Run by `npm run build` after `tsc -b`.
const { cpSync, existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function luaFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return luaFiles(path);
    }
    return name.endsWith('.lua') ? [path] : [];
  });
}

let copied = 0;
for (const group of ['packages', 'apps']) {
  for (const workspace of readdirSync(join(root, group))) {
    const src = join(root, group, workspace, 'src');
    if (!existsSync(src)) {
      continue;
    }
    for (const file of luaFiles(src)) {
      cpSync(file, join(root, group, workspace, 'dist', file.slice(src.length + 1)));
      copied += 1;
    }
  }
}
process.stdout.write(`copy-lua: ${copied} Lua files copied to dist/\n`);
