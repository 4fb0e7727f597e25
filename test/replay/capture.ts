/**
 * Records histories of real runbook runs (dev server + moto + the current workflow code) into
 * test/replay/histories/<scenario>.json. Run after an intentional, compatible workflow change
 * that the committed histories no longer cover — never to make a failing replay pass:
 *   npx tsx test/replay/capture.ts [scenario …]
 * Committed histories are add-only: a scenario whose file exists is written beside it under a
 * dated name, never over it.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { temporal } from '@temporalio/proto';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readAudit } from '../../src/evidence/audit-trail';
import { IncidentService } from '../../src/temporal/incident-service';
import { parseRunbook } from '../../src/runbooks/load-runbook';
import { builtInRunbooksDir, pin, RunbookLibrary } from '../../src/runbooks/runbook-library';
import os from 'node:os';
import {
  alertFor,
  approverGate,
  autoPolicy,
  freshFleet,
  openIncident,
  openIncidentWithRunbook,
  runbookFinished,
  settled,
  startPlan,
  stepStatus,
} from '../helpers/containment';
import { webGuardId } from '../helpers/fleet-guard';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

const outDir = path.join(__dirname, 'histories');
/** Where the memory scenario's SSM document would write (the worker collects the image from here). */
const MEMORY_BUCKET = 'cordon-ssm-output';

/**
 * One history file. The history itself is the binary protobuf (base64): the SDK's JSON reader
 * (historyFromJSON) fails in this install, where @temporalio/common and @temporalio/proto each
 * carry their own protobufjs copy; the event types are listed so a diff shows what changed.
 */
export interface CapturedHistory {
  workflowId: string;
  scenario: string;
  capturedAt: string;
  encoding: 'temporal.api.history.v1.History/protobuf/base64';
  eventTypes: string[];
  history: string;
}

/** A scenario returns the workflow id (its latest run is captured), or the id and the run to capture. */
type Scenario = (stack: Stack, instanceId: string) => Promise<string | { id: string; runId: string }>;

/** An operator's runbook with an input (a conditional capture), a capture alongside, an approval on isolate. */
const captureRunbook = [
  'name: ssh-tag-snapshot-keep-console',
  'version: "1"',
  'matches:',
  '  resourceKind: ec2-instance',
  '  findingTypes: ["UnauthorizedAccess:EC2/SSH*"]',
  'inputs:',
  '  keepConsole: { type: boolean, default: false }',
  'steps:',
  '  - step: describe',
  '  - step: contain',
  '    gate: auto',
  '  - step: tag-containing',
  '  - step: snapshot-volumes',
  '    alongside: true',
  '  - step: capture-console',
  '    when: inputs.keepConsole',
  '  - step: isolate',
  "    when: target.state == 'running'",
  '    gate: { mode: approvers, roles: [approver], timeoutMinutes: 60 }',
  '  - step: tag-quarantined',
  '',
].join('\n');

