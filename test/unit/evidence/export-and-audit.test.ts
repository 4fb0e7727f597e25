/**
 * Export for investigators — including its offline check: the bundled verify.sh (bash, sha256sum,
 * jq) and verify.mjs (plain Node) run on a copy outside the repository with an empty environment
 * (no Cordon, no credentials) — and the workflow's timeline → audit-trail mapping (ids fixed by
 * position, calls beside the transition that closes their step).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { appendAudit, exportIncident, readAudit, readManifest, recordArtifact, type EvidenceAnchors } from '../../../src/evidence';
import { auditEntries } from '../../../workflows/runbook/audit-flush';
import { IncidentState } from '../../../workflows/runbook/incident-state';
import { defaultPolicies } from '../../../src/policy/runbook-policy';
import type { PlannedCall, TimelineEntry } from '../../../src/domain/incident';
import { tempStore } from './tamper-helpers';

const ID = 'inc-123456789012-eu-west-1-i-0abc';
let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

async function anchors(): Promise<EvidenceAnchors> {
  return {
    manifest: (await readManifest(t.store, ID)).map((e) => ({ seq: e.seq, hash: e.hash })),
    audit: (await readAudit(t.store, ID)).map((e) => ({ seq: e.seq, hash: e.hash })),
  };
}

test('export writes artifacts, manifest, audit, anchors, scripts, SHA256SUMS and README, and records itself as custody', async () => {
  await recordArtifact(t.store, ID, {
    name: 'console.txt',
    body: 'boot\n',
    mediaType: 'text/plain',
    source: 'ec2:GetConsoleOutput',
    collector: 'w1',
  });
  await appendAudit(t.store, ID, [{ id: 't:0', at: '2026-01-01T00:00:00Z', kind: 'note', message: 'opened' }]);
  const out = path.join(t.dir, 'out');
  const result = await exportIncident(t.store, ID, out, { by: 'audrey', note: 'for the DPA', anchors: await anchors() });
  expect(result.report).toMatchObject({ ok: true, anchors: { checked: true } });
  expect(fs.readdirSync(out).sort()).toEqual([
    'README.md',
    'SHA256SUMS',
    'anchors.json',
    'artifacts',
    'audit.jsonl',
    'manifest.jsonl',
    'verify.mjs',
    'verify.sh',
  ]);
  const body = fs.readFileSync(path.join(out, 'artifacts', 'console.txt'));
  expect(fs.readFileSync(path.join(out, 'SHA256SUMS'), 'utf8')).toBe(
    `${crypto.createHash('sha256').update(body).digest('hex')}  artifacts/console.txt\n`,
  );
  const manifest = fs
    .readFileSync(path.join(out, 'manifest.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; by?: string });
  expect(manifest.map((e) => e.kind)).toEqual(['artifact', 'custody']);
  expect(manifest[1]!.by).toBe('audrey');
  expect((await readManifest(t.store, ID)).at(-1)).toMatchObject({ kind: 'custody', action: 'export', by: 'audrey', note: 'for the DPA' });
  expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toContain('INTACT');
  // The same folder as one archive beside it, with the sha256 printed for the recipient.
  const archived: string[] = [];
  await tar.list({
    file: `${out}.tar.gz`,
    onReadEntry: (e) => {
      archived.push(e.path);
    },
  });
  expect(archived).toEqual(
    expect.arrayContaining(['out/README.md', 'out/SHA256SUMS', 'out/manifest.jsonl', 'out/audit.jsonl', 'out/artifacts/console.txt']),
  );
  expect(result.archive.sha256).toBe(
    crypto
      .createHash('sha256')
      .update(fs.readFileSync(`${out}.tar.gz`))
      .digest('hex'),
  );
  // A second export into the same folder is refused (nothing is overwritten).
  await expect(exportIncident(t.store, ID, out, { by: 'audrey' })).rejects.toThrow(/not empty/);
});

describe('offline verification of an export (no Cordon, no credentials)', () => {
  let copy: string;
  const run = (cmd: string, args: string[]) => {
    // An empty environment but PATH to the system tools and node: nothing of Cordon's, no AWS settings, no tokens.
    const r = spawnSync(cmd, args, { cwd: copy, env: { PATH: `/usr/bin:/bin:${path.dirname(process.execPath)}` }, encoding: 'utf8' });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const sh = () => run('bash', ['verify.sh']);
  const mjs = () => run(process.execPath, ['verify.mjs']);

  beforeEach(async () => {
    await recordArtifact(t.store, ID, {
      name: 'console.txt',
      body: 'boot\nline 2 — ünïcode\n',
      mediaType: 'text/plain',
      source: 'ec2:GetConsoleOutput',
      collector: 'w1',
    });
    await recordArtifact(t.store, ID, {
      name: 'alerts/generic-1.json',
      body: '{"title":"c2"}',
      mediaType: 'application/json',
      source: 'alert:generic',
      collector: 'w1',
      detail: { nested: { b: 1, a: [true, null, 'x'] } },
    });
    await appendAudit(
      t.store,
      ID,
      [1, 2, 3].map((n) => ({
        id: `t:${n}`,
        at: `2026-01-01T00:00:0${n}Z`,
        kind: 'step' as const,
        message: `step ${n}: done "quoted"`,
        actor: 'bob',
      })),
    );
    const out = path.join(t.dir, 'case');
    await exportIncident(t.store, ID, out, { by: 'audrey', anchors: await anchors() });
    // The archive unpacked elsewhere, as the recipient would.
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-recipient-'));
    await tar.extract({ file: `${out}.tar.gz`, cwd: copy, strip: 1 });
  });
  afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

  test('an intact export verifies with verify.sh and verify.mjs', () => {
    for (const r of [sh(), mjs()]) {
      expect(r.out).toMatch(/anchors: checked/);
      expect(r.out).toMatch(/INTACT\n$/);
      expect(r.code).toBe(0);
    }
  });

  test('a changed artifact, a cut chain and a rewritten anchor are each named by both scripts', () => {
    const file = path.join(copy, 'artifacts', 'console.txt');
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, 'forged\n');
    for (const r of [sh(), mjs()]) {
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/BROKEN: artifact console\.txt: sha256/);
    }
    fs.writeFileSync(file, original);
    // Cut the manifest after its first line (the anchors still name the later heads).
    const manifest = path.join(copy, 'manifest.jsonl');
    const lines = fs.readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(manifest, `${lines[0]}\n`);
    for (const r of [sh(), mjs()]) {
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/manifest: the history anchored seq 2 but the chain has no such entry \(cut\)/);
    }
    fs.writeFileSync(manifest, `${lines.join('\n')}\n`);
    expect(sh().code).toBe(0);
    const a = JSON.parse(fs.readFileSync(path.join(copy, 'anchors.json'), 'utf8')) as { audit: { seq: number; hash: string }[] };
    a.audit[1]!.hash = 'f'.repeat(64);
    fs.writeFileSync(path.join(copy, 'anchors.json'), JSON.stringify(a));
    for (const r of [sh(), mjs()]) {
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/audit seq 2: hash [0-9a-f]{64}, the history anchored f{64} \(rewritten\)/);
    }
  });
});

/** A step entry as histories recorded before entries carried `data.transition`: the status only in the message. */
const step = (i: number, name: string, status: string): TimelineEntry => ({
  at: `2026-01-01T00:00:0${i}Z`,
  kind: 'step',
  step: name,
  message: `Title: ${status}${status === 'done' ? ' — ok' : ''}`,
});

