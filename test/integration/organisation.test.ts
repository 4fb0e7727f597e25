/**
 * Across the organisation, through the HTTP door: the administrator account's Cordon (moto's
 * default account) receives GuardDuty findings for instances in member accounts and other
 * regions. moto isolates resources per account and honours credentials from sts:AssumeRole
 * into another account's role (AWS.md Part 3), so the member fleet is seeded with such
 * credentials and read back the same way. A recording proxy in front of moto carries the
 * worker's calls: it shows each AssumeRole's parameters, and refuses AssumeRole for the roles a
 * test names (moto accepts any role, so a refusal can only come from the proxy).
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import fs from 'node:fs';
import path from 'node:path';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/aws/clients';
import type { IncidentSnapshot } from '../../src/domain/incident';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { incidentIdFor } from '../../src/temporal/incident-id';
import type { GatePolicy } from '../../src/domain/gate';
import { autoPolicy, freshFleet, motoState, runbookFinished, settled, stepStatus } from '../helpers/containment';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { ACCOUNT, REGION, eventually, startStack, type Stack } from '../helpers/stack';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const MEMBER = '222233334444';
const MEMBER_REGION = 'eu-central-1';
const REFUSING = '333344445555';
const EXPIRED = '555566667777';
const FORENSIC = '444455556666';
const EXTERNAL_ID = 'cordon-org-test-7f3a';
const roleOf = (account: string) => `arn:aws:iam::${account}:role/CordonResponder`;

let stack: Stack;
let proxy: FaultProxy;
let hook: WebhookReceiver;
let adminFleet: DemoFleet;
let member: AwsClients;
let memberFleet: DemoFleet;
let adminOtherRegion: AwsClients;

const containing = { ...autoPolicy, contain: { ...(autoPolicy.contain as GatePolicy), notify: ['oncall-secops'] } };

/** Clients acting in `account` the way an operator's tooling would: credentials from AssumeRole into its role (moto honours the account). */
async function clientsIn(account: string, region: string): Promise<AwsClients> {
  const out = await stack.aws.sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/TestSeeder`, RoleSessionName: 'test-seeder' }),
  );
  const c = out.Credentials!;
  return createAwsClients({
    region,
    endpoint: stack.moto.endpoint,
    credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  });
}

/** A GuardDuty finding (EventBridge shape) from the delegated administrator, about an instance in `account`/`region`. */
function finding(account: string, region: string, instanceId: string): string {
  const event = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'alerts', 'guardduty-c2-activity.json'), 'utf8'));
  event.account = ACCOUNT; // EventBridge in the administrator account delivers it
  event.region = region;
  event.detail.accountId = account;
  event.detail.region = region;
  event.detail.id = `${account}${instanceId}`.replace(/[^a-z0-9]/g, '');
  event.detail.resource.instanceDetails.instanceId = instanceId;
  // Seen now: the demo fleet's verified image was built well before, so it is outside the compromise window.
  const now = new Date().toISOString();
  Object.assign(event.detail, { createdAt: now, updatedAt: now });
  Object.assign(event.detail.service, { eventFirstSeen: now, eventLastSeen: now });
  event.time = now;
  return JSON.stringify(event);
}

async function sendFinding(account: string, region: string, instanceId: string): Promise<string> {
  const res = await stack.api.inject({
    method: 'POST',
    url: '/v1/alerts/guardduty',
    headers: { authorization: `Bearer ${stack.tokens.sensor}`, 'content-type': 'application/json' },
    payload: finding(account, region, instanceId),
  });
  expect(res.statusCode).toBe(202);
  const [accepted] = res.json().accepted as { incidentId: string }[];
  expect(accepted!.incidentId).toBe(incidentIdFor({ account, region, instanceId }));
  return accepted!.incidentId;
}

/** Everything the runbook could change in the administrator account, in both regions, as canonical JSON. */
async function adminState(): Promise<string> {
  const snapshots = async (aws: AwsClients) => aws.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
  const other = {
    instances: await adminOtherRegion.ec2.send(new DescribeInstancesCommand({})),
    groups: await adminOtherRegion.ec2.send(new DescribeSecurityGroupsCommand({})),
    tags: await adminOtherRegion.ec2.send(new DescribeTagsCommand({})),
    templates: await adminOtherRegion.ec2.send(new DescribeLaunchTemplatesCommand({})),
    asg: await adminOtherRegion.autoscaling.send(new DescribeAutoScalingGroupsCommand({})),
    snapshots: await snapshots(adminOtherRegion),
  };
  return JSON.stringify(
    { home: await motoState(stack, adminFleet), homeSnapshots: await snapshots(stack.aws), other },
    (k, v) => (k === '$metadata' ? undefined : v),
    1,
  );
}

const auth = (who: string) => ({ authorization: `Bearer ${stack.tokens[who]}` });

beforeAll(async () => {
  hook = await startWebhookReceiver();
  stack = await startStack({
    workerAwsEndpoint: async (moto) => (proxy = await startFaultProxy(moto)).endpoint,
    organisation: {
      externalId: EXTERNAL_ID,
      forensicAccount: FORENSIC,
      accounts: {
        [MEMBER]: { regions: [MEMBER_REGION] },
        [REFUSING]: { regions: [MEMBER_REGION] },
        [EXPIRED]: { regions: [MEMBER_REGION] },
      },
    },
    people: { targets: [{ name: 'ops-webhook', url: hook.url, format: 'json' }] },
    policy: () => containing,
  });
  proxy.setRule((action, _n, params) => {
    if (action !== 'AssumeRole') return undefined;
    if (params.RoleArn === roleOf(REFUSING)) return { kind: 'permanent', code: 'AccessDenied' };
    if (params.RoleArn === roleOf(EXPIRED)) return { kind: 'permanent', code: 'ExpiredToken' };
    return undefined;
  });
  adminFleet = await freshFleet(stack);
  member = await clientsIn(MEMBER, MEMBER_REGION);
  memberFleet = await seedDemoFleet(member, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:' });
  adminOtherRegion = createAwsClients({ region: MEMBER_REGION, endpoint: stack.moto.endpoint });
}, 120_000);
afterAll(async () => {
  if (member) destroyAwsClients(member);
  if (adminOtherRegion) destroyAwsClients(adminOtherRegion);
  await stack?.teardown();
  await proxy?.close();
  await hook?.close();
});

test('a GuardDuty finding from a member account in another region is contained and replaced there, through an assumed role; the administrator account is untouched', async () => {
  expect((await member.sts.send(new GetCallerIdentityCommand({}))).Account).toBe(MEMBER);
  const instanceId = memberFleet.instanceIds[0]!;
  const before = await adminState();
  const seen = proxy.log.length;

  const incidentId = await sendFinding(MEMBER, MEMBER_REGION, instanceId);
  const snap = await settled(stack, incidentId, runbookFinished, 120_000);
  expect(snap.steps.filter((s) => s.status === 'failed').map((s) => `${s.name}: ${s.error}`)).toEqual([]);
  for (const step of [
    'describe',
    'protect-evidence',
    'snapshot-volumes',
    'leave-group',
    'isolate',
    'cut-credentials',
    'tag-quarantined',
    'verify-replacement',
  ]) {
    expect([step, stepStatus(snap, step)]).toEqual([step, 'done']);
  }
  expect(snap.phase).toBe('monitoring');

  // In the member account: isolated, quarantined, out of its group, replaced from the known-good image.
  const described = (await member.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  const isolation = (
    await member.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`cordon-isolation-${memberFleet.vpcId}`] }] }),
    )
  ).SecurityGroups!;
  expect(isolation).toHaveLength(1);
  expect(described.NetworkInterfaces![0]!.Groups!.map((g) => g.GroupId)).toContain(isolation[0]!.GroupId);
  expect(Object.fromEntries(described.Tags!.map((t) => [t.Key, t.Value]))).toMatchObject({
    'ir:case': incidentId,
    'ir:status': 'quarantined',
  });
  const group = (
    await member.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [memberFleet.autoScalingGroupName] }))
  ).AutoScalingGroups![0]!;
  expect(group.Instances!.map((i) => i.InstanceId)).not.toContain(instanceId);
  const fresh = group.Instances!.filter((i) => !memberFleet.instanceIds.includes(i.InstanceId!)).map((i) => i.InstanceId!);
  expect(fresh.length).toBeGreaterThan(0);
  const images = (await member.ec2.send(new DescribeInstancesCommand({ InstanceIds: fresh })))
    .Reservations!.flatMap((r) => r.Instances!)
    .map((i) => i.ImageId);
  expect(images).toContain(memberFleet.knownGoodImageId);

  // Snapshots stay in the member account, shared with the forensic account and tagged so.
  const volumes = (
    await member.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }))
  ).Volumes!;
  const snapshots = (
    await member.ec2.send(
      new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:cordon:incident', Values: [incidentId] }] }),
    )
  ).Snapshots!;
  expect(snapshots.map((s) => s.VolumeId).sort()).toEqual(volumes.map((v) => v.VolumeId).sort());
  for (const s of snapshots) {
    const permission = await member.ec2.send(
      new DescribeSnapshotAttributeCommand({ SnapshotId: s.SnapshotId, Attribute: 'createVolumePermission' }),
    );
    expect(permission.CreateVolumePermissions).toEqual([{ UserId: FORENSIC }]);
    expect(s.Tags).toEqual(expect.arrayContaining([{ Key: 'cordon:shared-with', Value: FORENSIC }]));
  }
  expect(snap.steps.find((s) => s.name === 'snapshot-volumes')!.detail).toContain(
    `shared with forensic account ${FORENSIC}: ${snapshots.length} of ${snapshots.length}`,
  );

  // Nothing changed in the administrator account, in either region.
  expect(await adminState()).toBe(before);

  // One AssumeRole for the whole incident: the member role, the external id, a session named and tagged with the incident.
  const assumed = proxy.log.slice(seen).filter((l) => l.action === 'AssumeRole');
  expect(assumed.map((l) => l.params)).toEqual([
    expect.objectContaining({
      RoleArn: roleOf(MEMBER),
      ExternalId: EXTERNAL_ID,
      RoleSessionName: `cordon-${incidentId}`.slice(0, 64),
      'Tags.member.1.Key': 'cordon:incident',
      'Tags.member.1.Value': incidentId,
    }),
  ]);

  // The evidence manifest (in the administrator's store) names the member account for every AWS capture.
  const evidence = (
    await stack.api.inject({ method: 'GET', url: `/v1/incidents/${incidentId}/evidence`, headers: auth('audrey') })
  ).json() as { artifacts: { name: string; account?: string; region?: string }[] };
  const captures = evidence.artifacts.filter((a) => /^(snapshots|console-output|instance-metadata)-/.test(a.name));
  expect(captures.map((a) => a.name).sort()).toEqual([
    `console-output-${instanceId}.txt`,
    `instance-metadata-${instanceId}.json`,
    `snapshots-${instanceId}.json`,
  ]);
  for (const a of captures) expect([a.name, a.account, a.region]).toEqual([a.name, MEMBER, MEMBER_REGION]);
  const alerts = evidence.artifacts.filter((a) => a.name.startsWith('alerts/guardduty-'));
  expect(alerts.map((a) => a.account)).toEqual([ACCOUNT]);
}, 180_000);

test('a finding for an account or region not configured is accepted, recorded, and stops at describe with what to configure; nothing is assumed', async () => {
  const seen = proxy.log.length;
  const unknownAccount = await sendFinding('999988887777', MEMBER_REGION, 'i-0123456789abcdef0');
  const unknownRegion = await sendFinding(MEMBER, 'us-east-2', 'i-0fedcba9876543210');
  const [a, b] = await Promise.all([unknownAccount, unknownRegion].map((id) => settled(stack, id, runbookFinished, 60_000)));
  const describeOf = (s: IncidentSnapshot) => s.steps.find((x) => x.name === 'describe')!;
  expect(a!.alertCount).toBe(1);
  expect(describeOf(a!).status).toBe('failed');
  expect(describeOf(a!).error).toMatch(
    /^account 999988887777 \(region eu-central-1\) is not configured: add it to accounts in CORDON_ACCOUNTS with its regions, create the responder role there with iam\/responder-policy.json and iam\/responder-trust-policy.json/,
  );
  expect(describeOf(b!).error).toMatch(
    /^region us-east-2 is not configured for account 222233334444 \(allowed: eu-central-1\): add it to accounts\.222233334444\.regions/,
  );
  for (const s of [a!, b!]) {
    expect(s.phase).toBe('failed');
    expect(s.steps.filter((x) => x.status === 'done').map((x) => x.name)).toEqual([]);
  }
  expect(proxy.log.slice(seen).filter((l) => l.action === 'AssumeRole')).toEqual([]);
});

test.each([
  [
    'refused by the role',
    REFUSING,
    /refused \(AccessDenied: .*\); the role's trust policy must allow .* to call sts:AssumeRole with the configured external id \(sts:ExternalId\) and sts:TagSession/,
  ],
  [
    "with Cordon's own credentials expired",
    EXPIRED,
    /failed: Cordon's own credentials are expired or invalid \(ExpiredToken: .*\); renew them — and the role's trust policy must allow/,
  ],
])(
  "an AssumeRole %s is a non-retryable describe failure naming the role and the trust, and pages the gate's contacts",
  async (_what, account, reason) => {
    const instanceId = `i-0${account}0000`;
    const seen = proxy.log.length;
    const incidentId = await sendFinding(account, MEMBER_REGION, instanceId);
    const snap = await settled(stack, incidentId, runbookFinished, 60_000);
    const describe = snap.steps.find((s) => s.name === 'describe')!;
    expect(describe.status).toBe('failed');
    expect(describe.error).toContain(`AssumeRole into ${roleOf(account)} `);
    expect(describe.error).toMatch(reason);
    expect(describe.error).toContain('iam/responder-trust-policy.json');
    // Not retried: one AssumeRole, answered by the refusal.
    expect(
      proxy.log
        .slice(seen)
        .filter((l) => l.action === 'AssumeRole')
        .map((l) => [l.params.RoleArn, l.fault, l.status]),
    ).toEqual([[roleOf(account), 'permanent', 403]]);
    const pages = await eventually(
      async () => {
        const p = hook.received.filter((r) => r.body.incidentId === incidentId && r.body.kind === 'step-failed');
        return p.length ? p : undefined;
      },
      30_000,
      'the step-failed page',
    );
    expect(pages).toHaveLength(1);
    expect(pages[0]!.body).toMatchObject({ step: 'describe', to: ['oncall-secops'] });
    expect(String(pages[0]!.body.message)).toContain(roleOf(account));
  },
);
