/**
 * The shipped IAM documents say exactly what Cordon calls. The source is read with the
 * TypeScript parser: every AWS SDK command imported (not as a type) anywhere Cordon sends AWS
 * requests — activities/ and src/, except src/local/ (the simulated AWS toolchain: seeds moto,
 * never a real account) — becomes its IAM action, and:
 *   - each must be in the policy of the principal that sends it (S3 and STS: the Cordon
 *     account's own, iam/cordon-policy.json; everything else: the responder role's,
 *     iam/responder-policy.json, which the Cordon account also holds for its own incidents);
 *   - each activity's calls must be in the statements of the runbook steps it serves;
 *   - nothing may be in a policy that nothing calls, except the permissions AWS checks
 *     implicitly (listed below with the reason);
 *   - every responder statement is named after a runbook step, and `cordon doctor` has a
 *     probe (or says why it cannot check) for each of its actions;
 *   - the trust policy lets the Cordon principal assume the role only with the external id,
 *     and tag its sessions only with the key the router sends.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { notCheckable, probes } from '../../src/aws/permission-checks';
import { stepTitles } from '../../workflows/runbook/step-order';

const root = path.resolve(__dirname, '..', '..');
const load = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(root, 'iam', name), 'utf8')) as {
    Statement: { Sid: string; Action: string | string[]; Condition?: Record<string, Record<string, unknown>>; Principal?: unknown }[];
  };
const actionsOf = (doc: ReturnType<typeof load>, sid?: string) =>
  new Set(doc.Statement.filter((s) => !sid || s.Sid === sid).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));

const prefix: Record<string, string> = {
  'client-ec2': 'ec2',
  'client-auto-scaling': 'autoscaling',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-iam': 'iam',
  'client-cloudtrail': 'cloudtrail',
  'client-ssm': 'ssm',
  'client-sts': 'sts',
};
/** S3 API names are not IAM action names (S3 User Guide, "Actions, resources and condition keys"). */
const s3Actions: Record<string, string[]> = {
  CreateBucket: ['s3:CreateBucket'],
  HeadBucket: ['s3:ListBucket'],
  ListObjectsV2: ['s3:ListBucket'],
  ListObjectVersions: ['s3:ListBucketVersions'],
  GetObject: ['s3:GetObject', 's3:GetObjectVersion'],
  HeadObject: ['s3:GetObject', 's3:GetObjectVersion'],
  PutObject: ['s3:PutObject'],
  PutBucketPolicy: ['s3:PutBucketPolicy'],
  GetObjectLockConfiguration: ['s3:GetBucketObjectLockConfiguration'],
  PutObjectLockConfiguration: ['s3:PutBucketObjectLockConfiguration'],
};
/** Needs no permission: AWS always answers it. */
const alwaysAllowed = new Set(['sts:GetCallerIdentity']);
/** In a policy without being a call of their own: AWS checks them as part of another call. */
const implied: Record<string, string> = {
  'ec2:RunInstances': 'UpdateAutoScalingGroup with a launch template checks that the caller may launch from it',
  'iam:PassRole': "UpdateAutoScalingGroup with a launch template checks that the caller may pass its instance profile's role",
  'sts:TagSession': 'AssumeRole with session tags',
  's3:PutBucketVersioning': 'CreateBucket with Object Lock turns versioning on',
  's3:PutObjectRetention': 'PutObject with Object Lock retention headers',
};
/** Which runbook steps' statements each activity file's calls belong to. */
const servesSteps: Record<string, string[]> = {
  'activities/containment/describe-target.ts': ['Describe'],
  'activities/containment/mark-instance.ts': ['TagContaining', 'TagQuarantined'],
  'activities/containment/protect-evidence.ts': ['ProtectEvidence'],
  'activities/forensics/snapshots.ts': ['SnapshotVolumes'],
  'activities/forensics/share-snapshots.ts': ['SnapshotVolumes'],
  'activities/containment/auto-scaling.ts': ['ScaleInProtection', 'LeaveGroup'],
  'activities/recovery/image-candidates.ts': ['KnownGood'],
  'activities/recovery/launch-template.ts': ['PointGroup', 'VerifyReplacement'],
  'activities/containment/load-balancers.ts': ['DeregisterTargets'],
  'activities/forensics/console-output.ts': ['CaptureConsole'],
  'activities/forensics/memory-capture.ts': ['CaptureMemory'],
  'activities/containment/isolate-network.ts': ['Isolate'],
  'activities/containment/credentials.ts': ['CutCredentials', 'RevokeSessions'],
  'activities/forensics/instance-metadata.ts': ['CaptureMetadata'],
  'activities/recovery/replacement-status.ts': ['VerifyReplacement'],
  'activities/recovery/instance-refresh.ts': ['InstanceRefresh'],
  'activities/principal/describe-principal.ts': ['Describe'],
  'activities/principal/contain-principal.ts': ['TagContaining', 'TagQuarantined', 'DeactivateAccessKey', 'RevokePrincipalSessions'],
  'activities/forensics/principal-evidence.ts': ['CapturePrincipal'],
  'activities/forensics/key-events.ts': ['CaptureCloudtrail'],
};
/** IAM calls that would delete the accused principal or its keys: containment deactivates and denies, never deletes. */
const destroysPrincipal = /^iam:(Delete(User|Role|AccessKey|LoginProfile|UserPolicy|RolePolicy)|DetachUserPolicy|DetachRolePolicy)$/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return rel === 'src/local' ? [] : sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** IAM actions of the AWS SDK commands a file imports as values, each with the package it came from. */
function callsIn(file: string): { action: string; principal: 'cordon' | 'responder' }[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.ES2022);
  const out: { action: string; principal: 'cordon' | 'responder' }[] = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const pkg = st.moduleSpecifier.text.match(/^@aws-sdk\/(client-[a-z0-9-]+)$/)?.[1];
    const bindings = st.importClause?.namedBindings;
    if (!pkg || st.importClause?.isTypeOnly || !bindings || !ts.isNamedImports(bindings)) continue;
    for (const el of bindings.elements) {
      const name = (el.propertyName ?? el.name).text;
      if (el.isTypeOnly || !name.endsWith('Command')) continue;
      const api = name.replace(/Command$/, '');
      if (pkg === 'client-s3') {
        const mapped = s3Actions[api];
        if (!mapped) throw new Error(`${file}: S3 ${api} has no IAM action in this test's map; add it (and to iam/cordon-policy.json)`);
        out.push(...mapped.map((action) => ({ action, principal: 'cordon' as const })));
      } else {
        if (!prefix[pkg]) throw new Error(`${file}: @aws-sdk/${pkg} has no IAM prefix in this test's map`);
        out.push({ action: `${prefix[pkg]}:${api}`, principal: pkg === 'client-sts' ? 'cordon' : 'responder' });
      }
    }
  }
  return out.filter((c) => !alwaysAllowed.has(c.action));
}

