import { join } from 'node:path';
import { ConfigError, loadConfig, streamsWithin } from './app-config';

/** A minimal valid environment: Basic auth is the only method enabled. */
const BASE: NodeJS.ProcessEnv = { AUTH_BASIC_PASSWORD_FILE: '/etc/trino-stream/passwords' };
const IDTOKEN = { AUTH_IDTOKEN_ISSUER: 'https://idp.example.com', AUTH_IDTOKEN_AUDIENCE: 'ui' };
const BEARER = { AUTH_BEARER_ISSUER: 'https://idp.example.com', AUTH_BEARER_AUDIENCE: 'api' };

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      trino: { url: 'http://127.0.0.1:8080', source: 'trino-stream' },
      auth: { basicPasswordFile: '/etc/trino-stream/passwords' },
      query: { sqlMaxBytes: 1048576, maxConcurrentPerUser: 10 },
      corsOrigins: [],
    });
    expect(config.trino.user).toBeUndefined();
    expect(config.trino.password).toBeUndefined();
    expect(config.trino.catalog).toBeUndefined();
    expect(config.trino.schema).toBeUndefined();
    expect(config.auth.idtoken).toBeUndefined();
    expect(config.auth.bearer).toBeUndefined();
    expect(config.auth.userMapping).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8081',
      HOST: '127.0.0.1',
      TRINO_URL: 'https://trino.internal:8443/',
      TRINO_USER: 'svc',
      TRINO_PASSWORD: 'secret',
      TRINO_CATALOG: 'tpch',
      TRINO_SCHEMA: 'tiny',
      TRINO_SOURCE: 'my-app',
      QUERY_SQL_MAX_BYTES: '2048',
      QUERY_MAX_CONCURRENT_PER_USER: '3',
      CORS_ORIGINS: 'https://a.example.com, https://b.example.com,,',
      ...BASE,
    });
    expect(config).toMatchObject({
      port: 8081,
      host: '127.0.0.1',
      trino: {
        url: 'https://trino.internal:8443',
        user: 'svc',
        password: 'secret',
        catalog: 'tpch',
        schema: 'tiny',
        source: 'my-app',
      },
      query: { sqlMaxBytes: 2048, maxConcurrentPerUser: 3 },
      corsOrigins: ['https://a.example.com', 'https://b.example.com'],
    });
  });

  it('ignores unknown variables', () => {
    expect(() => loadConfig({ ...BASE, PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '80.5' }],
    ['TRINO_URL', { TRINO_URL: 'not-a-url' }],
    ['TRINO_URL', { TRINO_URL: 'ftp://trino:8080' }],
    ['QUERY_MAX_CONCURRENT_PER_USER', { QUERY_MAX_CONCURRENT_PER_USER: '0' }],
    ['QUERY_MAX_CONCURRENT_PER_USER', { QUERY_MAX_CONCURRENT_PER_USER: 'ten' }],
    ['QUERY_SQL_MAX_BYTES', { QUERY_SQL_MAX_BYTES: '0' }],
    ['QUERY_SQL_MAX_BYTES', { QUERY_SQL_MAX_BYTES: '1e6' }],
    ['AUTH_IDTOKEN_AUDIENCE', { AUTH_IDTOKEN_ISSUER: 'https://idp.example.com' }],
    ['AUTH_BEARER_AUDIENCE', { AUTH_BEARER_ISSUER: 'https://idp.example.com' }],
    ['AUTH_IDTOKEN_ISSUER', { AUTH_IDTOKEN_ISSUER: 'not a url', AUTH_IDTOKEN_AUDIENCE: 'ui' }],
    ['AUTH_BEARER_JWKS_URI', { ...BEARER, AUTH_BEARER_JWKS_URI: 'nope' }],
    ['TRINO_PASSWORD', { TRINO_USER: 'svc' }],
    ['AUTH_USER_MAPPING_PATTERN', { AUTH_USER_MAPPING_PATTERN: '.*@example\\.com' }],
    ['AUTH_USER_MAPPING_PATTERN', { AUTH_USER_MAPPING_PATTERN: '(.*)@(example)\\.com' }],
    ['AUTH_USER_MAPPING_PATTERN', { AUTH_USER_MAPPING_PATTERN: '(unclosed' }],
    ['AUTH_USER_MAPPING_PATTERN', { AUTH_USER_MAPPING_PATTERN: '[a-' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'chatty' }],
    ['SHUTDOWN_GRACE_SECONDS', { SHUTDOWN_GRACE_SECONDS: 'soon' }],
  ] as [string, NodeJS.ProcessEnv][])('a bad value names %s: %j', (variable, env) => {
    const error = configError({ ...BASE, ...env });
    expect(error.message).toContain(variable);
  });

  it.each([
    '*',
    'https://ui.example.com/',
    'https://ui.example.com/app',
    'ui.example.com',
    'ftp://x.example.com',
  ])('CORS_ORIGINS refuses %s, which would never match an Origin header', (origin) => {
    const error = configError({ ...BASE, CORS_ORIGINS: `https://ok.example.com,${origin}` });
    expect(error.message).toContain('CORS_ORIGINS');
    expect(error.message).toContain(`"${origin}"`);
  });

  it('HTTP timeouts default to 10 s for the head and 30 s for the request, and can be set', () => {
    expect(loadConfig(BASE).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    expect(
      loadConfig({ ...BASE, HTTP_HEADERS_TIMEOUT_SECONDS: '2', HTTP_REQUEST_TIMEOUT_SECONDS: '5' })
        .http,
    ).toEqual({ headersTimeoutMs: 2000, requestTimeoutMs: 5000 });
  });

  it.each([
    ['HTTP_HEADERS_TIMEOUT_SECONDS', { HTTP_HEADERS_TIMEOUT_SECONDS: '0' }],
    ['HTTP_REQUEST_TIMEOUT_SECONDS', { HTTP_REQUEST_TIMEOUT_SECONDS: 'long' }],
    ['HTTP_HEADERS_TIMEOUT_SECONDS', { HTTP_HEADERS_TIMEOUT_SECONDS: '40' }],
  ] as [string, NodeJS.ProcessEnv][])('a bad timeout names %s: %j', (variable, env) => {
    expect(configError({ ...BASE, ...env }).message).toContain(variable);
  });

  it('failed-login limits default to 10 per user and address, 100 per user, 30 per address', () => {
    expect(loadConfig(BASE).auth.failedLogins).toEqual({
      perUserAddress: 10,
      perUser: 100,
      perAddress: 30,
    });
    expect(loadConfig(BASE).trustProxyHops).toBe(0);
    const set = loadConfig({
      ...BASE,
      AUTH_FAILED_LOGINS_PER_USER_ADDRESS: '5',
      AUTH_FAILED_LOGINS_PER_USER: '50',
      AUTH_FAILED_LOGINS_PER_ADDRESS: '20',
      TRUST_PROXY_HOPS: '2',
    });
    expect(set.auth.failedLogins).toEqual({ perUserAddress: 5, perUser: 50, perAddress: 20 });
    expect(set.trustProxyHops).toBe(2);
  });

  it.each([
    ['AUTH_FAILED_LOGINS_PER_USER', { AUTH_FAILED_LOGINS_PER_USER: '10' }],
    ['AUTH_FAILED_LOGINS_PER_USER', { AUTH_FAILED_LOGINS_PER_USER_ADDRESS: '200' }],
    ['AUTH_FAILED_LOGINS_PER_ADDRESS', { AUTH_FAILED_LOGINS_PER_ADDRESS: '0' }],
    ['TRUST_PROXY_HOPS', { TRUST_PROXY_HOPS: '-1' }],
    ['TRUST_PROXY_HOPS', { TRUST_PROXY_HOPS: 'true' }],
  ] as [string, NodeJS.ProcessEnv][])('a bad login limit names %s: %j', (variable, env) => {
    expect(configError({ ...BASE, ...env }).message).toContain(variable);
  });

  it('QUERY_SESSION_PROPERTIES_ALLOWED lists system and catalog properties, none by default', () => {
    expect(loadConfig(BASE).query.sessionPropertiesAllowed).toEqual([]);
    const env = { ...BASE, QUERY_SESSION_PROPERTIES_ALLOWED: ' query_max_stage_count, tpch.x ,' };
    expect(loadConfig(env).query.sessionPropertiesAllowed).toEqual([
      'query_max_stage_count',
      'tpch.x',
    ]);
  });

  it.each([
    ['a name Trino cannot have', 'query max', /not a Trino session property name: query max/],
    [
      'a time limit callers could raise',
      'join_distribution_type,query_max_run_time',
      /raise the cluster's time limit/,
    ],
    ['the execution-time limit', 'query_max_execution_time', /raise the cluster's time limit/],
  ])('QUERY_SESSION_PROPERTIES_ALLOWED refuses %s', (_label, list, message) => {
    expect(configError({ ...BASE, QUERY_SESSION_PROPERTIES_ALLOWED: list }).message).toMatch(
      message,
    );
  });

  it('names every bad variable at once', () => {
    const error = configError({ ...BASE, PORT: 'abc', TRINO_URL: 'nope' });
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('TRINO_URL');
  });

  it.each([
    ['nothing set', {}],
    ['issuer without audience is not a method', { AUTH_IDTOKEN_AUDIENCE: 'ui' }],
    ['empty password file', { AUTH_BASIC_PASSWORD_FILE: '' }],
  ] as [string, NodeJS.ProcessEnv][])('refuses to start with no auth method (%s)', (_name, env) => {
    const error = configError(env);
    expect(error.message).toContain('AUTH_BASIC_PASSWORD_FILE');
    expect(error.message).toContain('AUTH_IDTOKEN_ISSUER');
    expect(error.message).toContain('AUTH_BEARER_ISSUER');
  });

  it.each([
    ['Basic', BASE],
    ['idtoken', IDTOKEN],
    ['Bearer', BEARER],
  ] as [string, NodeJS.ProcessEnv][])('%s alone is enough', (_name, env) => {
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('builds the idtoken config with the default user claim', () => {
    expect(loadConfig(IDTOKEN).auth.idtoken).toEqual({
      issuer: 'https://idp.example.com',
      audience: 'ui',
      jwksUri: undefined,
      userClaim: 'sub',
      requiredScopes: [],
    });
  });

  it('builds the Bearer config with JWKS URI, claim and scopes', () => {
    const config = loadConfig({
      ...BEARER,
      AUTH_BEARER_JWKS_URI: 'https://idp.example.com/jwks',
      AUTH_BEARER_USER_CLAIM: 'client_id',
      AUTH_BEARER_REQUIRED_SCOPES: 'trino:query  trino:read ',
    });
    expect(config.auth.bearer).toEqual({
      issuer: 'https://idp.example.com',
      audience: 'api',
      jwksUri: 'https://idp.example.com/jwks',
      userClaim: 'client_id',
      requiredScopes: ['trino:query', 'trino:read'],
    });
  });

  it.each([
    ['unset', undefined, []],
    ['one scope', 'query', ['query']],
    ['two scopes', 'a b', ['a', 'b']],
    ['extra spaces', '  a   b  ', ['a', 'b']],
  ])('AUTH_BEARER_REQUIRED_SCOPES %s', (_name, scopes, expected) => {
    const config = loadConfig({ ...BEARER, AUTH_BEARER_REQUIRED_SCOPES: scopes });
    expect(config.auth.bearer?.requiredScopes).toEqual(expected);
  });

  it.each([
    ['PORT', 'port', 3000],
    ['HOST', 'host', '0.0.0.0'],
  ] as const)('empty %s is treated as unset', (variable, key, expected) => {
    expect(loadConfig({ ...BASE, [variable]: '' })[key]).toBe(expected);
  });

  it('treats empty strings as unset everywhere', () => {
    const config = loadConfig({
      ...BASE,
      TRINO_URL: '',
      TRINO_USER: '',
      TRINO_PASSWORD: '',
      TRINO_SOURCE: '',
      QUERY_SQL_MAX_BYTES: '',
      QUERY_MAX_CONCURRENT_PER_USER: '',
      AUTH_IDTOKEN_ISSUER: '',
      AUTH_BEARER_ISSUER: '',
      AUTH_USER_MAPPING_PATTERN: '',
      CORS_ORIGINS: '',
    });
    expect(config.trino).toMatchObject({ url: 'http://127.0.0.1:8080', source: 'trino-stream' });
    expect(config.trino.user).toBeUndefined();
    expect(config.query).toEqual({
      sqlMaxBytes: 1048576,
      maxConcurrentPerUser: 10,
      maxConcurrent: streamsWithin(448),
      keepAliveMs: 15000,
      sessionPropertiesAllowed: [],
    });
    expect(config.auth.idtoken).toBeUndefined();
    expect(config.auth.bearer).toBeUndefined();
    expect(config.auth.userMapping).toBeUndefined();
  });

  it('an empty TRINO_PASSWORD with TRINO_USER set is still missing', () => {
    expect(configError({ ...BASE, TRINO_USER: 'svc', TRINO_PASSWORD: '' }).message).toContain(
      'TRINO_PASSWORD',
    );
  });

  it.each([
    ['(.*)@example\\.com', 'alice@example.com', 'alice'],
    ['^([^@]+)', 'bob@corp', 'bob'],
    ['(?<user>[a-z]+)', 'carol', 'carol'],
    ['(?:svc-)?([a-z]+)', 'svc-dave', 'dave'],
  ])('accepts mapping pattern %s with exactly one group', (pattern, principal, user) => {
    const re = loadConfig({ ...BASE, AUTH_USER_MAPPING_PATTERN: pattern }).auth.userMapping;
    expect(re).toBeInstanceOf(RegExp);
    expect(re!.exec(principal)?.[1]).toBe(user);
  });

  it.each([
    ['zero groups', '.*', 'exactly one capture group'],
    ['only a non-capturing group', '(?:a)', 'exactly one capture group'],
    ['two groups', '(a)(b)', 'exactly one capture group'],
    ['nested groups', '((a))', 'exactly one capture group'],
    ['invalid regex', '(', 'not a valid regular expression'],
  ])('rejects a mapping pattern with %s', (_name, pattern, text) => {
    const error = configError({ ...BASE, AUTH_USER_MAPPING_PATTERN: pattern });
    expect(error.message).toContain('AUTH_USER_MAPPING_PATTERN');
    expect(error.message).toContain(text);
  });

  describe('TRINO_TLS_CA_FILE', () => {
    const CA = join(__dirname, '..', '..', 'test', 'fixtures', 'untrusted-ca.pem');
    const HTTPS = { ...BASE, TRINO_URL: 'https://127.0.0.1:8443' };

    it('reads the PEM once at boot', () => {
      const config = loadConfig({ ...HTTPS, TRINO_TLS_CA_FILE: CA });
      expect(config.trino.tlsCa).toMatch(/^-----BEGIN CERTIFICATE-----/);
    });

    it('is unset by default: the system CAs apply', () => {
      expect(loadConfig(HTTPS).trino.tlsCa).toBeUndefined();
    });

    it.each([
      ['a missing file', '/nonexistent/ca.pem', 'cannot read /nonexistent/ca.pem (ENOENT)'],
      ['a directory', __dirname, '(EISDIR)'],
      ['a file without a certificate', __filename, 'holds no valid PEM certificate'],
    ])('stops the service on %s, naming the variable', (_name, file, text) => {
      const error = configError({ ...HTTPS, TRINO_TLS_CA_FILE: file });
      expect(error.message).toMatch(/^TRINO_TLS_CA_FILE: /);
      expect(error.message).toContain(text);
    });

    it('is refused with a plain http TRINO_URL, where it would silently do nothing', () => {
      const error = configError({ ...BASE, TRINO_TLS_CA_FILE: CA });
      expect(error.message).toContain('TRINO_TLS_CA_FILE is set but TRINO_URL is not an https://');
    });
  });
});

describe('the replica stream cap', () => {
  it.each([
    [{}, 84],
    [{ MEMORY_BUDGET_MB: '768' }, 164],
    [{ MEMORY_BUDGET_MB: '200' }, 22],
    [{ MEMORY_BUDGET_MB: '768', QUERY_MAX_CONCURRENT: '7' }, 7],
  ])('%j admits %i streams', (env, expected) => {
    expect(loadConfig({ ...BASE, ...env }).query.maxConcurrent).toBe(expected);
  });

  it('fits more streams in a larger budget, and at least one in the smallest', () => {
    expect(streamsWithin(1536)).toBeGreaterThan(streamsWithin(768));
    expect(streamsWithin(64)).toBe(1);
  });

  it.each([
    ['MEMORY_BUDGET_MB', '10'],
    ['QUERY_MAX_CONCURRENT', '0'],
    ['QUERY_MAX_CONCURRENT', 'x'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ ...BASE, [name]: value })).toThrow(name);
  });
});
