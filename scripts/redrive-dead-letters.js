#!/usr/bin/env node
'use strict';
/**
 * Redrives dead letters in bulk through the API (GET /v1/dead-letters, then
 * POST /v1/dead-letters/:id/redrive for each), for the aftermath of a WeChat outage
 * (docs/operations.md). A dry run unless --apply is given.
 *
 *   API_URL=https://dispatch.example.internal API_KEY=<key> \
 *     node scripts/redrive-dead-letters.js [--app <appId>] [--errcode -1,-1001,…|all]
 *       [--since <ISO time>] [--max <n>] [--rate <per second>] [--apply]
 *
 *   --errcode  last errcodes to redrive; default: the transient ones (-1 and the pseudo-codes
 *              -1001 timeout, -1002 HTTP status, -1003 connection, -1004 bad body), i.e. the
 *              messages that died only because WeChat failed for longer than the retries.
 *              Permanent errcodes (40003 invalid openid, 43101 refused, …) would die again.
 *   --since    only messages whose record changed (died) at or after this time
 *   --max      at most this many (default 1000)
 *   --rate     redrives per second (default 20): a recovering WeChat gets a gentle ramp; the
 *              workers' own concurrency and WECHAT_RATE_LIMIT_PER_SEC apply on top
 *
 * The key's caller must be in API_ADMIN_CALLERS to see every caller's dead letters; any other
 * caller sees and redrives only its own. A message redriven twice is harmless: the second
 * answers 409 and is counted as skipped. Sent messages are never sent again (the record says
 * sent), and template messages carry the same client_msg_id, so WeChat drops a repeat within
 * 10 minutes.
 */

const TRANSIENT = ['-1', '-1001', '-1002', '-1003', '-1004'];

function parseArgs(argv) {
  const opts = { errcodes: TRANSIENT, max: 1000, rate: 20, apply: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) {
        throw new Error(`${arg} needs a value`);
      }
      return argv[++i];
    };
    switch (arg) {
      case '--app':
        opts.appId = value();
        break;
      case '--errcode': {
        const v = value();
        opts.errcodes = v === 'all' ? undefined : v.split(',').map((s) => s.trim());
        break;
      }
      case '--since':
        opts.since = new Date(value());
        if (Number.isNaN(opts.since.getTime())) {
          throw new Error('--since is not a time');
        }
        break;
      case '--max':
        opts.max = Number(value());
        break;
      case '--rate':
        opts.rate = Number(value());
        break;
      case '--apply':
        opts.apply = true;
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!(opts.max > 0) || !(opts.rate > 0)) {
    throw new Error('--max and --rate must be positive');
  }
  return opts;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const apiUrl = (process.env.API_URL || 'http://127.0.0.1:3000').replace(/\/$/, '');
  const apiKey = process.env.API_KEY;
  if (!apiKey) {
    throw new Error('API_KEY is required');
  }
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

  // 1. Collect: page through the dead letters (newest first) and keep the matching ones.
  const chosen = [];
  let cursor;
  let seen = 0;
  do {
    const query = new URLSearchParams({ limit: '200' });
    if (opts.appId) {
      query.set('appId', opts.appId);
    }
    if (cursor) {
      query.set('cursor', cursor);
    }
    const res = await fetch(`${apiUrl}/v1/dead-letters?${query}`, { headers });
    if (res.status !== 200) {
      throw new Error(`GET /v1/dead-letters answered ${res.status}: ${await res.text()}`);
    }
    const page = await res.json();
    for (const record of page.items) {
      seen += 1;
      const errcode = record.lastError ? String(record.lastError.errcode) : 'none';
      if (opts.errcodes && !opts.errcodes.includes(errcode)) {
        continue;
      }
      if (opts.since && Date.parse(record.updatedAt) < opts.since.getTime()) {
        continue;
      }
      chosen.push({ id: record.id, appId: record.appId, errcode });
      if (chosen.length >= opts.max) {
        break;
      }
    }
    cursor = page.nextCursor;
    // Newest first: once a whole page is older than --since, nothing later can match.
    const oldest = page.items[page.items.length - 1];
    if (opts.since && oldest && Date.parse(oldest.updatedAt) < opts.since.getTime()) {
      cursor = null;
    }
  } while (cursor && chosen.length < opts.max);

  const byCode = new Map();
  for (const c of chosen) {
    const key = `${c.appId} errcode ${c.errcode}`;
    byCode.set(key, (byCode.get(key) || 0) + 1);
  }
  console.log(`${seen} dead letters read, ${chosen.length} match`);
  for (const [key, n] of byCode) {
    console.log(`  ${key}: ${n}`);
  }
  if (!opts.apply) {
    console.log('dry run: nothing redriven (add --apply)');
    return;
  }

  // 2. Redrive, paced.
  const counts = { redriven: 0, skipped: 0 };
  const gapMs = 1000 / opts.rate;
  const started = Date.now();
  for (let i = 0; i < chosen.length; i++) {
    const wait = started + i * gapMs - Date.now();
    if (wait > 0) {
      await sleep(wait);
    }
    const { id } = chosen[i];
    for (;;) {
      const res = await fetch(`${apiUrl}/v1/dead-letters/${id}/redrive`, {
        method: 'POST',
        headers,
      });
      await res.arrayBuffer();
      if (res.status === 202) {
        counts.redriven += 1;
      } else if (res.status === 409 || res.status === 404) {
        counts.skipped += 1; // no longer dead (redriven meanwhile) or expired
      } else if (res.status === 429 || res.status === 503) {
        await sleep(1000 * Number(res.headers.get('retry-after') || 1));
        continue;
      } else {
        throw new Error(
          `redrive of ${id} answered ${res.status}; stopped after ${counts.redriven} redriven`,
        );
      }
      break;
    }
  }
  console.log(`${counts.redriven} redriven, ${counts.skipped} skipped (no longer dead)`);
}

main().catch((err) => {
  console.error(`redrive-dead-letters: ${err.message}`);
  process.exit(1);
});