test("a step closes by the transition its entry records, not by its message's wording", () => {
  const incident = new IncidentState(
    {
      incidentId: ID,
      resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0abc' },
      severity: 'high',
      openedBy: 'test',
      policy: defaultPolicies.high,
      dryRun: false,
    },
    [
      { name: 'isolate', title: 'Isolate' },
      { name: 'point-group', title: 'Point the group' },
    ],
    '2026-01-01T00:00:00Z',
  );
  // A running step whose detail quotes an earlier outcome, and a failed one whose reason is free text.
  incident.transition('isolate', 'running', '2026-01-01T00:00:01Z', 'the previous attempt: done — retrying after a restart');
  incident.transition('point-group', 'failed', '2026-01-01T00:00:02Z', 'group web uses no launch template');
  incident.transition('isolate', 'done', '2026-01-01T00:00:03Z');
  const plan: PlannedCall[] = [
    { step: 'isolate', service: 'ec2', operation: 'ModifyNetworkInterfaceAttribute', input: {} },
    { step: 'point-group', service: 'ec2', operation: 'DescribeLaunchTemplateVersions', input: {} },
  ];
  const timeline = incident.snapshot().timeline;
  expect(timeline.filter((e) => e.kind === 'step').map((e) => e.data)).toEqual([
    { transition: 'running' },
    { transition: 'failed' },
    { transition: 'done' },
  ]);
  expect(auditEntries(timeline, 0, plan, 0).map((e) => e.id)).toEqual(['t:0', 't:1', 'call:1', 't:2', 'call:0', 't:3']);
});

test('entries without a recorded transition (older histories) close by their message, as they were written', () => {
  const plan: PlannedCall[] = [{ step: 'isolate', service: 'ec2', operation: 'CreateSecurityGroup', input: {} }];
  expect(auditEntries([step(1, 'isolate', 'running'), step(2, 'isolate', 'skipped')], 0, plan, 0).map((e) => e.id)).toEqual([
    't:0',
    'call:0',
    't:1',
  ]);
});

test('audit entries place each AWS call before its step closes, with ids fixed by position', () => {
  const timeline: TimelineEntry[] = [
    { at: '2026-01-01T00:00:00Z', kind: 'note', message: 'opened' },
    step(1, 'isolate', 'running'),
    step(2, 'isolate', 'done'),
    { at: '2026-01-01T00:00:03Z', kind: 'approval', step: 'replace', actor: 'bob', message: 'bob approved Replace: go' },
  ];
  const plan: PlannedCall[] = [{ step: 'isolate', service: 'ec2', operation: 'CreateSecurityGroup', input: { GroupName: 'g' } }];
  const all = auditEntries(timeline, 0, plan, 0);
  expect(all.map((e) => e.id)).toEqual(['t:0', 't:1', 'call:0', 't:2', 't:3']);
  expect(all[2]).toMatchObject({ kind: 'aws', step: 'isolate', message: 'ec2:CreateSecurityGroup', at: '2026-01-01T00:00:02Z' });
  expect(all[4]).toMatchObject({ kind: 'approval', actor: 'bob' });
  // A later flush starts where the previous one stopped.
  expect(auditEntries(timeline, 3, plan, 1).map((e) => e.id)).toEqual(['t:3']);
});

test('a replayed flush adds no line', async () => {
  const timeline: TimelineEntry[] = [{ at: '2026-01-01T00:00:00Z', kind: 'note', message: 'opened' }, step(1, 'isolate', 'done')];
  await appendAudit(t.store, ID, auditEntries(timeline, 0, [], 0));
  await appendAudit(t.store, ID, auditEntries(timeline, 0, [], 0));
  expect((await readAudit(t.store, ID)).map((e) => [e.seq, e.id])).toEqual([
    [1, 't:0'],
    [2, 't:1'],
  ]);
});
