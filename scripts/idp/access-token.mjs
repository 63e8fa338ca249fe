#!/usr/bin/env node
// Usage: node scripts/idp/access-token.mjs CLIENT_ID CLIENT_SECRET [SCOPE]
// client_credentials grant against the local dev IdP; prints ONLY the access_token (a JWT).
// Equivalent curl:
//   curl -s -X POST http://127.0.0.1:4455/token -H "Content-Type: application/x-www-form-urlencoded" \
//     -d grant_type=client_credentials -d client_id=svc-reporting -d client_secret=svc-reporting-secret
// Env: IDP_ISSUER (default http://127.0.0.1:${IDP_PORT:-4455}).
const [clientId, clientSecret, scope] = process.argv.slice(2);
if (!clientId || clientSecret === undefined) {
  console.error('usage: access-token.mjs CLIENT_ID CLIENT_SECRET [SCOPE]');
  process.exit(2);
}
const ISSUER = (
  process.env.IDP_ISSUER || `http://127.0.0.1:${process.env.IDP_PORT || '4455'}`
).replace(/\/$/, '');

function fail(msg) {
  console.error(`access-token: ${msg}`);
  process.exit(1);
}

try {
  const discovery = await (await fetch(`${ISSUER}/.well-known/openid-configuration`)).json();
  const form = {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  };
  if (scope) form.scope = scope;
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.access_token)
    fail(`token request failed: HTTP ${res.status} ${JSON.stringify(body)}`);
  process.stdout.write(`${body.access_token}\n`);
} catch (err) {
  fail(`cannot reach ${ISSUER}: ${err.cause?.code || err.message}`);
}
