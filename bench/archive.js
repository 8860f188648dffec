'use strict';
/**
 * `npm run bench:archive` (after `npm run build`): the delivery-history search (issue #20) over
 * a seeded archive in PostgreSQL. It makes a database of its own on BENCH_ARCHIVE_DATABASE_URL's
 * server, migrates it with the archive's own migrator, makes the month partitions through the
 * archive's writer, seeds BENCH_ARCHIVE_ROWS rows in the database (INSERT … SELECT over
 * generate_series, in chunks: 10 messages per user, 20 apps, 50 callers, 30 templates, a tenth
 * of each caller's messages per status bucket, a unique metadata.orderId each, over the last five months), VACUUM ANALYZEs, and then times searches through
 * ArchiveSearch (the code `GET /v1/messages` runs; API process and HTTP are not included):
 *   - by toUser (an operator: every caller), by metadata.orderId and by status + a week
 *     (one caller, as a caller's own search is scoped), and the newest page of one caller;
 * against the baseline of a plain primary-key read (`SELECT record … WHERE id = $1`, pg directly).
 * It prints p50/p99 per search and the p99 ratio of each to the baseline.
 *
 * Environment (all optional):
 *   BENCH_ARCHIVE_DATABASE_URL  server to use (default TEST_POSTGRES_URL or postgres://root@127.0.0.1:5432/postgres)
 *   BENCH_ARCHIVE_ROWS          rows to seed (default 10000000)
 *   BENCH_ARCHIVE_QUERIES       timed queries per search (default 300)
 *   BENCH_ARCHIVE_KEEP=<name>   keep (or reuse, when it exists) database <name> instead of a fresh one
 */

const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { ArchiveSearch, ArchiveWriter, openArchiveDatabase } = require('@wechat-dispatch/core');
const { fmt, ratio } = require('./lib/stats');

const SERVER =
  process.env.BENCH_ARCHIVE_DATABASE_URL ??
  process.env.TEST_POSTGRES_URL ??
  'postgres://root@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ARCHIVE_ROWS ?? 10_000_000);
const QUERIES = Number(process.env.BENCH_ARCHIVE_QUERIES ?? 300);
const KEEP = process.env.BENCH_ARCHIVE_KEEP;
const CHUNK = 500_000;
const DAY_MS = 86_400_000;
const SPAN_DAYS = 150;
const USERS = Math.max(1, Math.floor(ROWS / 10));

