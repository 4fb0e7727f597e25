/**
 * The production topology as local processes (src/local/cluster.ts, what `npm run start:cluster`
 * runs): PostgreSQL, the four Temporal services, the API process and two worker processes, every
 * AWS call of Cordon's through a logging proxy in front of moto. In order, on one cluster:
 *  1. containment end to end through the API, with activities run by both workers (worker
 *     identities in each incident's history);
 *  2. kill -9 of one worker mid-runbook: the other finishes every runbook, and runs every activity
 *     started after the kill;
 *  3. kill -9 and restart of the history service mid-runbook: every runbook finishes once, no
 *     failed step, one successful DetachInstances and CreateSnapshots per instance (proxy log), at
 *     most one launch template version per incident;
 *  4. PostgreSQL stopped: /readyz and alerts answer 503 while it is down (each alert answered, none
 *     left hanging), 200 and 202 once it is back; every alert that got a 202 (before, during, after)
 *     is in its incident's history.
 * Deadlines are generous (2 cores, other suites running) and each names what it waited for.
 */
import { DescribeLaunchTemplateVersionsCommand, DescribeSnapshotsCommand, type LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import { Client, Connection } from '@temporalio/client';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeClusterLayout, startCluster, type LocalCluster } from '../../src/local/cluster';
import { bundleOnce } from '../../src/local/cordon-processes';
import { toolchainPaths } from '../../src/local/toolchain-paths';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { eventually } from '../helpers/stack';
import { activityStarts, getIncident, historyOf, payloadText, postAlert, readyz, runbookFinished, type ApiTarget } from './cluster-helpers';

const REGION = 'eu-west-1';
const FLEET = 12;
let dir: string;
let cluster: LocalCluster;
let proxy: FaultProxy;
let connection: Connection;
let client: Client;
let api: ApiTarget;
const used = new Set<string>();

/** The next demo instance no test has accused yet. */
function nextInstances(n: number): string[] {
  const free = cluster.fleet!.instanceIds.filter((id) => !used.has(id)).slice(0, n);
  if (free.length < n) throw new Error(`the demo fleet has ${free.length} unused instances, ${n} needed`);
  for (const id of free) used.add(id);
  return free;
}

async function openThroughApi(instanceIds: string[], label: string): Promise<string[]> {
  return Promise.all(
    instanceIds.map(async (id) => {
      const r = await postAlert(api, id, `${label}: outbound C2 from ${id}`);
      if (r.status !== 202) throw new Error(`POST /v1/alerts/generic for ${id} answered ${r.status}`);
      return r.body.accepted![0]!.incidentId;
    }),
  );
}

async function allFinished(ids: string[], timeoutMs: number, what: string) {
  return eventually(
    async () => {
      const snaps = await Promise.all(ids.map((id) => getIncident(api, id)));
      return snaps.every(runbookFinished) ? snaps.map((s) => s!) : undefined;
    },
    timeoutMs,
    what,
  );
}

/** Waits until some incident has a step done but its runbook not finished (the middle of a runbook). */
async function midRunbook(ids: string[]): Promise<void> {
  await eventually(
    async () => {
      const snaps = await Promise.all(ids.map((id) => getIncident(api, id)));
      return snaps.some((s) => s && s.steps.some((st) => st.status === 'done') && !runbookFinished(s));
    },
    90000,
    'an incident in the middle of its runbook',
  );
}

function expectCleanRunbooks(snaps: Awaited<ReturnType<typeof allFinished>>): void {
  for (const snap of snaps) {
    expect([snap.incidentId, snap.steps.filter((s) => s.status === 'failed').map((s) => `${s.name}: ${s.error}`)]).toEqual([
      snap.incidentId,
      [],
    ]);
    expect([snap.incidentId, snap.timeline.filter((t) => t.message.startsWith('runbook finished')).length]).toEqual([snap.incidentId, 1]);
    expect([snap.incidentId, snap.steps.find((s) => s.name === 'isolate')?.status]).toEqual([snap.incidentId, 'done']);
  }
}

