/**
 * Records histories of real runbook runs (dev server + moto + the current workflow code) into
 * test/replay/histories/<scenario>.json. Run after an intentional, compatible workflow change
 * that the committed histories no longer cover — never to make a failing replay pass:
 *   npx tsx test/replay/capture.ts
 */
import { temporal } from '@temporalio/proto';
import fs from 'node:fs';
import path from 'node:path';
import { readAudit } from '../../src/evidence/audit-trail';
import { IncidentService } from '../../src/temporal/incident-service';
import { alertFor, approverGate, autoPolicy, freshFleet, openIncident, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

const outDir = path.join(__dirname, 'histories');

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

type Scenario = (stack: Stack, instanceId: string) => Promise<string>;

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
    await stack.incidents.decide(id, { step: 'contain', decision: 'approve', reason: 'confirmed', operator: { name: 'bob', roles: ['approver'] } });
    await settled(stack, id, runbookFinished, 90000);
    return id;
  },
  /** Record-only; new findings arrive while the incident idles (their audit export waits a quiet second), then it is closed. */
  'late-findings-then-close': async (stack, instanceId) => {
    const id = await openIncident(stack, instanceId, { ...autoPolicy, contain: 'record-only' });
    await settled(stack, id, runbookFinished, 90000);
    const service = new IncidentService(stack.client, stack.taskQueue, () => ({ ...autoPolicy, contain: 'record-only' }));
    for (let i = 0; i < 3; i += 1) {
      await service.openOrJoin({ account: ACCOUNT, region: REGION, instanceId }, alertFor(instanceId, { dedupKey: `generic:${instanceId}:late-${i}`, title: `late finding ${i}` }));
    }
    await eventually(async () => (await readAudit(stack.evidence, id)).some((e) => e.message.includes('late finding 2')), 30000, 'the late findings in the audit trail');
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
  /** Plan mode: the full plan, no AWS change, the workflow returns at once. */
  'plan-mode': async (stack, instanceId) => {
    const id = await openIncident(stack, instanceId, autoPolicy, { dryRun: true });
    await stack.client.workflow.getHandle(id).result();
    return id;
  },
};

async function main(): Promise<void> {
  const stack = await startStack();
  try {
    fs.mkdirSync(outDir, { recursive: true });
    for (const [name, run] of Object.entries(scenarios)) {
      const fleet = await freshFleet(stack);
      const id = await run(stack, fleet.instanceIds[0]!);
      const history = await stack.client.workflow.getHandle(id).fetchHistory();
      const events = history.events ?? [];
      const record: CapturedHistory = {
        workflowId: id, scenario: name, capturedAt: new Date().toISOString(), encoding: 'temporal.api.history.v1.History/protobuf/base64',
        eventTypes: events.map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType)),
        history: Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('base64'),
      };
      const file = path.join(outDir, `${name}.json`);
      fs.writeFileSync(file, `${JSON.stringify(record, null, 1)}\n`);
      process.stdout.write(`${name}: ${events.length} events → ${path.relative(process.cwd(), file)}\n`);
      // Incidents are per instance; a fresh fleet has fresh ids, so the next scenario never joins this one.
    }
  } finally {
    await stack.teardown();
  }
}

if (require.main === module) main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`capture failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
