import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/app-config';
import { EnvDto } from '../../src/config/env.dto';
import { openApiText } from '../../src/openapi/offline';

/**
 * The Kubernetes manifests in deploy/ checked against the service itself: probe paths must be
 * public GET routes of the OpenAPI document the app generates, ports must agree, the pod must
 * outlive the drain, the password file must be mounted where the config says, and the
 * ConfigMap may only hold variables the service reads (it ignores unknown ones silently, so a
 * typo there would never be noticed otherwise).
 */

const DEPLOY = join(__dirname, '..', '..', 'deploy');

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
  env?: { name: string; value?: string }[];
  resources?: { limits?: { memory?: string }; requests?: { cpu?: string } };
}
interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
}
interface Manifests {
  configMap: { metadata: { name: string }; data: Record<string, string> };
  deployment: {
    metadata: { name: string };
    spec: {
      template: {
        metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> };
        spec: {
          terminationGracePeriodSeconds?: number;
          containers: Container[];
          volumes?: Volume[];
        };
      };
    };
  };
  service: { spec: { ports: { port: number; targetPort: string | number }[] } };
  disruption: {
    spec: { maxUnavailable?: number; selector: { matchLabels: Record<string, string> } };
  };
  autoscaler: {
    spec: {
      scaleTargetRef: { kind: string; name: string };
      minReplicas?: number;
      metrics: { type: string; resource?: { name: string } }[];
    };
  };
}

/** The objects `kubectl apply -k deploy/` would send, read through the kustomization. */
function loadManifests(): Manifests {
  const kustomization = parse(readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  const objects = kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map(
      (d) => d.toJS() as { kind: string },
    ),
  );
  const one = <T>(kind: string): T => {
    const found = objects.filter((o) => o.kind === kind);
    if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
    return found[0] as T;
  };
  return {
    configMap: one('ConfigMap'),
    deployment: one('Deployment'),
    service: one('Service'),
    disruption: one('PodDisruptionBudget'),
    autoscaler: one('HorizontalPodAutoscaler'),
  };
}

/** The disruption budget and the autoscaler must act on the Deployment's own pods. */
function checkScaling(m: Manifests): string[] {
  const problems: string[] = [];
  const labels = m.deployment.spec.template.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(m.disruption.spec.selector.matchLabels)) {
    if (labels[k] !== v) problems.push(`the PodDisruptionBudget selects ${k}=${v}, no pod has it`);
  }
  const { scaleTargetRef: target, minReplicas = 1, metrics } = m.autoscaler.spec;
  if (target.kind !== 'Deployment' || target.name !== m.deployment.metadata.name) {
    problems.push(`the autoscaler scales ${target.kind} ${target.name}, not the Deployment`);
  }
  // With one replica, the budget's one unavailable pod (or a rollout) is every pod.
  if (minReplicas < 2) problems.push(`the autoscaler allows ${minReplicas} replica`);
  const onCpu = metrics.some((x) => x.type === 'Resource' && x.resource?.name === 'cpu');
  if (onCpu && !m.deployment.spec.template.spec.containers[0].resources?.requests?.cpu) {
    problems.push('the autoscaler scales on CPU, but the container requests no CPU');
  }
  return problems;
}

