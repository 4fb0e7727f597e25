/**
 * No Docker engine runs here, so the deployment is checked by reading it: services, health
 * checks, ports and env wiring against the config schema, secrets only by reference. One-shot
 * jobs (schema, namespace) have no health check: what waits on them waits for their success.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configKeys, loadConfig } from '../../../src/config/schema';
import { JEMALLOC_PATHS, processAllocator } from '../../../src/local/worker-allocator';
import { workerNodeFlags } from '../../../src/bootstrap/memory-budget';

const root = path.resolve(__dirname, '..', '..', '..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  env_file?: string;
  ports?: string[];
  expose?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  volumes?: string[];
  restart?: string;
}
const jobs = ['temporal-schema', 'temporal-namespace'];
const cordonServices = ['cordon-api', 'cordon-worker'];
/** `${VAR:-default}` → default, `${VAR:?msg}` → a placeholder, as compose would with an .env. */
const resolve = (value: string | number) =>
  String(value).replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, _name, def) => def ?? 'from-env-file-value');

test('every service the deployment needs is there; each long-running one has a health check, each job runs once', () => {
  expect(Object.keys(compose.services).sort()).toEqual([
    'cordon-api',
    'cordon-worker',
    'postgresql',
    'temporal',
    'temporal-namespace',
    'temporal-schema',
    'temporal-ui',
  ]);
  for (const [name, service] of Object.entries(compose.services)) {
    if (jobs.includes(name)) expect([name, service.restart]).toEqual([name, 'no']);
    else expect([name, (service.healthcheck?.test?.length ?? 0) > 1]).toEqual([name, true]);
  }
});

test('start order follows health: schemas after PostgreSQL, Temporal after the schemas, Cordon after the namespace', () => {
  expect(compose.services['temporal-schema']!.depends_on?.postgresql?.condition).toBe('service_healthy');
  expect(compose.services.temporal!.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
  expect(compose.services['temporal-namespace']!.depends_on?.temporal?.condition).toBe('service_healthy');
  for (const name of cordonServices)
    expect(compose.services[name]!.depends_on?.['temporal-namespace']?.condition).toBe('service_completed_successfully');
  expect(compose.services['temporal-ui']!.depends_on?.temporal?.condition).toBe('service_healthy');
});

test('Cordon env wiring names only real settings and passes the config schema', () => {
  for (const name of cordonServices) {
    const env = compose.services[name]!.environment ?? {};
    const unknown = Object.keys(env).filter((k) => !(configKeys as string[]).includes(k));
    expect(unknown).toEqual([]);
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, resolve(v)]));
    expect(() => loadConfig(resolved)).not.toThrow();
    expect(resolved.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(compose.services[name]!.env_file).toBe('.env');
  }
});

test('the API publishes the port it listens on, and its health check asks that port', () => {
  const api = compose.services['cordon-api']!;
  const port = String(api.environment!.CORDON_API_PORT);
  expect(api.ports).toContain(`${port}:${port}`);
  expect(api.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${port}/readyz`);
  expect(compose.services.temporal!.ports).toContain('7233:7233');
  expect(compose.services['cordon-worker']!.healthcheck!.test.join(' ')).toContain(':9464/healthz');
});

test('two workers, one image, commands that exist in the build', () => {
  const worker = compose.services['cordon-worker']!;
  expect(worker.deploy?.replicas).toBe(2);
  expect(worker.image).toBe(compose.services['cordon-api']!.image);
  // The worker's command passes the Node flags the local worker processes run with (memory-budget.ts).
  expect(worker.command!.slice(0, -1)).toEqual(workerNodeFlags);
  for (const name of cordonServices) {
    const entry = compose.services[name]!.command!.at(-1)!;
    const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    expect(fs.existsSync(path.join(root, source))).toBe(true);
  }
});

test('secrets appear only as references to the env file, and PostgreSQL data is on a named volume', () => {
  for (const service of Object.values(compose.services)) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      if (/PASSWORD|PWD|TOKEN|SECRET|API_KEY/.test(key)) expect(String(value)).toMatch(/^\$\{\w+(:\?[^}]*)?\}$/);
    }
  }
  const volume = compose.services.postgresql!.volumes![0]!.split(':')[0]!;
  expect(Object.keys(compose.volumes)).toContain(volume);
});

test('the Dockerfile is multi-stage, bundles workflows at build time and runs as non-root', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
  expect(dockerfile).toMatch(/bundle-workflows\.ts dist\/workflow-bundle\.js/);
  expect(dockerfile).toMatch(/CORDON_WORKFLOW_BUNDLE=\/app\/dist\/workflow-bundle\.js/);
  expect(dockerfile).toMatch(/^USER node$/m);
  expect(fs.existsSync(path.join(root, 'src/bootstrap/bundle-workflows.ts'))).toBe(true);
});

test('the API and every worker share one evidence store (the same named volume at the configured folder)', () => {
  const mounts = cordonServices.map((name) => {
    const service = compose.services[name]!;
    const dir = resolve(service.environment?.CORDON_EVIDENCE_DIR ?? '');
    const mount = (service.volumes ?? []).find((v) => v.endsWith(`:${dir}`));
    return { store: resolve(service.environment?.CORDON_EVIDENCE_STORE ?? ''), dir, volume: mount?.split(':')[0] };
  });
  expect(mounts[0]!.dir).not.toBe('');
  expect(mounts[0]!.volume).toBeDefined();
  expect(Object.keys(compose.volumes)).toContain(mounts[0]!.volume);
  expect(mounts[1]).toEqual(mounts[0]);
});

test('the image preloads jemalloc as the local topology does where it is installed (the allocator the worker memory budget was measured with)', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
  const env = Object.fromEntries(
    [...runtime.matchAll(/^\s*(?:ENV\s+)?(MALLOC_\w+|LD_PRELOAD)=(\S+?)\s*\\?$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const imageLib = JEMALLOC_PATHS[0];
  expect(env).toEqual(processAllocator((p) => p === imageLib).env);
  // The image installs the library and links it where LD_PRELOAD points.
  expect(runtime).toMatch(/apt-get install[^\n]*libjemalloc2/);
  expect(runtime).toContain(`ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" ${imageLib}`);
});

test('history shards are sized for production and settable before the database is created (they cannot change after)', () => {
  const shards = compose.services.temporal!.environment!.NUM_HISTORY_SHARDS!;
  expect(String(shards)).toMatch(/^\$\{TEMPORAL_HISTORY_SHARDS:-\d+\}$/);
  expect(Number(resolve(shards))).toBeGreaterThanOrEqual(128);
});
