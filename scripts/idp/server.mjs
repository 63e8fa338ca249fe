#!/usr/bin/env node
// Local development OpenID Provider for trino-stream (demo + e2e tests only).
//
// Built on oidc-provider (https://github.com/panva/node-oidc-provider). It issues
// real, RS256-signed tokens from its real endpoints:
//   - ID tokens via the authorization code flow (+PKCE) for client `trino-stream-ui`
//     (users alice/alice-password, bob/bob-password; login handled by the minimal
//     interaction endpoints below, which check the password).
//   - JWT access tokens (RFC 9068, typ "at+jwt") via client_credentials for
//     `svc-reporting` (scope trino:query) and `svc-other` (scope trino:other),
//     audience `trino-stream-api`.
//
// Env: IDP_PORT (default 4455), IDP_BIND_HOST (default 127.0.0.1). Issuer: http://127.0.0.1:${IDP_PORT}
// Signing keys are generated once and persisted in <repo>/.run/idp/jwks.json.
//
// NOT FOR PRODUCTION: fixed cookie keys, plain http, in-memory storage, static secrets.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as querystring from 'node:querystring';
import { fileURLToPath } from 'node:url';

if (process.env.NODE_ENV === 'production') {
  // oidc-provider is stricter in production; this IdP is dev-only anyway.
  console.error('idp: refusing to run with NODE_ENV=production (dev-only identity provider)');
  process.exit(1);
}

const { default: Provider, errors } = await import('oidc-provider');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const RUN_DIR = path.join(REPO_ROOT, '.run', 'idp');
const JWKS_FILE = path.join(RUN_DIR, 'jwks.json');

const HOST = '127.0.0.1';
// The issuer stays 127.0.0.1 (clients on the host fetch tokens there); in a container the
// server must listen on every interface for a published port to reach it (docker-compose.yml).
const BIND_HOST = process.env.IDP_BIND_HOST || HOST;
const PORT = Number.parseInt(process.env.IDP_PORT || '4455', 10);
const ISSUER = `http://${HOST}:${PORT}`;

// Resource indicator (RFC 8707) of the trino-stream API. Must be an absolute URI;
// the `aud` claim of the access tokens is API_AUDIENCE.
const API_RESOURCE = 'urn:trino-stream:api';
const API_AUDIENCE = 'trino-stream-api';
const ACCESS_TOKEN_TTL = 3600;

// ---------------------------------------------------------------- accounts
const ACCOUNTS = {
  alice: { password: 'alice-password', name: 'Alice Example', email: 'alice@example.test' },
  bob: { password: 'bob-password', name: 'Bob Example', email: 'bob@example.test' },
};

function accountFor(id) {
  const a = Object.prototype.hasOwnProperty.call(ACCOUNTS, id) ? ACCOUNTS[id] : undefined;
  if (!a) return undefined;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        name: a.name,
        preferred_username: id,
        email: a.email,
        email_verified: true,
      };
    },
  };
}

// ----------------------------------------------------------------- clients
// Scopes each machine client may obtain for the API resource. When a
// client_credentials request carries no `scope`, all of them are granted
// (see defaultClientCredentialsScope below).
const API_SCOPES_BY_CLIENT = {
  'svc-reporting': 'trino:query',
  'svc-other': 'trino:other',
};

const CLIENTS = [
  {
    client_id: 'trino-stream-ui',
    client_name: 'trino-stream UI (first party)',
    token_endpoint_auth_method: 'none', // public client, PKCE (S256) required
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [`${ISSUER}/cb-noop`],
    scope: 'openid profile email',
  },
  {
    client_id: 'svc-reporting',
    client_secret: 'svc-reporting-secret',
    client_name: 'reporting service',
    token_endpoint_auth_method: 'client_secret_post', // client_secret_basic is accepted too
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: API_SCOPES_BY_CLIENT['svc-reporting'],
  },
  {
    client_id: 'svc-other',
    client_secret: 'svc-other-secret',
    client_name: 'other service (no trino:query)',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: API_SCOPES_BY_CLIENT['svc-other'],
  },
];
const FIRST_PARTY_CLIENTS = new Set(['trino-stream-ui']);