const scenarios: Record<string, Scenario> = {
  /** Contained and replaced automatically, then closed by an operator (a completed workflow). */
  'auto-contain-replace-close': async (stack, instanceId) => {
    const id = await openIncident(stack, instanceId, autoPolicy);
    await settled(stack, id, runbookFinished, 90000);
    await stack.incidents.close(id, { name: 'alice', roles: ['responder'] }, 'contained and replaced');
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
  /** Containment waits for an approver, who approves; the incident stays open afterwards. */
  'approve-then-contain': async (stack, instanceId) => {
    const id = await openIncident(stack, instanceId, { ...autoPolicy, contain: approverGate });
    await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval');
    await stack.incidents.decide(id, {
      step: 'contain',
      decision: 'approve',
      reason: 'confirmed',
      operator: { name: 'bob', roles: ['approver'] },
    });
    await settled(stack, id, runbookFinished, 90000);
    return id;
  },
  /** Record-only; new findings arrive while the incident idles (their audit export waits a quiet second), then it is closed. */
  'late-findings-then-close': async (stack, instanceId) => {
    const id = await openIncident(stack, instanceId, { ...autoPolicy, contain: 'record-only' });
    await settled(stack, id, runbookFinished, 90000);
    const service = new IncidentService(stack.client, stack.taskQueue, () => ({ ...autoPolicy, contain: 'record-only' }));
    for (let i = 0; i < 3; i += 1) {
      await service.openOrJoin(
        { account: ACCOUNT, region: REGION, instanceId },
        alertFor(instanceId, { dedupKey: `generic:${instanceId}:late-${i}`, title: `late finding ${i}` }),
      );
    }
    await eventually(
      async () => (await readAudit(stack.evidence, id)).some((e) => e.message.includes('late finding 2')),
      30000,
      'the late findings in the audit trail',
    );
    await stack.incidents.close(id, { name: 'alice', roles: ['responder'] }, 'false positive');
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
  /** Opened by a low alert (record only); a critical alert for the same instance escalates it and the runbook runs again. */
  'record-only-then-escalated': async (stack, instanceId) => {
    const policyFor = (s: string) => (s === 'critical' ? autoPolicy : { ...autoPolicy, contain: 'record-only' as const });
    const service = new IncidentService(stack.client, stack.taskQueue, policyFor);
    const resource = { account: ACCOUNT, region: REGION, instanceId };
    const id = await service.openOrJoin(resource, alertFor(instanceId, { severity: 'low', dedupKey: `generic:${instanceId}:low` }));
    await settled(stack, id, runbookFinished, 90000);
    await service.openOrJoin(resource, alertFor(instanceId, { severity: 'critical' }));
    await settled(stack, id, (s) => s.timeline.filter((t) => t.message.startsWith('runbook finished')).length === 2, 90000);
    return id;
  },
  /** Two incidents in one group with room for one containment: the second waits on the fleet budget until an approver releases it. */
  'fleet-budget-override': async (stack, instanceId) => {
    const group = (await stack.aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] })))
      .AutoScalingGroups![0]!;
    const other = group.Instances!.map((i) => i.InstanceId!).find((id) => id !== instanceId)!;
    const policy = { ...autoPolicy, replace: approverGate };
    // The first holds the group's only reservation while it waits at a gate inside the containment.
    const first = await openIncident(stack, other, { ...policy, revokeSessions: approverGate });
    await settled(stack, first, (s) => stepStatus(s, 'approve-revoke-sessions') === 'awaiting-approval');
    const id = await openIncident(stack, instanceId, policy);
    await settled(stack, id, (s) => stepStatus(s, 'fleet-budget') === 'awaiting-approval');
    await stack.incidents.decide(id, {
      step: 'fleet-budget',
      decision: 'approve',
      reason: 'both hosts are compromised',
      operator: { name: 'bob', roles: ['approver'] },
    });
    await settled(stack, id, (s) => stepStatus(s, 'replace') === 'awaiting-approval', 90000);
    return id;
  },
  /** The group's fleet guard after the scenarios above (grants, an override, releases): its own history. */
  'fleet-guard': async () => webGuardId,
  /**
   * Memory on: CreateSnapshots and the memory command start in the chain, completion and the image copy run beside it (the
   * image seeded where the document would write it: moto runs no SSM command); an auditor verifies through the API, whose
   * custody head is signalled to the workflow and anchored; then closed.
   */
  'evidence-start-in-chain': async (stack, instanceId) => {
    const id = `inc-${ACCOUNT}-${REGION}-${instanceId}`;
    await stack.aws.s3
      .send(new CreateBucketCommand({ Bucket: MEMORY_BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }))
      .catch(() => undefined);
    await stack.aws.s3.send(
      new PutObjectCommand({
        Bucket: MEMORY_BUCKET,
        Key: `incidents/${id}/memory/${instanceId}/memory.lime`,
        Body: crypto.randomBytes(4096),
      }),
    );
    await openIncident(stack, instanceId, { ...autoPolicy, forensics: { memory: true, memoryDocument: 'Cordon-AVML-Capture' } });
    await settled(stack, id, runbookFinished, 90000);
    const verified = await stack.api.inject({
      method: 'POST',
      url: `/v1/incidents/${id}/evidence/verify`,
      headers: { authorization: `Bearer ${stack.tokens.audrey}` },
      payload: {},
    });
    if (verified.statusCode !== 200 || !verified.json<{ ok: boolean }>().ok) throw new Error(`verify: ${verified.body}`);
    await stack.incidents.close(id, { name: 'alice', roles: ['responder'] }, 'evidence secured');
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
  /** The built-in EC2 runbook as data, pinned at start (runbooks/ec2-compromised-instance.yaml): contained, replaced, closed. */
  /** An access key (the built-in IAM runbook, pinned): contained automatically, older sessions denied after an approver, closed. */
  'runbook-definition-iam': async (stack) => {
    const userName = `replay-${Date.now()}`;
    await stack.aws.iam.send(new CreateUserCommand({ UserName: userName, Tags: [{ Key: 'data:personal', Value: 'true' }] }));
    const accessKeyId = (await stack.aws.iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!.AccessKeyId!;
    const library = RunbookLibrary.load([{ dir: builtInRunbooksDir, origin: 'built-in' }]);
    const service = new IncidentService(
      stack.client,
      stack.taskQueue,
      () => autoPolicy,
      (alerts, severity, kind) => {
        const entry = library.choose(alerts, severity, kind);
        return entry ? pin(entry) : undefined;
      },
    );
    const resource = { kind: 'iam-access-key' as const, account: ACCOUNT, region: REGION, accessKeyId, userName, userType: 'IAMUser' };
    const alert = alertFor('i-0000000000000000', {
      source: 'guardduty',
      dedupKey: `guardduty:${accessKeyId}`,
      sourceId: accessKeyId,
      findingType: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom',
      title: `API ListBuckets was invoked from an IP address on a custom threat list (${userName})`,
    });
    const id = await service.openOrJoin(resource, alert, { openedBy: 'test' });
    await settled(stack, id, (s) => stepStatus(s, 'revoke-principal-sessions') === 'awaiting-approval', 90000);
    await stack.incidents.decide(id, {
      step: 'revoke-principal-sessions',
      decision: 'approve',
      reason: 'sessions may have been minted with the key',
      operator: { name: 'bob', roles: ['approver'] },
    });
    await settled(stack, id, runbookFinished, 90000);
    await stack.incidents.close(id, { name: 'alice', roles: ['responder'] }, 'key deactivated, sessions denied');
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
  'runbook-definition-ec2': async (stack, instanceId) => {
    const id = await openIncidentWithRunbook(stack, instanceId, autoPolicy);
    await settled(stack, id, runbookFinished, 90000);
    await stack.incidents.close(id, { name: 'alice', roles: ['responder'] }, 'contained and replaced');
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
  /**
   * An operator's runbook, pinned: an auto gate of its own, a capture alongside with a when: over the described target,
   * an approval on the isolate action itself; approved, then closed.
   */
  'runbook-definition-operator-gate': async (stack, instanceId) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-capture-runbooks-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'ssh.yaml'),
        [
          'name: ssh-tag-snapshot-then-isolate',
          'version: "1"',
          'matches:',
          '  resourceKind: ec2-instance',
          '  findingTypes: ["UnauthorizedAccess:EC2/SSH*"]',
          'steps:',
          '  - step: describe',
          '  - step: contain',
          '    gate: auto',
          '  - step: tag-containing',
          '  - step: snapshot-volumes',
          '  - step: capture-console',
          '    alongside: true',
          "    when: target.state == 'running'",
          '  - step: isolate',
          '    gate: { mode: approvers, roles: [approver], timeoutMinutes: 60 }',
          '  - step: tag-quarantined',
          '',
        ].join('\n'),
      );
      const id = await openIncidentWithRunbook(
        stack,
        instanceId,
        { ...autoPolicy, contain: 'record-only' },
        { dir, alert: { source: 'guardduty', findingType: 'UnauthorizedAccess:EC2/SSHBruteForce', severity: 'low' } },
      );
      await settled(stack, id, (s) => stepStatus(s, 'isolate') === 'awaiting-approval');
      await stack.incidents.decide(id, {
        step: 'isolate',
        decision: 'approve',
        reason: 'brute force confirmed',
        operator: { name: 'bob', roles: ['approver'] },
      });
      await settled(stack, id, runbookFinished, 90000);
      await stack.incidents.close(id, { name: 'alice', roles: ['responder'] }, 'isolated');
      await stack.client.workflow.getHandle(id).result();
      return id;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  /** A plan of an operator's runbook file (POST /v1/plans, cordon runbooks plan): its steps, gates and when: over the target, no AWS change. */
  'plan-runbook-definition': async (stack, instanceId) => {
    const loaded = parseRunbook(captureRunbook, 'ssh.yaml');
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
    const service = new IncidentService(stack.client, stack.taskQueue, () => autoPolicy);
    const id = await service.plan(
      { account: ACCOUNT, region: REGION, instanceId },
      [alertFor(instanceId, { source: 'guardduty', findingType: 'UnauthorizedAccess:EC2/SSHBruteForce', severity: 'low' })],
      { requestedBy: { kind: 'operator', name: 'alice' } },
      pin(loaded.runbook, { keepConsole: true }),
    );
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
  /** A manual run (cordon run) of an operator's runbook with an input: provenance manual, isolation approved by another person, closed. */
  'manual-run': async (stack, instanceId) => {
    const loaded = parseRunbook(captureRunbook, 'ssh.yaml');
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
    const service = new IncidentService(stack.client, stack.taskQueue, () => ({ ...autoPolicy, contain: approverGate }));
    const id = await service.startManual({ account: ACCOUNT, region: REGION, instanceId }, pin(loaded.runbook, { keepConsole: true }), {
      operator: 'alice',
      reason: 'brute force seen in the auth log',
      severity: 'medium',
    });
    await settled(stack, id, (s) => stepStatus(s, 'isolate') === 'awaiting-approval');
    await stack.incidents.decide(id, {
      step: 'isolate',
      decision: 'approve',
      reason: 'confirmed',
      operator: { name: 'bob', roles: ['approver'] },
    });
    await settled(stack, id, runbookFinished, 90000);
    await stack.incidents.close(id, { name: 'alice', roles: ['responder'] }, 'isolated');
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
  /** An idle incident past its history limit continues as new, carrying its memo ('carry-memo-on-continue'): the run that ended so. */
  'continue-as-new-carries-memo': async (stack, instanceId) => {
    const service = new IncidentService(stack.client, stack.taskQueue, () => ({ ...autoPolicy, contain: 'record-only' }), undefined, {
      continueAsNewAfterEvents: 120,
    });
    const resource = { account: ACCOUNT, region: REGION, instanceId };
    const id = await service.openOrJoin(resource, alertFor(instanceId, { severity: 'medium', dedupKey: `generic:${instanceId}:medium` }));
    await service.openOrJoin(resource, alertFor(instanceId, { severity: 'high', dedupKey: `generic:${instanceId}:high` }));
    await settled(stack, id, (s) => runbookFinished(s) && s.severity === 'high', 90000);
    const runId = (await stack.client.workflow.getHandle(id).describe()).runId;
    const first = stack.client.workflow.getHandle(id, runId);
    for (let i = 0; (await first.describe()).status.name !== 'CONTINUED_AS_NEW'; i += 1) {
      if (i >= 200) throw new Error('no continue-as-new after 200 findings');
      await service.openOrJoin(resource, alertFor(instanceId, { dedupKey: `generic:${instanceId}:late-${i}`, title: `late finding ${i}` }));
      await new Promise((r) => setTimeout(r, 50));
    }
    return { id, runId };
  },
  /** Plan mode: its own plan workflow returns the full plan at once, no AWS change. */
  'plan-workflow': async (stack, instanceId) => {
    const id = await startPlan(stack, instanceId, { ...autoPolicy, replace: approverGate });
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
};

async function main(): Promise<void> {
  // Room for one containment per group, so the fleet-budget scenario waits for a person.
  const stack = await startStack({
    fleet: { limits: { maxConcurrent: 1, maxPercent: 100, windowMinutes: 0 } },
    memory: { outputS3Bucket: MEMORY_BUCKET },
  });
  try {
    fs.mkdirSync(outDir, { recursive: true });
    const chosen = process.argv.slice(2);
    for (const [name, run] of Object.entries(scenarios).filter(([n]) => chosen.length === 0 || chosen.includes(n))) {
      const fleet = await freshFleet(stack);
      const ran = await run(stack, fleet.instanceIds[0]!);
      const { id, runId } = typeof ran === 'string' ? { id: ran, runId: undefined } : ran;
      const history = await stack.client.workflow.getHandle(id, runId).fetchHistory();
      const events = history.events ?? [];
      const record: CapturedHistory = {
        workflowId: id,
        scenario: name,
        capturedAt: new Date().toISOString(),
        encoding: 'temporal.api.history.v1.History/protobuf/base64',
        eventTypes: events.map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)),
        history: Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('base64'),
      };
      // Never over a committed history: the first free of <name>, <name>-<date>, <name>-<date>-2, …
      const day = new Date().toISOString().slice(0, 10);
      const candidates = [`${name}.json`, `${name}-${day}.json`, ...Array.from({ length: 50 }, (_, i) => `${name}-${day}-${i + 2}.json`)];
      const free = candidates.find((c) => !fs.existsSync(path.join(outDir, c)));
      if (!free) throw new Error(`no free file name for ${name}; committed histories are add-only`);
      const file = path.join(outDir, free);
      fs.writeFileSync(file, `${JSON.stringify(record, null, 1)}\n`);
      // The add-only list (add-only.test.ts): a new line per new history, never an edited one.
      const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      fs.appendFileSync(path.join(outDir, 'SHA256SUMS'), `${hash}  ${path.basename(file)}\n`);
      process.stdout.write(`${name}: ${events.length} events → ${path.relative(process.cwd(), file)}\n`);
      // Incidents are per instance; a fresh fleet has fresh ids, so the next scenario never joins this one.
    }
  } finally {
    await stack.teardown();
  }
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`capture failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
