/**
 * The built-in IAM runbook through the user's door (API in process → Temporal dev server → worker
 * → moto): a GuardDuty IAM finding about a seeded user's key opens an access-key incident that
 * keeps the principal as evidence, waits for an approver to contain, deactivates only the accused
 * key, waits for an approver before denying older sessions, and tags the user; the breach
 * assessment reads the user's data-classification tags; a Security Hub finding about a key is
 * normalised and contained the same way; a role's temporary key is not deactivated (it cannot be)
 * and the deny on older sessions goes on the role; plan mode lists every call and changes nothing in moto.
 * moto does not evaluate IAM policies (the deny is asserted as stored) and does not emulate
 * CloudTrail's LookupEvents (the capture is skipped as unsupported, with the reason).
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import fs from 'node:fs';
import path from 'node:path';
import { artifactKey, readManifest, type ArtifactEntry } from '../../src/evidence';
import type { IncidentSnapshot } from '../../src/domain/incident';
import { runbookFinished, settled, stepStatus } from '../helpers/containment';
import { startStack, type Stack } from '../helpers/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'alerts');
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ runbooks: {} });
});
afterAll(async () => {
  await stack?.teardown();
});

const as = (who: string) => ({ authorization: `Bearer ${stack.tokens[who]}` });

/** A user with two keys (the second one is not accused), an inline and an attached policy, and personal-data tags. */
async function seedUser(name: string): Promise<{ accused: string; other: string }> {
  const { iam } = stack.aws;
  await iam.send(
    new CreateUserCommand({
      UserName: name,
      Tags: [
        { Key: 'data:personal', Value: 'true' },
        { Key: 'data:subject-regions', Value: 'EU' },
        { Key: 'team', Value: 'platform' },
      ],
    }),
  );
  const accused = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!.AccessKeyId!;
  const other = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!.AccessKeyId!;
  const allowS3 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
  await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'deploy', PolicyDocument: JSON.stringify(allowS3) }));
  const managed = await iam.send(new CreatePolicyCommand({ PolicyName: `${name}-read`, PolicyDocument: JSON.stringify(allowS3) }));
  await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: managed.Policy!.Arn! }));
  return { accused, other };
}

/** The fixture as a sensor sends it, about this key and user, seen now. */
function post(
  source: 'guardduty' | 'securityhub',
  fixture: string,
  keyId: string,
  userName: string,
  query = '',
  edit: (text: string) => string = (t) => t,
) {
  const text = fs
    .readFileSync(path.join(FIXTURES, fixture), 'utf8')
    .split(/AKIAIOSFODNN7EXAMPLE|AKIAI44QH8DHBEXAMPLE/)
    .join(keyId)
    .split('ci-deployer')
    .join(userName)
    .replace(/20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, new Date().toISOString());
  return stack.api.inject({
    method: 'POST',
    url: `/v1/alerts/${source}${query}`,
    headers: { 'content-type': 'application/json', ...as('sensor') },
    payload: edit(text),
  });
}

async function keyStatus(userName: string): Promise<Record<string, string>> {
  const keys = await stack.aws.iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return Object.fromEntries((keys.AccessKeyMetadata ?? []).map((k) => [k.AccessKeyId!, k.Status!]));
}
async function userTags(userName: string): Promise<Record<string, string>> {
  const tags = await stack.aws.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key!, t.Value!]));
}
const decide = (id: string, step: string, reason: string) =>
  stack.api.inject({
    method: 'POST',
    url: `/v1/incidents/${id}/decisions`,
    headers: as('bob'),
    payload: { step, decision: 'approve', reason },
  });

