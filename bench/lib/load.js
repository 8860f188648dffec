'use strict';
/**
 * Load generators, all against 127.0.0.1 and bounded in time or count: autocannon for
 * throughput (many connections), and a one-connection closed loop with microsecond timing for
 * caller latency (autocannon's histogram counts whole milliseconds, too coarse for a local POST).
 */

const http = require('node:http');
const autocannon = require('autocannon');

/**
 * Runs autocannon and returns `{ ok, rps, p50, p99, errors, seconds }`: `ok` counts 2xx answers,
 * `rps` is 2xx per second; anything else (non-2xx, errors, timeouts) is counted in `errors`.
 */
async function cannon({ url, method = 'POST', headers = {}, body, connections, duration, amount }) {
  const result = await autocannon({
    url,
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    connections,
    duration: amount ? undefined : duration,
    amount,
    timeout: 10,
  });
  const seconds = (new Date(result.finish) - new Date(result.start)) / 1000;
  return {
    ok: result['2xx'],
    rps: result['2xx'] / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    seconds,
  };
}

/** The q-quantile (0..1) of sorted numbers. */
function quantile(sorted, q) {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * One connection, one request at a time, for `durationMs`: returns p50/p99 in ms (microsecond
 * resolution) and the count. `check(status, text)` must accept every answer.
 */
async function closedLoop({ url, headers = {}, body, durationMs, check }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const payload = JSON.stringify(body);
  const once = () =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            let ok = false;
            try {
              ok = check(res.statusCode, text);
            } catch {
              // an answer check cannot read is a wrong answer
            }
            if (ok) {
              resolve(ms);
            } else {
              reject(new Error(`unexpected answer ${res.statusCode}: ${text.slice(0, 200)}`));
            }
          });
        },
      );
      req.setTimeout(10000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(payload);
    });
  const samples = [];
  const deadline = Date.now() + durationMs;
  try {
    // Two warm-up requests open the connection and warm the path; not counted.
    await once();
    await once();
    while (Date.now() < deadline) {
      samples.push(await once());
    }
  } finally {
    agent.destroy();
  }
  samples.sort((a, b) => a - b);
  return { count: samples.length, p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

module.exports = { cannon, closedLoop, quantile };