const files = [...sourceFiles('activities'), ...sourceFiles('src')];
const calls = files.flatMap((file) => callsIn(file).map((c) => ({ ...c, file })));
const responder = load('responder-policy.json');
const cordon = load('cordon-policy.json');
const policies = { responder: actionsOf(responder), cordon: actionsOf(cordon) };

test('the scan sees the calls it should (a broken scan would pass everything)', () => {
  const actions = new Set(calls.map((c) => c.action));
  for (const a of [
    'ec2:ModifyNetworkInterfaceAttribute',
    'autoscaling:DetachInstances',
    'iam:PutRolePolicy',
    'ssm:SendCommand',
    'sts:AssumeRole',
    's3:PutObject',
    'ec2:ModifySnapshotAttribute',
    'iam:UpdateAccessKey',
    'iam:PutUserPolicy',
    'cloudtrail:LookupEvents',
  ])
    expect(actions).toContain(a);
  expect(calls.some((c) => c.file.startsWith('src/local/'))).toBe(false);
});

test('every AWS call Cordon makes is in the policy of the principal that makes it', () => {
  const missing = calls
    .filter((c) => !policies[c.principal].has(c.action))
    .map((c) => `${c.action} (${c.file}) missing from iam/${c.principal}-policy.json`);
  expect([...new Set(missing)]).toEqual([]);
});

test("each activity's calls are in the statements of the runbook steps it serves", () => {
  const problems: string[] = [];
  for (const file of files.filter((f) => f.startsWith('activities/'))) {
    const own = callsIn(file).filter((c) => c.principal === 'responder');
    if (!own.length) continue;
    const steps = servesSteps[file];
    if (!steps) {
      problems.push(`${file} calls AWS but names no runbook step in this test`);
      continue;
    }
    const allowed = new Set(steps.flatMap((sid) => [...actionsOf(responder, sid)]));
    for (const c of own) if (!allowed.has(c.action)) problems.push(`${c.action} (${file}) is in none of ${steps.join(', ')}`);
  }
  expect(problems).toEqual([]);
});

test('nothing is in a policy that nothing calls, except what AWS checks implicitly', () => {
  const called = new Set(calls.map((c) => `${c.principal} ${c.action}`));
  const extra = (['responder', 'cordon'] as const).flatMap((p) =>
    [...policies[p]].filter((a) => !called.has(`${p} ${a}`) && !implied[a]).map((a) => `${a} in iam/${p}-policy.json`),
  );
  expect(extra).toEqual([]);
  // And every implied permission is really in a policy (a stale entry here would hide nothing, but would mislead).
  expect(Object.keys(implied).filter((a) => !policies.responder.has(a) && !policies.cordon.has(a))).toEqual([]);
});

test('every responder statement is a runbook step, and the doctor can check or explain each action', () => {
  const pascal = (step: string) =>
    step
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('');
  const steps = Object.keys(stepTitles).map(pascal);
  expect(responder.Statement.map((s) => s.Sid).filter((sid) => !steps.some((p) => sid === p || sid.startsWith(p)))).toEqual([]);
  expect([...policies.responder].filter((a) => !probes[a] && !notCheckable[a])).toEqual([]);
});

test('no call and no permission deletes a user, a role, a key or their policies (the accused principal is evidence)', () => {
  expect(calls.filter((c) => destroysPrincipal.test(c.action)).map((c) => `${c.action} (${c.file})`)).toEqual([]);
  expect([...policies.responder, ...policies.cordon].filter((a) => destroysPrincipal.test(a) || a === 'iam:*')).toEqual([]);
});

test('the trust policy: AssumeRole only with the external id, session tags only with the incident key', () => {
  const trust = load('responder-trust-policy.json');
  const assume = trust.Statement.find((s) => s.Action === 'sts:AssumeRole')!;
  expect(assume.Condition).toEqual({ StringEquals: { 'sts:ExternalId': '<EXTERNAL_ID>' } });
  const tag = trust.Statement.find((s) => s.Action === 'sts:TagSession')!;
  expect(tag.Condition).toEqual({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['cordon:incident'] } });
  expect(tag.Principal).toEqual(assume.Principal);
  const router = fs.readFileSync(path.join(root, 'activities', 'acting-account.ts'), 'utf8');
  expect(router).toMatch(/tags: \{ 'cordon:incident': workflowId \}/);
});