/** Every problem found, as a sentence; an empty list means the manifests fit the service. */
function check(m: Manifests, publicGets: string[]): string[] {
  const problems: string[] = checkScaling(m);
  const env = m.configMap.data;
  const pod = m.deployment.spec.template.spec;
  const [container] = pod.containers;

  const known = Object.keys(new EnvDto());
  for (const name of Object.keys(env)) {
    if (!known.includes(name)) problems.push(`ConfigMap sets ${name}, which the service ignores`);
  }
  try {
    loadConfig(env);
  } catch (e) {
    problems.push(`the service refuses the ConfigMap: ${(e as Error).message}`);
  }
  if (!container.envFrom?.some((s) => s.configMapRef?.name === m.configMap.metadata.name)) {
    problems.push(`the container does not read ConfigMap ${m.configMap.metadata.name}`);
  }

  const port = Number(env.PORT ?? new EnvDto().PORT);
  const resolve = (p: string | number): number | undefined =>
    typeof p === 'number' ? p : container.ports?.find((cp) => cp.name === p)?.containerPort;
  if (!container.ports?.some((cp) => cp.containerPort === port)) {
    problems.push(`no containerPort is the PORT ${port} the service listens on`);
  }
  for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
    const get = container[kind]?.httpGet;
    if (!get) {
      problems.push(`${kind} is missing or not an httpGet`);
      continue;
    }
    if (!publicGets.includes(get.path)) {
      problems.push(`${kind} path ${get.path} is not a public GET route`);
    }
    if (resolve(get.port) !== port) {
      problems.push(`${kind} port ${get.port} is not the service's PORT ${port}`);
    }
  }
  const scrape = m.deployment.spec.template.metadata?.annotations ?? {};
  if (scrape['prometheus.io/scrape'] === 'true') {
    const path = scrape['prometheus.io/path'] ?? '/metrics';
    if (!publicGets.includes(path)) problems.push(`scrape path ${path} is not a public GET route`);
    if (Number(scrape['prometheus.io/port']) !== port) {
      problems.push(
        `scrape port ${scrape['prometheus.io/port']} is not the service's PORT ${port}`,
      );
    }
  }
  for (const sp of m.service.spec.ports) {
    if (resolve(sp.targetPort) !== port) {
      problems.push(`Service targetPort ${sp.targetPort} is not the service's PORT ${port}`);
    }
  }

  const preStop = container.lifecycle?.preStop;
  const sleep =
    preStop?.sleep?.seconds ??
    (preStop?.exec?.command[0] === 'sleep' ? Number(preStop.exec.command[1]) : 0);
  const grace = Number(env.SHUTDOWN_GRACE_SECONDS ?? new EnvDto().SHUTDOWN_GRACE_SECONDS);
  const termination = pod.terminationGracePeriodSeconds ?? 30;
  if (!(termination > sleep + grace)) {
    problems.push(
      `terminationGracePeriodSeconds ${termination} is not above preStop ${sleep} s + SHUTDOWN_GRACE_SECONDS ${grace} s`,
    );
  }

  const file = env.AUTH_BASIC_PASSWORD_FILE;
  if (file !== undefined) {
    const mounted = (pod.volumes ?? [])
      .filter((v) => v.secret)
      .flatMap((v) =>
        (container.volumeMounts ?? [])
          .filter((vm) => vm.name === v.name)
          .flatMap((vm) =>
            vm.subPath !== undefined
              ? [vm.mountPath]
              : (v.secret?.items ?? []).map((i) => join(vm.mountPath, i.path)),
          ),
      );
    if (!mounted.includes(file)) {
      problems.push(
        `AUTH_BASIC_PASSWORD_FILE ${file} is not a file of a mounted Secret (${mounted.join(', ') || 'none'})`,
      );
    }
  }
  problems.push(...memoryProblems(env, container));
  return problems;
}

const UNITS: Record<string, number> = { Mi: 1, Gi: 1024, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 };

/** A Kubernetes memory quantity in MiB (the forms one writes for a pod: Mi, Gi, M, G). */
function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi|M|G)$/.exec(quantity);
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
}