function urlOf(database) {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(text) {
  const client = new Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** One row per month of the span through the archive's writer: it makes the partitions. */
async function makePartitions(db, now) {
  const writer = new ArchiveWriter(db);
  const rows = [];
  for (let days = 0; days <= SPAN_DAYS + 31; days += 28) {
    const at = new Date(now - days * DAY_MS).toISOString();
    const record = { id: `mpartition${days}`, createdAt: at, updatedAt: at, history: [] };
    rows.push({
      id: record.id,
      created_at: at,
      updated_at: at,
      app_id: 'wxpartition',
      caller: 'partition',
      to_user: 'partition',
      template_id: 'partition',
      type: 'template',
      status: 'sent',
      errcode: null,
      metadata: null,
      record: JSON.stringify(record),
      change_ms: 0,
      change_seq: 0,
    });
  }
  await writer.write(rows);
}

/** Seeds rows [start, end) in one statement. */
function seedChunk(client, start, end, now) {
  return client.query(
    `INSERT INTO archived_messages
       (id, created_at, updated_at, app_id, caller, to_user, template_id, type, status, errcode, metadata, record, change_ms, change_seq)
     SELECT 'mbench' || i,
            to_timestamp(($3::bigint - (i::bigint * $4::bigint / $5::bigint)) / 1000.0),
            to_timestamp(($3::bigint - (i::bigint * $4::bigint / $5::bigint)) / 1000.0 + 2),
            'wxbench' || (i % 20), 'caller' || (i % 50), 'oBenchUser' || (i % $6::int), 'TPL' || (i % 30),
            'template',
            (ARRAY['sent','sent','sent','sent','delivered','delivered','undelivered','dead','expired','cancelled'])[1 + (i / 50) % 10],
            CASE WHEN (i / 50) % 10 = 7 THEN 43101 ELSE NULL END,
            jsonb_build_object('orderId', 'order-' || i),
            jsonb_build_object('id', 'mbench' || i, 'type', 'template', 'appId', 'wxbench' || (i % 20),
              'toUser', 'oBenchUser' || (i % $6::int), 'templateId', 'TPL' || (i % 30), 'status', 'sent',
              'attempts', 1, 'caller', 'caller' || (i % 50), 'traceId', 't' || i,
              'createdAt', to_char(to_timestamp(($3::bigint - (i::bigint * $4::bigint / $5::bigint)) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'updatedAt', to_char(to_timestamp(($3::bigint - (i::bigint * $4::bigint / $5::bigint)) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'metadata', jsonb_build_object('orderId', 'order-' || i), 'history', '[]'::jsonb),
            0, i
     FROM generate_series($1::int, $2::int - 1) AS i`,
    [start, end, now, SPAN_DAYS * DAY_MS, ROWS, USERS],
  );
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timed(label, run) {
  for (let i = 0; i < 20; i++) {
    await run(i);
  }
  const ms = [];
  for (let i = 0; i < QUERIES; i++) {
    const started = process.hrtime.bigint();
    await run(i + 20);
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { label, p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/** A deterministic spread of row numbers over the seeded range. */
const pick = (i) => (i * 7_919_993 + 12_345) % ROWS;

async function main() {
  const name = KEEP ?? `bench_archive_${randomBytes(4).toString('hex')}`;
  const exists = (await admin(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).rowCount > 0;
  if (!exists) {
    await admin(`CREATE DATABASE ${name}`);
  }
  const url = urlOf(name);
  const archive = await openArchiveDatabase({ databaseUrl: url });
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const seeded = Number(
      (await client.query('SELECT count(*) AS n FROM archived_messages')).rows[0].n,
    );
    const now = Date.now();
    if (seeded < ROWS) {
      await client.query('TRUNCATE archived_messages');
      await makePartitions(archive.db, now);
      const started = Date.now();
      for (let start = 0; start < ROWS; start += CHUNK) {
        await seedChunk(client, start, Math.min(ROWS, start + CHUNK), now);
        process.stdout.write(`\rseeded ${fmt(Math.min(ROWS, start + CHUNK))} / ${fmt(ROWS)} rows`);
      }
      // VACUUM as autovacuum would: it also merges the GIN index's pending list, which a bulk
      // load leaves long (a metadata search reads it whole until then).
      await client.query('VACUUM ANALYZE archived_messages');
      console.log(`\nseeded in ${fmt((Date.now() - started) / 1000, 1)} s`);
    } else {
      console.log(`reusing ${fmt(seeded)} rows in ${name}`);
    }

    const search = new ArchiveSearch(archive.db);
    const operator = {};
    const results = [
      await timed('plain query by id (baseline)', (i) =>
        client.query('SELECT record FROM archived_messages WHERE id = $1', [`mbench${pick(i)}`]),
      ),
      await timed('search by toUser (operator)', (i) =>
        search.search({ ...operator, toUser: `oBenchUser${pick(i) % USERS}` }, 50),
      ),
      await timed('search by metadata.orderId (one caller)', (i) =>
        search.search(
          { caller: `caller${pick(i) % 50}`, metadata: { orderId: `order-${pick(i)}` } },
          50,
        ),
      ),
      await timed('search by status + a week (one caller)', (i) => {
        const to = new Date(now - (pick(i) % (SPAN_DAYS - 7)) * DAY_MS);
        return search.search(
          {
            caller: `caller${i % 50}`,
            status: 'dead',
            from: new Date(to.getTime() - 7 * DAY_MS),
            to,
          },
          50,
        );
      }),
      await timed('newest page of one caller', (i) =>
        search.search({ caller: `caller${i % 50}` }, 50),
      ),
    ];
    const baseline = results[0].p99;
    console.log(`\narchive search over ${fmt(ROWS)} rows, ${QUERIES} queries each (ms)\n`);
    console.log('| query | p50 | p99 | p99 ÷ baseline p99 |');
    console.log('| --- | --- | --- | --- |');
    for (const r of results) {
      console.log(
        `| ${r.label} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${ratio(r.p99 / baseline, 1)} |`,
      );
    }
  } finally {
    await client.end();
    await archive.close();
    if (!KEEP) {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
