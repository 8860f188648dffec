'use strict';
/**
 * Child processes of a benchmark run: node scripts and redis-server. Output goes to a log file
 * per process (cheaper for the benchmark than a pipe it would have to read); a ready line is
 * found by polling that file. Every child is registered so that any exit of the benchmark —
 * normal end, error or signal — kills what is still running.
 */

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const running = new Set();
let clockTicks;

/** Kernel clock ticks per second (for /proc/<pid>/stat times). */
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills every child still running, at once (used on exit and signals). */
function killAll() {
  for (const child of running) {
    try {
      child.process.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

process.on('exit', killAll);

/**
 * Starts `command args` with its stdout and stderr appended to `<logDir>/<name>.log`.
 * @returns a handle with `pid`, `waitForLine`, `peakRssKb`, `stop`
 */
function startChild(name, command, args, { env, logDir }) {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const offset = fs.fstatSync(fd).size;
  const child = spawn(command, args, { env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const handle = {
    name,
    process: child,
    pid: child.pid,
    logFile,
    exited: false,
    exitCode: undefined,
  };
  running.add(handle);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      handle.exited = true;
      handle.exitCode = code ?? signal;
      running.delete(handle);
      resolve();
    });
  });

  /** This run's part of the log. */
  handle.output = () => {
    try {
      const text = fs.readFileSync(logFile, 'utf8');
      return text.slice(offset);
    } catch {
      return '';
    }
  };

  /** Resolves once a line containing `marker` is in the log; rejects on exit or timeout. */
  handle.waitForLine = async (marker, timeoutMs = 30000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = handle.output();
      if (text.includes(marker)) {
        return;
      }
      if (handle.exited || Date.now() > deadline) {
        const tail = text.trim().split('\n').slice(-15).join('\n');
        throw new Error(
          `${name} ${handle.exited ? `exited (${handle.exitCode})` : 'timed out'} before "${marker}":\n${tail}`,
        );
      }
      await sleep(5);
    }
  };

  /** Peak resident set size so far (VmHWM), in kB; Linux only, else undefined. */
  handle.peakRssKb = () => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]) || undefined;
    } catch {
      return undefined;
    }
  };

  /** CPU time (user + system) used so far, in ms; Linux only, else NaN. */
  handle.cpuMs = () => {
    try {
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
    } catch {
      return NaN;
    }
  };

  /** SIGTERM, then SIGKILL after `graceMs`. */
  handle.stop = async (graceMs = 10000) => {
    if (handle.exited) {
      return;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return handle;
}

/**
 * Starts `node <script>` (a path relative to the repository root). With BENCH_PROFILE set to a
 * prefix of `name` (e.g. `api-ours`, `worker-ours`), that process writes a V8 CPU profile
 * (`.cpuprofile`, open it in Chrome DevTools) into `<logDir>/profiles` when it exits.
 */
function startNode(name, script, options) {
  const root = path.resolve(__dirname, '..', '..');
  const profile = process.env.BENCH_PROFILE;
  const flags =
    profile && name.startsWith(profile)
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(options.logDir, 'profiles')}`]
      : [];
  return startChild(name, process.execPath, [...flags, path.join(root, script)], options);
}

module.exports = { startChild, startNode, killAll, sleep };
