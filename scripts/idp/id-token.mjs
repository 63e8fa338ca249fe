#!/usr/bin/env node
// Usage: node scripts/idp/id-token.mjs USER PASSWORD
// Obtains a real ID token from the local dev IdP non-interactively by driving the
// authorization code flow (+PKCE S256) over HTTP, then prints ONLY the id_token.
// Env: IDP_ISSUER (default http://127.0.0.1:${IDP_PORT:-4455}), IDP_CLIENT_ID (default trino-stream-ui).
import { createHash, randomBytes } from 'node:crypto';

const [user, password] = process.argv.slice(2);
if (!user || password === undefined) {
  console.error('usage: id-token.mjs USER PASSWORD');
  process.exit(2);
}

const ISSUER = (
  process.env.IDP_ISSUER || `http://127.0.0.1:${process.env.IDP_PORT || '4455'}`
).replace(/\/$/, '');
const CLIENT_ID = process.env.IDP_CLIENT_ID || 'trino-stream-ui';
const REDIRECT_URI = process.env.IDP_REDIRECT_URI || `${ISSUER}/cb-noop`;

function fail(msg) {
  console.error(`id-token: ${msg}`);
  process.exit(1);
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

// Tiny cookie jar: name -> value (the IdP scopes cookies by path; sending all is fine here).
const jar = new Map();
function storeCookies(res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const i = pair.indexOf('=');
    if (i < 1) continue;
    const name = pair.slice(0, i).trim();
    const value = pair.slice(i + 1).trim();
    const expired =
      attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) ||
      attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
      value === '';
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
}
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function request(url, { method = 'GET', form } = {}) {
  const headers = { accept: 'text/html,application/json' };
  if (jar.size) headers.cookie = cookieHeader();
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, redirect: 'manual' });
  } catch (err) {
    fail(`cannot reach ${url}: ${err.cause?.code || err.message}`);
  }
  storeCookies(res);
  return res;
}

const discoveryRes = await request(`${ISSUER}/.well-known/openid-configuration`);
if (!discoveryRes.ok) fail(`discovery failed: HTTP ${discoveryRes.status}`);
const discovery = await discoveryRes.json();

const verifier = b64url(randomBytes(32));
const challenge = b64url(createHash('sha256').update(verifier).digest());
const state = b64url(randomBytes(16));
const nonce = b64url(randomBytes(16));

const authUrl = new URL(discovery.authorization_endpoint);
authUrl.search = new URLSearchParams({
  client_id: CLIENT_ID,
  response_type: 'code',
  redirect_uri: REDIRECT_URI,
  scope: 'openid profile email',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  state,
  nonce,
}).toString();

// Follow redirects by hand; submit the login form when the interaction asks for it.
let url = authUrl.href;
let res = await request(url);
let code;
let loggedIn = false;
for (let step = 0; step < 20; step += 1) {
  if (res.status >= 300 && res.status < 400) {
    const location = new URL(res.headers.get('location'), url);
    if (location.href.startsWith(REDIRECT_URI)) {
      const p = location.searchParams;
      if (p.get('error'))
        fail(`authorization error: ${p.get('error')}: ${p.get('error_description') || ''}`);
      if (p.get('state') !== state) fail('state mismatch in authorization response');
      code = p.get('code');
      break;
    }
    url = location.href;
    res = await request(url);
    continue;
  }
  const html = await res.text();
  const interaction = /^\/interaction\/([^/?#]+)$/.exec(new URL(url).pathname);
  if (res.status === 200 && interaction && /action="\/interaction\/[^"]+\/login"/.test(html)) {
    if (loggedIn) fail('login form shown again after login');
    url = `${new URL(url).origin}/interaction/${interaction[1]}/login`;
    res = await request(url, { method: 'POST', form: { login: user, password } });
    if (res.status === 401)
      fail(`login rejected for user "${user}" (invalid username or password)`);
    loggedIn = true;
    continue;
  }
  if (res.status === 200 && interaction && /action="\/interaction\/[^"]+\/confirm"/.test(html)) {
    url = `${new URL(url).origin}/interaction/${interaction[1]}/confirm`;
    res = await request(url, { method: 'POST', form: {} });
    continue;
  }
  fail(
    `unexpected response at ${url}: HTTP ${res.status}: ${html.slice(0, 300).replace(/\s+/g, ' ')}`,
  );
}
if (!code) fail('no authorization code received');

const tokenRes = await request(discovery.token_endpoint, {
  method: 'POST',
  form: {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    code_verifier: verifier,
  },
});
const tokenBody = await tokenRes.json().catch(() => ({}));
if (!tokenRes.ok || !tokenBody.id_token) {
  fail(`token request failed: HTTP ${tokenRes.status} ${JSON.stringify(tokenBody)}`);
}
const payload = JSON.parse(Buffer.from(tokenBody.id_token.split('.')[1], 'base64url').toString());
if (payload.nonce !== nonce) fail('nonce mismatch in id_token');
process.stdout.write(`${tokenBody.id_token}\n`);