// -------------------------------------------------------------------- keys
function loadOrCreateJwks() {
  mkdirSync(RUN_DIR, { recursive: true });
  if (existsSync(JWKS_FILE)) {
    const jwks = JSON.parse(readFileSync(JWKS_FILE, 'utf8'));
    if (Array.isArray(jwks.keys) && jwks.keys.length > 0) return jwks;
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const jwks = { keys: [{ ...jwk, kid: `idp-${randomUUID()}`, use: 'sig', alg: 'RS256' }] };
  const tmp = `${JWKS_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(jwks, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, JWKS_FILE);
  console.log(
    `idp generated new signing key ${jwks.keys[0].kid} -> ${path.relative(REPO_ROOT, JWKS_FILE)}`,
  );
  return jwks;
}

// ---------------------------------------------------------------- provider
const provider = new Provider(ISSUER, {
  clients: CLIENTS,
  jwks: loadOrCreateJwks(),
  findAccount: async (ctx, sub) => accountFor(sub),
  responseTypes: ['code'],
  scopes: ['openid', 'offline_access', 'trino:query', 'trino:other'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  // Put the scope-requested claims (email, preferred_username, ...) into the ID token
  // itself, not only into the userinfo response.
  conformIdTokenClaims: false,
  cookies: {
    keys: ['trino-stream-dev-idp-cookie-key-1', 'trino-stream-dev-idp-cookie-key-2'],
  },
  pkce: { required: () => true },
  ttl: {
    AccessToken: ACCESS_TOKEN_TTL,
    ClientCredentials: ACCESS_TOKEN_TTL,
    IdToken: 3600,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 8 * 3600,
    Grant: 8 * 3600,
  },
  interactions: {
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  // First-party client: skip the consent screen by granting its registered scopes.
  async loadExistingGrant(ctx) {
    const { client, session, provider: p } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) return p.Grant.find(grantId);
    if (FIRST_PARTY_CLIENTS.has(client.clientId) && session.accountId) {
      const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(client.scope || 'openid');
      await grant.save();
      return grant;
    }
    return undefined;
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Machine clients get the API resource by default (no `resource` parameter needed);
      // the UI client gets none (its access token stays an opaque userinfo token).
      defaultResource: (ctx, client) =>
        API_SCOPES_BY_CLIENT[client.clientId] ? API_RESOURCE : undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator, client) => {
        if (resourceIndicator !== API_RESOURCE) {
          throw new errors.InvalidTarget(`unknown resource indicator, use ${API_RESOURCE}`);
        }
        return {
          scope: API_SCOPES_BY_CLIENT[client.clientId] || '',
          audience: API_AUDIENCE,
          accessTokenTTL: ACCESS_TOKEN_TTL,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  // Keep error pages terse (plain text) for scripts.
  async renderError(ctx, out) {
    ctx.type = 'text';
    ctx.body = `${out.error}: ${out.error_description || ''}\n`;
  },
});

// ------------------------------------------------------------- helpers
async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return querystring.parse(Buffer.concat(chunks).toString('utf8'));
}

const esc = (s) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) =>
      ({
        '&': '&amp;',
        '<': '&lt;',
        '>': '&gt;',
        '"': '&quot;',
        "'": '&#39;',
      })[c],
  );

function page(title, body) {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:28em;margin:3em auto">` +
    `<h1>${esc(title)}</h1>${body}</body></html>`
  );
}