test('a GuardDuty IAM finding: evidence first, the accused key deactivated after approval, older sessions denied after a second', async () => {
  const user = 'ci-deployer';
  const { accused, other } = await seedUser(user);
  const res = await post('guardduty', 'guardduty-iam-malicious-ip-caller.json', accused, user);
  expect(res.statusCode).toBe(202);
  const [accepted] = res.json().accepted;
  expect(accepted).toMatchObject({
    incidentId: `inc-123456789012-iam-${accused}`,
    accessKeyId: accused,
    userName: user,
    severity: 'medium',
  });
  const id = accepted.incidentId as string;

  // Medium: containment waits for an approver; the principal is already evidence, nothing changed yet.
  const waiting = await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval', 60000);
  expect(waiting.runbook).toMatchObject({ name: 'iam-access-key-compromise', version: '1.0.0' });
  expect(waiting.principal).toMatchObject({
    kind: 'iam-user',
    name: user,
    accessKeyId: accused,
    inlinePolicies: ['deploy'],
    attachedPolicies: [{ name: `${user}-read` }],
    tags: { 'data:personal': 'true', 'data:subject-regions': 'EU', team: 'platform' },
  });
  expect(waiting.principal!.accessKeys.map((k) => [k.accessKeyId, k.status]).sort()).toEqual(
    [
      [accused, 'Active'],
      [other, 'Active'],
    ].sort(),
  );
  await settled(stack, id, (s) => stepStatus(s, 'capture-principal') === 'done', 30000);
  expect(await keyStatus(user)).toEqual({ [accused]: 'Active', [other]: 'Active' });

  expect((await decide(id, 'contain', 'the caller IP is on our threat list')).statusCode).toBe(200);
  await settled(stack, id, (s) => stepStatus(s, 'revoke-principal-sessions') === 'awaiting-approval', 60000);
  // Only the accused key is inactive; nothing is denied before the second approval.
  expect(await keyStatus(user)).toEqual({ [accused]: 'Inactive', [other]: 'Active' });
  expect(await userTags(user)).toMatchObject({ 'ir:case': id, 'ir:status': 'containing' });
  expect((await stack.aws.iam.send(new ListUserPoliciesCommand({ UserName: user }))).PolicyNames).toEqual(['deploy']);

  const beforeApproval = new Date().toISOString();
  expect((await decide(id, 'revoke-principal-sessions', 'sessions may have been minted with the key')).statusCode).toBe(200);
  const finished: IncidentSnapshot = await settled(stack, id, runbookFinished, 90000);
  const afterFinish = new Date().toISOString();
  expect(finished.steps.map((s) => [s.name, s.status])).toEqual([
    ['describe', 'done'],
    ['capture-principal', 'done'],
    ['contain', 'done'],
    ['tag-containing', 'done'],
    ['deactivate-access-key', 'done'],
    ['revoke-principal-sessions', 'done'],
    ['tag-quarantined', 'done'],
    ['capture-cloudtrail', 'skipped'],
    ['capture-alerts', 'done'],
  ]);
  expect(finished.phase).toBe('contained');
  // moto does not emulate LookupEvents: recorded as unsupported, not failed.
  expect(finished.steps.find((s) => s.name === 'capture-cloudtrail')!.detail).toMatch(
    /^unsupported: CloudTrail LookupEvents is not offered/,
  );

  const revoke = await stack.aws.iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: 'AWSRevokeOlderSessions' }));
  const doc = JSON.parse(decodeURIComponent(revoke.PolicyDocument!));
  expect(doc.Statement).toEqual([
    { Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.any(String) } } },
  ]);
  const cutOff = doc.Statement[0].Condition.DateLessThan['aws:TokenIssueTime'] as string;
  // The containment time: when the approved step ran, not when the incident opened.
  expect(cutOff >= beforeApproval && cutOff <= afterFinish).toBe(true);
  expect(await userTags(user)).toMatchObject({ 'ir:case': id, 'ir:status': 'quarantined', 'data:personal': 'true' });
  expect(await keyStatus(user)).toEqual({ [accused]: 'Inactive', [other]: 'Active' });

  // Evidence: the principal (with its policy documents) and the alerts, listed through the API and verifying.
  const manifest = await readManifest(stack.evidence, id);
  const principal = manifest.find((e): e is ArtifactEntry => e.kind === 'artifact' && e.name === `principal-iam-user-${user}.json`)!;
  expect(principal).toBeDefined();
  const stream = await stack.evidence.get(artifactKey(id, principal));
  const body = JSON.parse(Buffer.concat((await stream.toArray()) as Buffer[]).toString('utf8'));
  expect(body.describedBefore.accessKeys.every((k: { status: string }) => k.status === 'Active')).toBe(true);
  expect(body.policies.inline.deploy.Statement[0]).toMatchObject({ Effect: 'Allow', Action: 's3:*' });
  expect(Object.keys(body.policies.attached)).toEqual([expect.stringContaining(`${user}-read`)]);
  const listed = await stack.api.inject({ method: 'GET', url: `/v1/incidents/${id}/evidence`, headers: as('audrey') });
  expect(listed.statusCode).toBe(200);
  const names = (listed.json().artifacts as { name: string }[]).map((a) => a.name);
  expect(names).toEqual(expect.arrayContaining([`principal-iam-user-${user}.json`, expect.stringMatching(/^alerts\/guardduty-/)]));
  const verify = await stack.api.inject({ method: 'POST', url: `/v1/incidents/${id}/evidence/verify`, headers: as('audrey'), payload: {} });
  expect(verify.statusCode).toBe(200);
  expect(verify.json()).toMatchObject({ ok: true });

  // Breach assessment from the user's tags: personal data of EU subjects starts the notification clocks.
  expect(finished.timeline.map((t) => t.message)).toContainEqual(
    expect.stringMatching(new RegExp(`^breach assessment: personal data \\(EU\\); notification clocks started as ${id}/breach`)),
  );
  const notification = await stack.api.inject({ method: 'GET', url: `/v1/incidents/${id}/notification`, headers: as('alice') });
  expect(notification.statusCode).toBe(200);

  // The incidents list names the key and its user (what `cordon list` and the console show).
  const list = await stack.api.inject({ method: 'GET', url: '/v1/incidents', headers: as('alice') });
  expect(list.statusCode).toBe(200);
  expect((list.json().incidents as { incidentId: string }[]).find((i) => i.incidentId === id)).toMatchObject({
    accessKeyId: accused,
    userName: user,
    account: '123456789012',
  });
});