const workerIdentity = (pid: number) => new RegExp(`^cordon-worker@.+:${pid}$`);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-cluster-'));
  const layout = await freeClusterLayout();
  // Cordon's AWS calls go through the logging proxy; moto itself listens where the layout says.
  proxy = await startFaultProxy(`http://127.0.0.1:${layout.moto}`);
  const token = crypto.randomBytes(24).toString('hex');
  cluster = await startCluster({
    dir,
    layout,
    region: REGION,
    workers: 2,
    bundle: await bundleOnce(dir),
    motoBinary: toolchainPaths().motoServer,
    cordonEnv: {
      CORDON_ADMIN_TOKEN: token,
      AWS_ENDPOINT_URL: proxy.endpoint,
      // Critical alerts from the generic source run the whole runbook unattended; the fleet guard is asked but never holds.
      CORDON_SOURCE_SEVERITY_CEILING: 'generic=none',
      CORDON_FLEET_MAX_CONCURRENT: '1000',
      CORDON_FLEET_MAX_PERCENT: '100',
      CORDON_FLEET_WINDOW_MINUTES: '0',
    },
    seedFleet: { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', size: FLEET },
  });
  api = { url: cluster.api.url, token };
  connection = await Connection.connect({ address: cluster.address });
  client = new Client({ connection });
}, 240000);

afterAll(async () => {
  await connection?.close();
  await cluster?.stop();
  await proxy?.close();
  if (!dir) return;
  // Every process's log, kept for a look after a failure (test-artifacts/ is git-ignored).
  const keep = path.resolve(__dirname, '..', '..', 'test-artifacts', 'cluster');
  fs.rmSync(keep, { recursive: true, force: true });
  fs.mkdirSync(keep, { recursive: true });
  for (const f of fs.readdirSync(dir).filter((name) => name.endsWith('.log'))) fs.copyFileSync(path.join(dir, f), path.join(keep, f));
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}, 120000);

test('containment end to end through the API, incidents spread over both worker processes', async () => {
  const ids = await openThroughApi(nextInstances(4), 'spread');
  expectCleanRunbooks(await allFinished(ids, 150000, 'four runbooks to finish on the cluster'));
  const identities = new Set((await Promise.all(ids.map((id) => historyOf(client, id)))).flatMap(activityStarts).map((s) => s.identity));
  for (const worker of cluster.workers) {
    expect([worker.pid, [...identities].some((i) => workerIdentity(worker.pid).test(i))]).toEqual([worker.pid, true]);
  }
}, 200000);

test('kill -9 of one worker mid-runbook: the other finishes every runbook', async () => {
  const [doomed, survivor] = cluster.workers as [(typeof cluster.workers)[0], (typeof cluster.workers)[0]];
  const ids = await openThroughApi(nextInstances(3), 'worker-kill');
  await midRunbook(ids);
  const killedAt = Date.now();
  await doomed.kill9();
  // Killed activities retry after their start-to-close timeout (60 s at most): deadline above that.
  const snaps = await allFinished(ids, 200000, 'runbooks to finish on the surviving worker');
  expectCleanRunbooks(snaps);
  const after = (await Promise.all(ids.map((id) => historyOf(client, id)))).flatMap(activityStarts).filter((s) => s.at > killedAt + 1000);
  expect(after.length).toBeGreaterThan(0);
  expect(after.filter((s) => !workerIdentity(survivor.pid).test(s.identity))).toEqual([]);
  await cluster.startWorker();
}, 260000);