function loginForm(uid, clientId, { error, login } = {}) {
  return page(
    'trino-stream dev IdP: sign in',
    `
<p>Client: <code>${esc(clientId)}</code></p>
${error ? `<p id="error" style="color:#b00">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
  <label>Username <input name="login" value="${esc(login)}" autofocus></label><br>
  <label>Password <input name="password" type="password"></label><br>
  <button type="submit">Sign in</button>
</form>
<p>Dev accounts: alice / alice-password, bob / bob-password</p>
<form method="post" action="/interaction/${esc(uid)}/abort"><button type="submit">Cancel</button></form>`,
  );
}

function consentForm(uid, clientId, details) {
  return page(
    'trino-stream dev IdP: authorize',
    `
<p>Client <code>${esc(clientId)}</code> requests: <code>${esc(JSON.stringify(details))}</code></p>
<form method="post" action="/interaction/${esc(uid)}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${esc(uid)}/abort"><button type="submit">Deny</button></form>`,
  );
}

async function finish(ctx, result, mergeWithLastSubmission) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission,
  });
  ctx.redirect(returnTo);
  ctx.status = 303;
}

// ------------------------------------------- interactions + helper routes
// Minimal login/consent handler (replaces oidc-provider's devInteractions, which
// accept any username without a password).
provider.use(async (ctx, next) => {
  const m = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/.exec(ctx.path);
  if (!m) return next();
  const [, , action] = m;
  ctx.set('cache-control', 'no-store');

  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    ctx.status = 400;
    ctx.type = 'text';
    ctx.body = `interaction not found or expired: ${err.message}\n`;
    return undefined;
  }
  const { uid, prompt, params, session, grantId } = details;
  if (uid !== m[1]) {
    ctx.status = 400;
    ctx.type = 'text';
    ctx.body = 'interaction uid mismatch\n';
    return undefined;
  }

  if (!action && ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body =
      prompt.name === 'login'
        ? loginForm(uid, params.client_id)
        : consentForm(uid, params.client_id, prompt.details);
    return undefined;
  }
  if (ctx.method !== 'POST' || !action) {
    ctx.status = 405;
    return undefined;
  }

  const form = await readForm(ctx.req);

  if (action === 'abort') {
    return finish(
      ctx,
      {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      },
      false,
    );
  }

  if (action === 'login') {
    if (prompt.name !== 'login') {
      ctx.status = 400;
      ctx.type = 'text';
      ctx.body = `unexpected prompt ${prompt.name}\n`;
      return undefined;
    }
    const login = String(form.login ?? '');
    const password = String(form.password ?? '');
    const account = Object.prototype.hasOwnProperty.call(ACCOUNTS, login)
      ? ACCOUNTS[login]
      : undefined;
    if (!account || account.password !== password) {
      ctx.status = 401;
      ctx.type = 'html';
      ctx.body = loginForm(uid, params.client_id, {
        error: 'Invalid username or password.',
        login,
      });
      return undefined;
    }
    return finish(ctx, { login: { accountId: login } }, false);
  }

  // action === 'confirm' (consent for non-first-party clients)
  if (prompt.name !== 'consent') {
    ctx.status = 400;
    ctx.type = 'text';
    ctx.body = `unexpected prompt ${prompt.name}\n`;
    return undefined;
  }
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const d = prompt.details;
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  if (d.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return finish(ctx, { consent: { grantId: await grant.save() } }, true);
});

// Redirect target of trino-stream-ui: just shows the code (scripts read the Location header).
provider.use(async (ctx, next) => {
  if (ctx.path !== '/cb-noop') return next();
  ctx.type = 'html';
  ctx.body = page(
    'authorization response',
    `<pre>${esc(JSON.stringify(ctx.query, null, 2))}</pre>`,
  );
  return undefined;
});

// client_credentials without `scope` => grant every API scope the client is allowed.
// oidc-provider itself only issues requested scopes (intersected with the resource
// server's scopes), so an omitted scope would yield a token with no scope at all.
provider.use(async (ctx, next) => {
  if (
    ctx.method === 'POST' &&
    ctx.path === '/token' &&
    ctx.is('application/x-www-form-urlencoded')
  ) {
    const form = await readForm(ctx.req);
    if (
      form.grant_type === 'client_credentials' &&
      (form.scope === undefined || form.scope === '')
    ) {
      let clientId = typeof form.client_id === 'string' ? form.client_id : undefined;
      const auth = ctx.get('authorization');
      if (!clientId && /^basic /i.test(auth)) {
        const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i > 0) clientId = decodeURIComponent(decoded.slice(0, i).replace(/\+/g, '%20'));
      }
      const scopes = clientId && API_SCOPES_BY_CLIENT[clientId];
      if (scopes) form.scope = scopes;
    }
    // The body stream is consumed; oidc-provider falls back to req.body.
    ctx.req.body = form;
  }
  return next();
});

provider.on('server_error', (ctx, err) => console.error('idp server_error', err));
provider.on('grant.error', (ctx, err) =>
  console.error(`idp grant.error ${err.message} ${err.error_description || ''}`),
);

const server = http.createServer(provider.callback());
server.on('error', (err) => {
  console.error(`idp cannot listen on ${BIND_HOST}:${PORT}: ${err.code || err.message}`);
  process.exit(1);
});
server.listen(PORT, BIND_HOST, () => {
  console.log(`idp ready ${ISSUER}`);
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`idp received ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