/** The V8 old-space cap in a NODE_OPTIONS value, if any. */
function heapCapMb(nodeOptions: string | undefined): number | undefined {
  const m = /--max-old-space-size=(\d+)/.exec(nodeOptions ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * The memory limit, the budget the service admits streams against, and the heap cap agree:
 * the budget leaves a fifth of the limit as headroom (the budget is a measured estimate), and
 * the heap cap sits below the budget, since the budget must also hold the stream buffers.
 */
function memoryProblems(env: Record<string, string>, container: Container): string[] {
  const limit = mebibytes(container.resources?.limits?.memory ?? '');
  if (Number.isNaN(limit)) return ['the container has no memory limit in Mi or Gi'];
  const budget = Number(env.MEMORY_BUDGET_MB ?? new EnvDto().MEMORY_BUDGET_MB);
  const problems: string[] = [];
  if (budget > 0.8 * limit)
    problems.push(`MEMORY_BUDGET_MB ${budget} is above 80 % of the memory limit (${limit} MiB)`);
  const heap = heapCapMb(container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value);
  if (heap === undefined) problems.push('NODE_OPTIONS sets no --max-old-space-size');
  else if (heap >= budget)
    problems.push(`--max-old-space-size=${heap} is not below MEMORY_BUDGET_MB ${budget}`);
  return problems;
}

describe('deploy/ Kubernetes manifests', () => {
  let publicGets: string[];
  beforeAll(async () => {
    type Doc = { paths: Record<string, { get?: { security?: unknown[] } }> };
    const doc = JSON.parse(await openApiText()) as Doc;
    publicGets = Object.entries(doc.paths)
      .filter(([, item]) => item.get?.security?.length === 0)
      .map(([path]) => path);
  });

  it('finds the probe endpoints among the public GET routes', () => {
    expect(publicGets).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });

  it('fit the service', () => {
    expect(check(loadManifests(), publicGets)).toEqual([]);
  });

  // Each breakage below must be caught, or the check above proves nothing.
  const breakages: [string, (m: Manifests) => void, string][] = [
    [
      'a probe path that is no route',
      (m) =>
        (m.deployment.spec.template.spec.containers[0].readinessProbe!.httpGet!.path = '/healthz'),
      'readinessProbe path /healthz is not a public GET route',
    ],
    [
      'a probe on a route that needs credentials',
      (m) => (m.deployment.spec.template.spec.containers[0].livenessProbe!.httpGet!.path = '/me'),
      'livenessProbe path /me is not a public GET route',
    ],
    [
      'a scrape path that is no route',
      (m) => (m.deployment.spec.template.metadata!.annotations!['prometheus.io/path'] = '/prom'),
      'scrape path /prom is not a public GET route',
    ],
    [
      'a probe port that is not the container port',
      (m) => (m.deployment.spec.template.spec.containers[0].startupProbe!.httpGet!.port = 8080),
      'startupProbe port 8080',
    ],
    [
      'a PORT in the ConfigMap that the container does not expose',
      (m) => (m.configMap.data.PORT = '8080'),
      'no containerPort is the PORT 8080',
    ],
    [
      'a termination grace that ends before the drain',
      (m) => (m.deployment.spec.template.spec.terminationGracePeriodSeconds = 35),
      'terminationGracePeriodSeconds 35 is not above preStop 10 s + SHUTDOWN_GRACE_SECONDS 25 s',
    ],
    [
      'a drain longer than the termination grace',
      (m) => (m.configMap.data.SHUTDOWN_GRACE_SECONDS = '40'),
      'terminationGracePeriodSeconds 45 is not above preStop 10 s + SHUTDOWN_GRACE_SECONDS 40 s',
    ],
    [
      'a password file path where the Secret is not mounted',
      (m) => {
        const f = m.configMap.data.AUTH_BASIC_PASSWORD_FILE;
        m.configMap.data.AUTH_BASIC_PASSWORD_FILE = join(dirname(f), '..', basename(f));
      },
      'AUTH_BASIC_PASSWORD_FILE /etc/trino-stream/password.db is not a file of a mounted Secret',
    ],
    [
      'a misspelt variable',
      (m) => (m.configMap.data.TRINO_URI = 'http://trino:8080'),
      'ConfigMap sets TRINO_URI, which the service ignores',
    ],
    [
      'a budget the memory limit cannot hold',
      (m) => (m.configMap.data.MEMORY_BUDGET_MB = '1024'),
      'MEMORY_BUDGET_MB 1024 is above 80 % of the memory limit',
    ],
    [
      'a heap cap above the budget',
      (m) => {
        const [c] = m.deployment.spec.template.spec.containers;
        c.env = [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=2048' }];
      },
      '--max-old-space-size=2048 is not below MEMORY_BUDGET_MB',
    ],
    [
      'no memory limit',
      (m) => delete m.deployment.spec.template.spec.containers[0].resources,
      'the container has no memory limit',
    ],
    [
      'a disruption budget for other pods',
      (m) => (m.disruption.spec.selector.matchLabels = { app: 'trino-stream' }),
      'the PodDisruptionBudget selects app=trino-stream, no pod has it',
    ],
    [
      'an autoscaler for another Deployment',
      (m) => (m.autoscaler.spec.scaleTargetRef.name = 'trino'),
      'the autoscaler scales Deployment trino, not the Deployment',
    ],
    [
      'an autoscaler that may leave one replica',
      (m) => (m.autoscaler.spec.minReplicas = 1),
      'the autoscaler allows 1 replica',
    ],
    [
      'a CPU autoscaler without a CPU request',
      (m) => delete m.deployment.spec.template.spec.containers[0].resources!.requests,
      'the autoscaler scales on CPU, but the container requests no CPU',
    ],
    [
      'a value the service rejects',
      (m) => (m.configMap.data.SHUTDOWN_GRACE_SECONDS = 'soon'),
      'the service refuses the ConfigMap',
    ],
  ];
  it('set the node flags the Dockerfile sets (heap cap, collector)', () => {
    const [c] = loadManifests().deployment.spec.template.spec.containers;
    const dockerfile = readFileSync(join(DEPLOY, '..', 'Dockerfile'), 'utf8');
    const fromImage = /^ENV .*NODE_OPTIONS="([^"]*)"/m.exec(dockerfile)?.[1];
    expect(heapCapMb(fromImage)).toBeDefined();
    expect(c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(fromImage);
  });

  it.each(breakages)('catch %s', (_name, breakIt, expected) => {
    const m = loadManifests();
    breakIt(m);
    expect(check(m, publicGets).join('\n')).toContain(expected);
  });
});
