#!/usr/bin/env node
/**
 * `npm start`: the sandbox, the API and one worker together, for a local demo. Each runs as its
 * own process from the built code (run `npm run build` first). Without WECHAT_APPS / API_KEYS it
 * uses a demo app and key that only make sense against the sandbox.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const sandboxPort = process.env.SANDBOX_PORT || '8081';
const env = {
  ...process.env,
  WECHAT_APPS: process.env.WECHAT_APPS || 'wx0123456789abcdef:sandbox-demo-secret',
  API_KEYS: process.env.API_KEYS || 'demo:demo-api-key',
  SANDBOX_PORT: sandboxPort,
  WECHAT_API_BASE: process.env.WECHAT_API_BASE || `http://127.0.0.1:${sandboxPort}`,
  // Without DATABASE_URL the delivery history lives in an embedded PGlite database under .data/,
  // opened (and archived into) by the API; the worker only appends record changes for it.
  ...(process.env.DATABASE_URL
    ? {}
    : { ARCHIVE_DIR: process.env.ARCHIVE_DIR || path.join(root, '.data', 'archive') }),
};

const processes = [
  ['sandbox', 'apps/sandbox/dist/main.js'],
  ['api', 'apps/api/dist/main.js'],
  ['worker', 'apps/worker/dist/main.js'],
].map(([name, file]) => {
  const child = spawn(process.execPath, [path.join(root, file)], { env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal || code}); stopping the others`);
      stop(code || 1);
    }
  });
  return child;
});

let stopping = false;
function stop(exitCode) {
  stopping = true;
  let alive = processes.length;
  for (const child of processes) {
    if (child.exitCode !== null || child.signalCode !== null) {
      alive -= 1;
      continue;
    }
    child.once('exit', () => {
      alive -= 1;
      if (alive === 0) process.exit(exitCode);
    });
    child.kill('SIGTERM');
  }
  if (alive === 0) process.exit(exitCode);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
