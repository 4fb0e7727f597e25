/**
 * The image-suspect path (issue 3 step 4): after the clean replacement is verified, an instance
 * refresh of the whole group waits behind an approval gate. moto does not implement instance
 * refresh (AWS.md G13), so the worker talks to a small local endpoint that answers and records
 * the refresh calls and forwards everything else to moto.
 */
import { ApplicationFailure } from '@temporalio/common';
import { startInstanceRefresh } from '../../activities/recovery/instance-refresh';
import { createAwsClients, destroyAwsClients } from '../../src/aws/clients';
import type { DemoFleet } from '../../src/local/demo-fleet';
import { approverGate, autoPolicy, freshFleet, openIncident, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { startInstanceRefreshEndpoint, type InstanceRefreshEndpoint } from '../helpers/instance-refresh-endpoint';
import { REGION, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let endpoint: InstanceRefreshEndpoint;
let fleet: DemoFleet;

beforeAll(async () => {
  stack = await startStack({
    workerAwsEndpoint: async (moto) => {
      endpoint = await startInstanceRefreshEndpoint(moto);
      return endpoint.url;
    },
  });
});
beforeEach(async () => {
  fleet = await freshFleet(stack);
});
afterAll(async () => {
  await stack?.teardown();
  await endpoint?.close();
});

const starts = () => endpoint.calls.filter((c) => c.action === 'StartInstanceRefresh');

test('an approved refresh starts once, onto the known-good version, keeping Standby evidence alive', async () => {
  const policy = { ...autoPolicy, imageSuspect: { refresh: approverGate } };
  const incidentId = await openIncident(stack, fleet.instanceIds[0]!, policy);
  await settled(stack, incidentId, (s) => stepStatus(s, 'approve-refresh') === 'awaiting-approval', 90000);
  expect(starts()).toHaveLength(0);

  await stack.incidents.decide(incidentId, {
    step: 'approve-refresh',
    decision: 'approve',
    reason: 'the image itself is suspect',
    operator: { name: 'bob', roles: ['approver'] },
  });
  const snap = await settled(stack, incidentId, runbookFinished);
  expect(stepStatus(snap, 'instance-refresh')).toBe('done');
  expect(starts()).toHaveLength(1);
  expect(starts()[0]!.params).toMatchObject({
    AutoScalingGroupName: 'web',
    Strategy: 'Rolling',
    'DesiredConfiguration.LaunchTemplate.LaunchTemplateId': fleet.launchTemplateId,
    'DesiredConfiguration.LaunchTemplate.Version': '3',
    'Preferences.StandbyInstances': 'Ignore',
    'Preferences.SkipMatching': 'true',
  });
});

test('a retried refresh step finds the running refresh and starts no second one', async () => {
  const aws = createAwsClients({ region: REGION, endpoint: endpoint.url });
  try {
    // A group of its own: the refresh the first test started on `web` is still "InProgress" at the recorder.
    const input = { groupName: 'web-retry', launchTemplateId: fleet.launchTemplateId, version: '3', dryRun: false };
    const before = starts().length;
    const first = await startInstanceRefresh(aws, input);
    const second = await startInstanceRefresh(aws, input);
    expect(starts()).toHaveLength(before + 1);
    expect(second.instanceRefreshId).toBe(first.instanceRefreshId);
    expect(second.summary).toContain('already InProgress');
    expect(second.changed).toBe(false);
  } finally {
    destroyAwsClients(aws);
  }
});

test('against plain moto the step fails at once with a reason an operator understands', async () => {
  const failure = await startInstanceRefresh(stack.aws, {
    groupName: 'web',
    launchTemplateId: fleet.launchTemplateId,
    version: '3',
    dryRun: false,
  }).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect((failure as ApplicationFailure).nonRetryable).toBe(true);
  expect((failure as ApplicationFailure).message).toMatch(/not supported by this AWS endpoint.*replace the group's instances by hand/);
});