test('plan mode for an IAM finding lists every call it would make and changes nothing in moto', async () => {
  const user = 'plan-only';
  const { accused } = await seedUser(user);
  const before = JSON.stringify([
    await keyStatus(user),
    await userTags(user),
    (await stack.aws.iam.send(new ListUserPoliciesCommand({ UserName: user }))).PolicyNames,
  ]);
  const res = await post('guardduty', 'guardduty-iam-malicious-ip-caller.json', accused, user, '?dryRun=true');
  expect(res.statusCode).toBe(202);
  const [plan] = res.json().plans;
  expect(plan).toMatchObject({ accessKeyId: accused, userName: user });
  const view = await stack.api.inject({ method: 'GET', url: `/v1/plans/${plan.planId}?waitSeconds=30`, headers: as('alice') });
  expect(view.statusCode).toBe(200);
  const result = view.json().result as IncidentSnapshot;
  expect(result.steps.map((s) => s.name)).toEqual([
    'describe',
    'capture-principal',
    'contain',
    'tag-containing',
    'deactivate-access-key',
    'revoke-principal-sessions',
    'tag-quarantined',
    'capture-cloudtrail',
    'capture-alerts',
  ]);
  expect(result.plan!.map((c) => `${c.step} ${c.service}:${c.operation}`)).toEqual([
    'capture-principal iam:GetUserPolicy',
    'capture-principal iam:GetPolicy',
    'tag-containing iam:TagUser',
    'deactivate-access-key iam:UpdateAccessKey',
    'revoke-principal-sessions iam:PutUserPolicy',
    'tag-quarantined iam:TagUser',
    'capture-cloudtrail cloudtrail:LookupEvents',
  ]);
  expect(result.plan!.find((c) => c.operation === 'UpdateAccessKey')!.input).toEqual({
    UserName: user,
    AccessKeyId: accused,
    Status: 'Inactive',
  });
  // Who each gate would wait for, without waiting.
  expect(result.steps.find((s) => s.name === 'revoke-principal-sessions')!.detail).toBeDefined();
  expect(result.timeline.map((t) => t.message)).toContainEqual(
    expect.stringMatching(/^revoke-principal-sessions: plan: would wait for 1 approval/),
  );
  const after = JSON.stringify([
    await keyStatus(user),
    await userTags(user),
    (await stack.aws.iam.send(new ListUserPoliciesCommand({ UserName: user }))).PolicyNames,
  ]);
  expect(after).toBe(before);
  // No incident was opened for the key.
  const incident = await stack.api.inject({ method: 'GET', url: `/v1/incidents/inc-123456789012-iam-${accused}`, headers: as('alice') });
  expect(incident.statusCode).toBe(404);
});

test('a Security Hub finding about an access key is normalised through HTTP and contained by the IAM runbook', async () => {
  const user = 'hub-user';
  const { accused, other } = await seedUser(user);
  const res = await post('securityhub', 'securityhub-iam-access-key.json', accused, user);
  expect(res.statusCode).toBe(202);
  const body = res.json();
  expect(body.accepted).toEqual([
    expect.objectContaining({ incidentId: `inc-123456789012-iam-${accused}`, accessKeyId: accused, userName: user, severity: 'high' }),
  ]);
  // The control finding about the user alone names no key: skipped, with the reason.
  expect(body.skipped).toEqual([expect.objectContaining({ path: 'detail.findings[1]', reason: expect.stringContaining('AwsIamUser') })]);
  const id = body.accepted[0].incidentId as string;
  // High: containment is automatic by policy; denying older sessions still waits for a person.
  await settled(stack, id, (s) => stepStatus(s, 'revoke-principal-sessions') === 'awaiting-approval', 60000);
  expect(await keyStatus(user)).toEqual({ [accused]: 'Inactive', [other]: 'Active' });
  expect(await userTags(user)).toMatchObject({ 'ir:case': id, 'ir:status': 'containing' });
});

