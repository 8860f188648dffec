'use strict';
/**
 * The end of a run: a markdown table of medians and ratios (ours ÷ baseline), Redis work per
 * message, and the one summary line of ratios.
 */

const os = require('node:os');
const { fmt, ratio } = require('./stats');

/** Cores, CPU, Node and Redis of this run. */
function machine(redis) {
  const cpus = os.cpus();
  return (
    `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, ` +
    `Node ${process.version}, Redis ${redis.version} ` +
    `(${redis.private ? 'private, AOF off' : `shared at ${redis.url}`})`
  );
}

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

/** The markdown table of every phase that ran. */
function table(results) {
  const lines = [
    row(['measure', 'ours', 'baseline', 'ours ÷ baseline']),
    row(['---', '---:', '---:', '---:']),
  ];
  const { enqueue, batch, drain, caller } = results;
  if (enqueue) {
    const { ours, bare } = enqueue;
    lines.push(
      row(['enqueue, req/s (50 conn.)', fmt(ours.rps), fmt(bare.rps), ratio(ours.rps / bare.rps)]),
      row(['enqueue, p99 ms', fmt(ours.p99), fmt(bare.p99), ratio(ours.p99 / bare.p99)]),
      row([
        'enqueue, API CPU µs per request',
        fmt(ours.cpuUs),
        fmt(bare.cpuUs),
        ratio(ours.cpuUs / bare.cpuUs),
      ]),
    );
  }
  if (batch) {
    const { ours, bare } = batch;
    lines.push(
      row(['batch, msg/s', fmt(ours.mps), fmt(bare.mps), ratio(ours.mps / bare.mps)]),
      row([
        'batch, API CPU µs per message',
        fmt(ours.cpuUs),
        fmt(bare.cpuUs),
        ratio(ours.cpuUs / bare.cpuUs),
      ]),
    );
  }
  if (drain) {
    const { ours, bare } = drain;
    lines.push(
      row(['drain, msg/s', fmt(ours.mps), fmt(bare.mps), ratio(ours.mps / bare.mps)]),
      row([
        'drain, worker CPU µs per message',
        fmt(ours.cpuUs),
        fmt(bare.cpuUs),
        ratio(ours.cpuUs / bare.cpuUs),
      ]),
      row([
        'drain, worker peak RSS MB',
        fmt(ours.peakRssMb),
        fmt(bare.peakRssMb),
        ratio(ours.peakRssMb / bare.peakRssMb),
      ]),
    );
  }
  if (caller) {
    const { ours, direct } = caller;
    lines.push(
      row([
        'caller p50 ms (baseline: direct send)',
        fmt(ours.p50, 2),
        fmt(direct.p50, 2),
        ratio(ours.p50 / direct.p50, 3),
      ]),
      row([
        'caller p99 ms (baseline: direct send)',
        fmt(ours.p99, 2),
        fmt(direct.p99, 2),
        ratio(ours.p99 / direct.p99, 3),
      ]),
    );
  }
  return lines.join('\n');
}

/** Redis commands (all, and scripts/round trips among them) and CPU per message. */
function redisTable(results) {
  const lines = [row(['Redis per message', 'ours', 'baseline']), row(['---', '---:', '---:'])];
  for (const phase of ['enqueue', 'batch', 'drain']) {
    const r = results[phase];
    if (!r) {
      continue;
    }
    const cell = (x) =>
      `${fmt(x.commands, 1)} commands (${fmt(x.scripts, 1)} Lua scripts), ${fmt(x.cpuUs)} µs Redis CPU`;
    lines.push(row([phase, cell(r.ours.redis), cell(r.bare.redis)]));
  }
  const busiest = ['enqueue', 'drain']
    .filter((phase) => results[phase])
    .map(
      (phase) =>
        `  ${phase} ours: ${results[phase].ours.redis.top}\n  ${phase} bare: ${results[phase].bare.redis.top}`,
    )
    .join('\n');
  return `${lines.join('\n')}\n\nbusiest commands per message:\n${busiest}`;
}

/** The one line the README quotes. */
function summaryLine(results, settings) {
  const parts = [];
  const { enqueue, batch, drain, caller } = results;
  if (enqueue) {
    parts.push(`enqueue ${ratio(enqueue.ours.rps / enqueue.bare.rps)} bare BullMQ`);
  }
  if (batch) {
    parts.push(`batch ${ratio(batch.ours.mps / batch.bare.mps)} bare addBulk`);
  }
  if (drain) {
    parts.push(`drain ${ratio(drain.ours.mps / drain.bare.mps)} bare worker`);
  }
  if (caller) {
    parts.push(`caller p50 ${ratio(caller.ours.p50 / caller.direct.p50, 3)} direct send`);
  }
  const drainRounds =
    drain && settings.drainRounds !== settings.rounds ? `, drain ${settings.drainRounds}` : '';
  return `RATIOS (medians of ${settings.rounds} ABAB rounds${drainRounds}): ${parts.join(' · ')}`;
}

module.exports = { machine, table, redisTable, summaryLine };
