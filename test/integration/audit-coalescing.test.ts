/**
 * An open incident's audit trail during a storm of new findings: every new finding is a
 * timeline entry, and the idle incident waits a quiet second before exporting, so one audit
 * write (one appendAudit activity) carries a burst instead of one write per alert. Asserts the
 * trail still ends up holding every timeline entry, in order, once — and, from the workflow's
 * history, how many writes the burst cost.
 */
import { readAudit } from '../../src/evidence/audit-trail';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { IncidentService } from '../../src/temporal/incident-service';
import { alertFor, autoPolicy, freshFleet, runbookFinished, settled } from '../helpers/containment';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack();
  fleet = await freshFleet(stack);
});
afterAll(async () => stack?.teardown());

const BURST = 30;

test('a burst of new findings on an idle incident reaches the audit trail in one or two writes, entry for entry', async () => {
  const instanceId = fleet.instanceIds[0]!;
  const service = new IncidentService(stack.client, stack.taskQueue, () => ({ ...autoPolicy, contain: 'record-only' }));
  const resource = { account: ACCOUNT, region: REGION, instanceId };
  const incidentId = await service.openOrJoin(resource, alertFor(instanceId), { openedBy: 'test' });
  await settled(stack, incidentId, runbookFinished);
  // The runbook's own export is done once the trail holds the whole timeline.
  const before = await eventually(
    async () => {
      const [snap, audit] = await Promise.all([stack.incidents.get(incidentId), readAudit(stack.evidence, incidentId)]);
      return snap && audit.filter((e) => e.id.startsWith('t:')).length === snap.timeline.length ? snap.timeline.length : undefined;
    },
    30000,
    'the runbook timeline in the audit trail',
  );
  const writesBefore = await auditWrites(incidentId);

  // Spaced like a sensor re-reporting (not one batch), so without coalescing each alert would get its own write.
  for (let i = 0; i < BURST; i += 1) {
    await new Promise((r) => setTimeout(r, 20));
    await service.openOrJoin(
      resource,
      alertFor(instanceId, { dedupKey: `generic:${instanceId}:finding-${i}`, title: `distinct finding ${i}` }),
      { openedBy: 'test' },
    );
  }

  const final = await eventually(
    async () => {
      const [snap, audit] = await Promise.all([stack.incidents.get(incidentId), readAudit(stack.evidence, incidentId)]);
      const exported = audit.filter((e) => e.id.startsWith('t:'));
      return snap && snap.timeline.length === before + BURST && exported.length === snap.timeline.length ? { snap, exported } : undefined;
    },
    30000,
    'the burst in the audit trail',
  );
  expect(final.exported.map((e) => e.message)).toEqual(final.snap.timeline.map((t) => t.message));
  expect(new Set(final.exported.map((e) => e.id)).size).toBe(final.exported.length);
  const burstWrites = (await auditWrites(incidentId)) - writesBefore;
  expect(burstWrites).toBeGreaterThanOrEqual(1);
  // One per quiet second: the burst lasts about a second, so it spans one to three windows (more on a loaded
  // machine); without coalescing the same burst took 14 writes.
  expect(burstWrites).toBeLessThanOrEqual(5);
});

/** appendAudit activities scheduled so far, from the incident's history. */
async function auditWrites(incidentId: string): Promise<number> {
  const history = await stack.client.workflow.getHandle(incidentId).fetchHistory();
  return (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'appendAudit').length;
}