test("a role's temporary key (AssumedRole): it cannot be deactivated, so the deny on older sessions goes on the role after approval", async () => {
  const role = 'ci-runner';
  const { iam } = stack.aws;
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
  await iam.send(
    new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: JSON.stringify(trust), Tags: [{ Key: 'team', Value: 'ci' }] }),
  );
  const sessionKey = 'ASIAQROLESESSION0001';
  const res = await post('guardduty', 'guardduty-iam-malicious-ip-caller.json', sessionKey, role, '', (t) =>
    t.replace('"userType": "IAMUser"', '"userType": "AssumedRole"'),
  );
  expect(res.statusCode).toBe(202);
  const id = res.json().accepted[0].incidentId as string;
  expect(id).toBe(`inc-123456789012-iam-${sessionKey}`);

  const waiting = await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval', 60000);
  expect(waiting.principal).toMatchObject({ kind: 'iam-role', name: role, accessKeyId: sessionKey });
  expect((await decide(id, 'contain', 'the session called from a threat-list IP')).statusCode).toBe(200);
  await settled(stack, id, (s) => stepStatus(s, 'revoke-principal-sessions') === 'awaiting-approval', 60000);
  // Nothing denied before the second approval; the role is tagged.
  expect((await iam.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames).toEqual([]);
  expect((await iam.send(new ListRoleTagsCommand({ RoleName: role }))).Tags).toContainEqual({ Key: 'ir:case', Value: id });

  expect((await decide(id, 'revoke-principal-sessions', 'deny every session issued so far')).statusCode).toBe(200);
  const finished: IncidentSnapshot = await settled(stack, id, runbookFinished, 90000);
  expect(finished.steps.find((s) => s.name === 'deactivate-access-key')).toMatchObject({
    status: 'skipped',
    detail: expect.stringContaining(`temporary key of role ${role}`),
  });
  expect(stepStatus(finished, 'revoke-principal-sessions')).toBe('done');
  const revoke = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'AWSRevokeOlderSessions' }));
  expect(JSON.parse(decodeURIComponent(revoke.PolicyDocument!)).Statement).toEqual([
    { Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.any(String) } } },
  ]);
  expect((await iam.send(new ListRoleTagsCommand({ RoleName: role }))).Tags).toContainEqual({ Key: 'ir:status', Value: 'quarantined' });
});

test("a finding that names another user than the key's owner in IAM is refused before any change", async () => {
  const owner = 'key-owner';
  const { accused } = await seedUser(owner);
  await stack.aws.iam.send(new CreateUserCommand({ UserName: 'someone-else' }));
  const res = await post('guardduty', 'guardduty-iam-malicious-ip-caller.json', accused, 'someone-else');
  expect(res.statusCode).toBe(202);
  const id = res.json().accepted[0].incidentId as string;
  const stopped = await settled(stack, id, (s) => stepStatus(s, 'describe') === 'failed', 60000);
  expect(stopped.steps.find((s) => s.name === 'describe')!.error).toMatch(new RegExp(`belongs to ${owner}, not to someone-else`));
  expect(stopped.steps.filter((s) => s.status === 'done').map((s) => s.name)).toEqual([]);
  const keys = await keyStatus(owner);
  expect(keys[accused]).toBe('Active');
  expect(Object.values(keys)).toEqual(['Active', 'Active']);
  expect(await userTags(owner)).not.toHaveProperty('ir:case');
});

test('an access key contained by hand (POST /v1/runbooks/iam-access-key-compromise/runs): its owner read from IAM, the key inactive after an approver', async () => {
  const user = 'by-hand';
  const { accused, other } = await seedUser(user);
  const res = await stack.api.inject({
    method: 'POST',
    url: '/v1/runbooks/iam-access-key-compromise/runs',
    headers: as('alice'),
    payload: { target: { kind: 'iam-access-key', id: accused }, reason: 'key pasted in a public gist' },
  });
  expect(res.statusCode).toBe(202);
  const id = res.json().incidentId as string;
  expect(id).toBe(`inc-123456789012-iam-${accused}`);
  const waiting = await settled(stack, id, (s) => stepStatus(s, 'contain') === 'awaiting-approval', 60000);
  expect(waiting.principal).toMatchObject({ kind: 'iam-user', name: user, accessKeyId: accused });
  expect(await keyStatus(user)).toEqual({ [accused]: 'Active', [other]: 'Active' });
  expect((await decide(id, 'contain', 'the gist is public')).statusCode).toBe(200);
  await settled(stack, id, (s) => stepStatus(s, 'revoke-principal-sessions') === 'awaiting-approval', 60000);
  expect(await keyStatus(user)).toEqual({ [accused]: 'Inactive', [other]: 'Active' });
});
