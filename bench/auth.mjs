// Cost per request of each auth method with warm caches, against an unauthenticated route,
// in one run: `node bench/auth.mjs` (needs the provider and a built service; see usage).
// Each case: 16 keep-alive connections for DURATION_MS, after a warm-up; reports req/s and
// the mean latency, and the extra cost per request over GET /health.
import { execFileSync } from 'node:child_process';
import { Pool } from 'undici';

const BASE = process.env.SERVICE_URL ?? 'http://127.0.0.1:3200';
const IDP = process.env.IDP_ISSUER ?? 'http://127.0.0.1:4455';
const DURATION_MS = Number(process.env.DURATION_MS ?? 5000);
const CONNECTIONS = 16;

const idToken = execFileSync(process.execPath, [
  'scripts/idp/id-token.mjs',
  'alice',
  'alice-password',
])
  .toString()
  .trim();
const tokenRes = await fetch(`${IDP}/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials&client_id=svc-reporting&client_secret=svc-reporting-secret',
});
const accessToken = (await tokenRes.json()).access_token;

const CASES = [
  ['GET /health (no auth)', '/health', {}],
  [
    'GET /me basic',
    '/me',
    { authorization: `Basic ${Buffer.from('alice:alice-password').toString('base64')}` },
  ],
  ['GET /me idtoken', '/me', { idtoken: idToken }],
  ['GET /me bearer', '/me', { authorization: `Bearer ${accessToken}` }],
];

async function load(path, headers, ms) {
  const pool = new Pool(BASE, { connections: CONNECTIONS });
  let done = 0;
  let failed = 0;
  const end = Date.now() + ms;
  const worker = async () => {
    while (Date.now() < end) {
      const res = await pool.request({ path, method: 'GET', headers });
      await res.body.dump();
      if (res.statusCode === 200) done++;
      else failed++;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  return {
    rps: done / seconds,
    failed,
    meanMs: (seconds * 1000 * CONNECTIONS) / Math.max(done, 1),
  };
}

const rows = [];
for (const [name, path, headers] of CASES) {
  await load(path, headers, 1000); // warm caches and JIT
  rows.push([name, await load(path, headers, DURATION_MS)]);
}
const baseUs = 1e6 / rows[0][1].rps;
console.log(
  `| case | req/s | mean latency (ms, ${CONNECTIONS} conns) | µs per request | extra over /health |`,
);
console.log('|---|---|---|---|---|');
for (const [name, r] of rows) {
  const us = 1e6 / r.rps;
  console.log(
    `| ${name} | ${r.rps.toFixed(0)} | ${r.meanMs.toFixed(2)} | ${us.toFixed(0)} | ${(us - baseUs).toFixed(0)} µs${r.failed ? ` (${r.failed} non-200!)` : ''} |`,
  );
}
