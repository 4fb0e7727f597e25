/**
 * A runbook cannot undo the source-trust ceiling (README "Trust model"): an operator's runbook
 * whose containment gate is `auto` still waits for a person when the alert comes from a source
 * the configuration caps (generic, by default, at the highest severity that asks a person),
 * while the same runbook triggered by an operator (a responder) contains at once. Through the
 * HTTP door, against moto.
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { freshFleet, settled, stepStatus } from '../helpers/containment';
import { startStack, type Stack } from '../helpers/stack';

const autoContain = `name: edr-tag-first
version: "1"
matches:
  resourceKind: ec2-instance
  sources: [generic]
steps:
  - step: describe
  - step: contain
    gate: auto
  - step: tag-containing
  - step: isolate
    gate: { mode: approvers, roles: [approver], timeoutMinutes: 60 }
`;

let stack: Stack;
let fleet: DemoFleet;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-trust-runbooks-'));
  fs.writeFileSync(path.join(dir, 'edr.yaml'), autoContain);
  stack = await startStack({ runbooks: { dir } });
  fleet = await freshFleet(stack);
});
afterAll(async () => {
  await stack?.teardown();
  fs.rmSync(dir, { recursive: true, force: true });
});

function postGeneric(who: string, instanceId: string, severity: string) {
  const payload = {
    instanceId,
    severity,
    title: 'EDR: reverse shell',
    account: '123456789012',
    region: 'eu-west-1',
    sourceId: `edr-${instanceId}`,
    firstSeen: new Date().toISOString(),
  };
  return stack.api.inject({
    method: 'POST',
    url: '/v1/alerts/generic',
    headers: { authorization: `Bearer ${stack.tokens[who]}` },
    payload,
  });
}
async function tags(instanceId: string): Promise<Record<string, string>> {
  const i = (await stack.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  return Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value!]));
}

test('a capped source claiming critical waits at the containment gate, and nothing is tagged', async () => {
  const accused = fleet.instanceIds[0]!;
  const res = await postGeneric('sensor', accused, 'critical');
  expect(res.statusCode).toBe(202);
  const id = res.json().accepted[0].incidentId as string;
  const snap = await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval', 90000);
  expect(snap.runbook?.name).toBe('edr-tag-first');
  expect(snap.steps.map((s) => [s.name, s.status])).toEqual([
    ['describe', 'done'],
    ['contain', 'awaiting-approval'],
    ['tag-containing', 'pending'],
    ['isolate', 'pending'],
  ]);
  expect(await tags(accused)).not.toHaveProperty('ir:case');
});

test('the same runbook triggered by a responder contains at once (its auto gate holds for a person)', async () => {
  const accused = fleet.instanceIds[1]!;
  const res = await postGeneric('alice', accused, 'critical');
  expect(res.statusCode).toBe(202);
  const id = res.json().accepted[0].incidentId as string;
  const snap = await settled(stack, id, (s) => stepStatus(s, 'isolate') === 'awaiting-approval', 90000);
  expect(snap.steps.map((s) => [s.name, s.status])).toEqual([
    ['describe', 'done'],
    ['contain', 'done'],
    ['tag-containing', 'done'],
    ['isolate', 'awaiting-approval'],
  ]);
  expect(await tags(accused)).toMatchObject({ 'ir:case': id });
});
