/**
 * Evidence that holds up, end to end (worker → fault proxy (recording only) → moto; API in
 * process; evidence in the stack's write-once folder):
 * - run-time order seen from AWS's side: the proxy's request log shows CreateSnapshots before the
 *   ModifyNetworkInterfaceAttribute that isolates;
 * - every manifest and audit head Cordon wrote is anchored in the incident's history, readable by
 *   the API; verify through the API checks the chains against them, records custody under the
 *   token's operator and anchors that entry too; an auditor verifies, other roles are refused;
 * - the attacks of issue 14, through the API's verify route: bytes planted before capture (at the
 *   content address and at the old predictable name), the manifest cut short with its objects, the
 *   audit trail rewritten with fresh hashes, an object deleted — each named, a clean incident intact;
 * - export through the API and the CLI (an API client): the archive's sha256 matches, and the
 *   unpacked case verifies offline with its own scripts in an empty environment.
 * (A new S3 version on top: test/integration/evidence-s3.test.ts, through the same route.)
 */
import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { artifactKey, readAudit, readManifest, type ArtifactEntry } from '../../src/evidence';
import { entryHash, GENESIS_HASH, sha256Hex } from '../../src/evidence/hashing';
import type { VerifyReport } from '../../src/evidence/verify';
import { incidentIdFor } from '../../src/temporal/incident-id';
import type { DemoFleet } from '../../src/local/demo-fleet';
import type { EvidenceHeads } from '../../workflows/definitions';
import { autoPolicy, freshFleet, openIncident, runbookFinished, settled } from '../helpers/containment';
import { runCordon } from '../helpers/cli';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { ACCOUNT, eventually, REGION, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let proxy: FaultProxy;
let fleet: DemoFleet;
let baseUrl: string;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-custody-'));

beforeAll(async () => {
  stack = await startStack({ workerAwsEndpoint: async (moto) => (proxy = await startFaultProxy(moto)).endpoint });
  baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
});
beforeEach(async () => {
  fleet = await freshFleet(stack);
});
afterAll(async () => {
  await stack?.teardown();
  await proxy?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const auth = (who: string) => ({ authorization: `Bearer ${stack.tokens[who]}` });
const verify = async (incidentId: string, who = 'audrey') => {
  const res = await stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${incidentId}/evidence/verify`,
    headers: auth(who),
    payload: {},
  });
  return { status: res.statusCode, report: res.json<VerifyReport & { custodySeq: number; custodyAnchored: boolean }>() };
};
const heads = async (incidentId: string) =>
  (await stack.api.inject({ method: 'GET', url: `/v1/incidents/${incidentId}/evidence`, headers: auth('audrey') })).json<{
    anchors: EvidenceHeads;
  }>().anchors;
const incidentDir = (incidentId: string) => path.join(stack.evidence.location, 'incidents', incidentId);
const forceWrite = (file: string, data: string) => {
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, data);
  fs.chmodSync(file, 0o444);
};

test('CreateSnapshots reaches AWS before the ModifyNetworkInterfaceAttribute that isolates', async () => {
  const from = proxy.log.length;
  const incidentId = await openIncident(stack, fleet.instanceIds[0]!, autoPolicy);
  const snap = await settled(stack, incidentId, runbookFinished);
  const actions = proxy.log.slice(from).map((l) => l.action);
  const snapshot = actions.indexOf('CreateSnapshots');
  const isolate = actions.indexOf('ModifyNetworkInterfaceAttribute');
  expect(snapshot).toBeGreaterThanOrEqual(0);
  expect(isolate).toBeGreaterThanOrEqual(0);
  expect(snapshot).toBeLessThan(isolate);
  // Inside the chain, right after evidence protection: after its ModifyInstanceAttribute calls, before the next step's
  // SetInstanceProtection. (Scheduled beside the chain as a regular activity, it raced isolation after DetachInstances.)
  expect(snapshot).toBeGreaterThan(actions.indexOf('ModifyInstanceAttribute'));
  expect(snapshot).toBeLessThan(actions.indexOf('SetInstanceProtection'));
  expect(snapshot).toBeLessThan(actions.indexOf('DetachInstances'));
  // Issued once (the half beside the chain finds them and only waits for completion).
  expect(actions.filter((a) => a === 'CreateSnapshots' || a === 'CreateSnapshot')).toEqual(['CreateSnapshots']);
  expect(
    snap.timeline.some(
      (t) => t.step === 'snapshot-volumes' && /^snapshots started before isolation via CreateSnapshots: snap-/.test(t.message),
    ),
  ).toBe(true);
  expect(snap.steps.find((s) => s.name === 'snapshot-volumes')!.detail).toMatch(/issued before isolation at /);
});

test('heads are anchored in history; verify through the API checks them, records the caller, anchors its own entry; roles are enforced', async () => {
  const incidentId = await openIncident(stack, fleet.instanceIds[1]!, autoPolicy);
  await settled(stack, incidentId, runbookFinished);
  const manifest = await readManifest(stack.evidence, incidentId);
  // Every artifact entry a workflow activity wrote is anchored; the audit head of the latest flush too.
  const anchored = await eventually(
    async () => {
      const a = await heads(incidentId);
      const audit = await readAudit(stack.evidence, incidentId);
      return a.audit.some((h) => h.seq === audit.at(-1)!.seq && h.hash === audit.at(-1)!.hash) ? a : undefined;
    },
    30000,
    'the audit head anchored',
  );
  for (const e of manifest.filter((x): x is ArtifactEntry => x.kind === 'artifact' && !x.name.startsWith('alerts/raw/'))) {
    expect(anchored.manifest).toContainEqual(expect.objectContaining({ seq: e.seq, hash: e.hash }));
  }

  const { status, report } = await verify(incidentId, 'audrey');
  expect(status).toBe(200);
  expect(report).toMatchObject({
    ok: true,
    anchors: { checked: true, manifest: { matched: true }, audit: { matched: true } },
    custodyAnchored: true,
  });
  const custody = (await readManifest(stack.evidence, incidentId)).at(-1)!;
  expect(custody).toMatchObject({
    kind: 'custody',
    action: 'access',
    by: 'audrey',
    seq: report.custodySeq,
    detail: { via: 'api', roles: ['auditor'] },
  });
  await eventually(
    async () => ((await heads(incidentId)).manifest.some((h) => h.seq === custody.seq && h.hash === custody.hash) ? true : undefined),
    10000,
    'the custody head anchored',
  );
  expect((await verify(incidentId, 'bob')).status).toBe(403);
  expect((await verify(incidentId, 'sensor')).status).toBe(403);
});

test('each attack is named by the API verify route; a clean incident stays intact', async () => {
  const [clean, victim] = [fleet.instanceIds[0]!, fleet.instanceIds[1]!];
  const victimId = incidentIdFor({ account: ACCOUNT, region: REGION, instanceId: victim });
  // Planted before capture: forged bytes where the (deterministic, in moto) console output will be addressed, and at the old predictable name.
  const consoleText = Buffer.from(
    (await stack.aws.ec2.send(new GetConsoleOutputCommand({ InstanceId: victim, Latest: true }))).Output!,
    'base64',
  );
  const plantedAddress = path.join(incidentDir(victimId), 'objects', sha256Hex(consoleText));
  fs.mkdirSync(path.dirname(plantedAddress), { recursive: true });
  fs.writeFileSync(plantedAddress, 'forged console output\n');
  fs.mkdirSync(path.join(incidentDir(victimId), 'artifacts'), { recursive: true });
  fs.writeFileSync(path.join(incidentDir(victimId), 'artifacts', `console-output-${victim}.txt`), 'forged console output\n');

  const [cleanId] = await Promise.all([openIncident(stack, clean, autoPolicy), openIncident(stack, victim, autoPolicy)]);
  await Promise.all([settled(stack, cleanId, runbookFinished), settled(stack, victimId, runbookFinished)]);
  await stack.incidents.close(victimId, { name: 'alice', roles: ['responder'] }, 'evidence secured');
  await stack.client.workflow.getHandle(victimId).result();

  // The planted bytes were not adopted: the console artifact holds what AWS returned.
  const entries = await readManifest(stack.evidence, victimId);
  const consoleEntry = entries.find((e): e is ArtifactEntry => e.kind === 'artifact' && e.name === `console-output-${victim}.txt`)!;
  expect(fs.readFileSync(path.join(stack.evidence.location, artifactKey(victimId, consoleEntry)))).toEqual(consoleText);

  // The manifest cut short: its last two entries and the objects they name deleted.
  const manifestDir = path.join(incidentDir(victimId), 'manifest');
  const files = fs.readdirSync(manifestDir).sort();
  const cutSeqs = files.slice(-2).map((f) => Number(f.slice(0, 8)));
  for (const f of files.slice(-2)) {
    const e = JSON.parse(fs.readFileSync(path.join(manifestDir, f), 'utf8')) as ArtifactEntry;
    if (e.kind === 'artifact' && e.key && e.key !== consoleEntry.key) fs.rmSync(path.join(stack.evidence.location, e.key), { force: true });
    fs.rmSync(path.join(manifestDir, f));
  }
  // The audit trail rewritten with fresh hashes (a different approver, every link recomputed).
  const auditDir = path.join(incidentDir(victimId), 'audit');
  let prev = GENESIS_HASH;
  for (const f of fs.readdirSync(auditDir).sort()) {
    const { hash: _old, ...entry } = JSON.parse(fs.readFileSync(path.join(auditDir, f), 'utf8')) as Record<string, unknown>;
    const forged: Record<string, unknown> = { ...entry, prevHash: prev, ...(entry.seq === 2 ? { message: 'rewritten' } : {}) };
    forged.hash = entryHash(forged);
    forceWrite(path.join(auditDir, f), `${JSON.stringify(forged)}\n`);
    prev = forged.hash as string;
  }
  // An object deleted (one whose entry the cut left in place).
  const deleted = entries.find((e): e is ArtifactEntry => e.kind === 'artifact' && !cutSeqs.includes(e.seq) && e.key !== consoleEntry.key)!;
  fs.rmSync(path.join(stack.evidence.location, artifactKey(victimId, deleted)));

  const { status, report } = await verify(victimId);
  expect(status).toBe(200);
  expect(report.ok).toBe(false);
  const named = report.problems.map((p) => `${p.check}:${p.file}:${p.artifact ?? p.key}`);
  expect(named).toEqual(
    expect.arrayContaining([
      `unlisted:artifact:${path.relative(stack.evidence.location, plantedAddress)}`,
      `unlisted:artifact:incidents/${victimId}/artifacts/console-output-${victim}.txt`,
      `missing:artifact:${deleted.name}`,
      expect.stringMatching(/^truncated:manifest:/),
      expect.stringMatching(/^anchor:audit:/),
    ]),
  );
  expect(report.problems.find((p) => p.check === 'truncated')!.message).toMatch(/the chain was cut after seq \d+/);
  expect(report.problems.find((p) => p.check === 'anchor')!.message).toMatch(
    /audit seq \d+ has hash .* but the incident's history anchored .* rewritten/,
  );

  const intact = await verify(cleanId);
  expect(intact.report).toMatchObject({ ok: true, problems: [], anchors: { checked: true } });
});

test('export through the API and the CLI: the archive matches its sha256 and verifies offline with its own scripts', async () => {
  const incidentId = await openIncident(stack, fleet.instanceIds[2]!, autoPolicy);
  await settled(stack, incidentId, runbookFinished);
  // The API: an archive with its sha256 header, custody by the caller.
  const res = await stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${incidentId}/evidence/export`,
    headers: auth('audrey'),
    payload: { note: 'for the regulator' },
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/gzip');
  expect(res.headers['x-cordon-archive-sha256']).toBe(sha256Hex(res.rawPayload));
  expect(res.headers['x-cordon-verified']).toBe('intact');
  expect((await readManifest(stack.evidence, incidentId)).at(-1)).toMatchObject({
    kind: 'custody',
    action: 'export',
    by: 'audrey',
    note: 'for the regulator',
  });
  expect(
    (await stack.api.inject({ method: 'POST', url: `/v1/incidents/${incidentId}/evidence/export`, headers: auth('bob'), payload: {} }))
      .statusCode,
  ).toBe(403);

  // The CLI, as a client of the same API (no store settings in its environment, only the API and a token).
  const out = path.join(work, 'case');
  const cli = await runCordon(['evidence', 'export', incidentId, '--out', out, '--note', 'to the DPA'], {
    CORDON_API_URL: baseUrl,
    CORDON_TOKEN: stack.tokens.dora!,
  });
  expect(cli.stderr).toBe('');
  expect(cli.code).toBe(0);
  expect(cli.stdout).toMatch(/exported .* custody entry seq \d+ recorded by the API/s);
  expect((await readManifest(stack.evidence, incidentId)).at(-1)).toMatchObject({
    kind: 'custody',
    action: 'export',
    by: 'dora',
    note: 'to the DPA',
  });
  const verified = await runCordon(['evidence', 'verify', incidentId], { CORDON_API_URL: baseUrl, CORDON_TOKEN: stack.tokens.audrey! });
  expect(verified.code).toBe(0);
  expect(verified.stdout).toMatch(/INTACT .*\n[\s\S]*anchors +checked against the incident's history/);
  expect((await runCordon(['evidence', 'verify', incidentId], { CORDON_API_URL: baseUrl, CORDON_TOKEN: stack.tokens.bob! })).code).toBe(4);

  // Offline: an empty environment, the recipient's copy, nothing of Cordon's.
  const anchors = JSON.parse(fs.readFileSync(path.join(out, 'anchors.json'), 'utf8')) as {
    available: boolean;
    manifest: unknown[];
    audit: unknown[];
  };
  expect(anchors.available).toBe(true);
  expect(anchors.manifest.length).toBeGreaterThan(0);
  expect(anchors.audit.length).toBeGreaterThan(0);
  const env = { PATH: `/usr/bin:/bin:${path.dirname(process.execPath)}` };
  for (const [cmd, args] of [
    ['bash', ['verify.sh']],
    [process.execPath, ['verify.mjs']],
  ] as const) {
    const r = spawnSync(cmd, [...args], { cwd: out, env, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toMatch(/anchors: checked\n(.*\n)*INTACT\n$/);
    expect(r.status).toBe(0);
  }
});