test('kill -9 and restart of the history service mid-runbook: nothing lost, nothing doubled', async () => {
  const instances = nextInstances(3);
  const ids = await openThroughApi(instances, 'history-restart');
  await midRunbook(ids);
  await cluster.services.history.kill();
  await cluster.restartService('history');
  expectCleanRunbooks(await allFinished(ids, 200000, 'runbooks to finish after the history service restarted'));

  // Cordon's successful mutations per instance, from the proxy's log.
  const ok = (action: string) => proxy.log.filter((e) => e.action === action && e.status === 200);
  expect(instances.map((id) => [id, ok('DetachInstances').filter((e) => e.params['InstanceIds.member.1'] === id).length])).toEqual(
    instances.map((id) => [id, 1]),
  );
  expect(
    instances.map((id) => [id, ok('CreateSnapshots').filter((e) => e.params['InstanceSpecification.InstanceId'] === id).length]),
  ).toEqual(instances.map((id) => [id, 1]));
  const versions: LaunchTemplateVersion[] = [];
  for (let v = 1; v <= 2 + used.size + 3; v++) {
    const page = await cluster.aws.ec2
      .send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: cluster.fleet!.launchTemplateId, Versions: [String(v)] }))
      .catch(() => undefined);
    versions.push(...(page?.LaunchTemplateVersions ?? []));
  }
  for (const id of ids)
    expect([id, versions.filter((v) => v.VersionDescription?.startsWith(`cordon:${id} `)).length <= 1]).toEqual([id, true]);
  const snapshots = (await cluster.aws.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? [];
  const perVolume = new Map<string, number>();
  for (const s of snapshots) perVolume.set(s.VolumeId!, (perVolume.get(s.VolumeId!) ?? 0) + 1);
  expect([...perVolume.entries()].filter(([, c]) => c > 1)).toEqual([]);
}, 300000);

test('PostgreSQL restart: /readyz and alerts answer 503 at once while it is down, 200/202 after, and every accepted alert is in history', async () => {
  const targets = cluster.fleet!.instanceIds.filter((id) => used.has(id)).slice(0, 4);
  const accepted: { incidentId: string; marker: string }[] = [];
  const statuses: number[] = [];
  let n = 0;
  const send = async () => {
    const marker = `pg-restart-${++n}-${crypto.randomUUID()}`;
    // The API's calls to Temporal carry a 5 s deadline: an alert is answered (202 or 503) well within this
    // client's 20 s, where before the deadline it waited ~25 s for the client's retries to give up.
    const r = await postAlert(api, targets[n % targets.length]!, marker, 20000);
    statuses.push(r.status);
    if (r.status === 202) accepted.push({ incidentId: r.body.accepted![0]!.incidentId, marker });
    return r.status;
  };
  for (let i = 0; i < 3; i++) expect(await send()).toBe(202);
  expect(await readyz(api)).toBe(200);

  await cluster.stopPostgres();
  await eventually(async () => (await readyz(api)) === 503, 60000, '/readyz to answer 503 while PostgreSQL is down');
  await eventually(async () => (await send()) === 503, 60000, 'the API to answer 503 while PostgreSQL is down');
  expect(await send()).toBe(503);
  expect(await readyz(api)).toBe(503);
  await cluster.startPostgres();
  await eventually(async () => (await readyz(api)) === 200, 180000, '/readyz to answer 200 after PostgreSQL is back');
  await eventually(async () => (await send()) === 202, 180000, 'the API to accept alerts again after PostgreSQL is back');
  for (let i = 0; i < 3; i++) await send();
  process.stdout.write(`cluster pg-restart: ${statuses.length} alerts sent, answers ${statuses.join(' ')}\n`);
  // Every alert got an answer (none hung past the client's timeout, status 0), and only these two.
  expect(statuses.filter((s) => s !== 202 && s !== 503)).toEqual([]);

  for (const { incidentId, marker } of accepted) {
    await eventually(
      async () => payloadText(await historyOf(client, incidentId)).includes(marker),
      60000,
      `alert ${marker} in ${incidentId}'s history`,
    );
  }
  expect(accepted.length).toBeGreaterThanOrEqual(7);
}, 600000);
