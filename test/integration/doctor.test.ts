/**
 * `cordon doctor` as an operator runs it: a separate process with the worker's environment
 * (CORDON_ACCOUNTS, AWS_ENDPOINT_URL), talking to moto through a recording proxy and to the API
 * for incidents. moto evaluates no IAM, so a missing permission and a refused AssumeRole come
 * from the proxy; the proxy's log shows that every EC2 call carried DryRun and the session the
 * doctor opened in the member account.
 */
import { runCordon } from '../helpers/cli';
import { freshFleet, motoState } from '../helpers/containment';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { ACCOUNT, REGION, startStack, type Stack } from '../helpers/stack';
import type { DemoFleet } from '../../src/local/demo-fleet';
import type { DoctorReport } from '../../src/cli/doctor-command';

const MEMBER = '222233334444';
const REFUSING = '333344445555';
const MEMBER_REGION = 'eu-central-1';

let stack: Stack;
let proxy: FaultProxy;
let fleet: DemoFleet;
let apiUrl: string;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  fleet = await freshFleet(stack);
  proxy = await startFaultProxy(stack.moto.endpoint);
  apiUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await stack?.teardown();
});

const env = (accounts: Record<string, unknown>) => ({
  AWS_ENDPOINT_URL: proxy.endpoint,
  AWS_REGION: REGION,
  CORDON_ACCOUNTS: JSON.stringify({ externalId: 'doctor-test-ext', accounts }),
});

test('every configured account and region: a session opened, every EC2 permission dry-run, nothing changed; exit 0 when nothing is missing', async () => {
  const before = await motoState(stack, fleet);
  const seen = proxy.log.length;
  const run = await runCordon(['--json', 'doctor'], env({ [MEMBER]: { regions: [MEMBER_REGION] } }));
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as DoctorReport;
  expect(report.homeAccount).toBe(ACCOUNT);
  expect(report.scopes.map((s) => [s.account, s.region, s.session, s.via])).toEqual([
    [ACCOUNT, REGION, 'ok', 'default credential chain'],
    [MEMBER, MEMBER_REGION, 'ok', `arn:aws:iam::${MEMBER}:role/CordonResponder`],
  ]);
  for (const scope of report.scopes) {
    const result = (action: string) => scope.checks.find((c) => c.action === action);
    expect(result('ec2:ModifyNetworkInterfaceAttribute')).toMatchObject({ statement: 'Isolate', result: 'ok', detail: 'dry run allowed' });
    expect(result('ec2:CreateSnapshots')).toMatchObject({ result: 'ok', detail: 'dry run allowed' });
    expect(result('autoscaling:DetachInstances')).toMatchObject({ result: 'not checkable' });
    expect(scope.checks.filter((c) => c.result === 'missing')).toEqual([]);
  }
  expect(report.incidentsNote).toMatch(/no API token/);

  const calls = proxy.log.slice(seen);
  expect(
    calls.filter((l) => l.action === 'AssumeRole').map((l) => [l.params.RoleArn, l.params.RoleSessionName, l.params.ExternalId]),
  ).toEqual([[`arn:aws:iam::${MEMBER}:role/CordonResponder`, 'cordon-doctor', 'doctor-test-ext']]);
  // Every EC2 call that changes something was a dry run, and moto's state is as it was.
  const mutations = calls.filter(
    (l) => /^(Create|Modify|Authorize|Revoke|Run|Disassociate)/.test(l.action) && l.action !== 'DisassociateIamInstanceProfile',
  );
  expect(mutations.length).toBeGreaterThan(10);
  expect(mutations.filter((l) => l.params.DryRun !== 'true').map((l) => l.action)).toEqual([]);
  expect(calls.map((l) => l.action)).not.toContain('DisassociateIamInstanceProfile');
  expect(await motoState(stack, fleet)).toBe(before);
}, 60_000);

test('a missing permission, a refused role and an incident in an unconfigured account are each printed; exit 1', async () => {
  const res = await stack.api.inject({
    method: 'POST',
    url: '/v1/alerts/generic',
    headers: { authorization: `Bearer ${stack.tokens.alice}`, 'content-type': 'application/json' },
    payload: {
      instanceId: 'i-0123456789abcdef0',
      severity: 'high',
      title: 'EDR: reverse shell',
      account: '999988887777',
      region: MEMBER_REGION,
    },
  });
  expect(res.statusCode).toBe(202);
  const incidentId = (res.json().accepted as { incidentId: string }[])[0]!.incidentId;
  proxy.setRule((action, _n, params) => {
    if (action === 'ModifyNetworkInterfaceAttribute') return { kind: 'permanent', code: 'UnauthorizedOperation' };
    if (action === 'AssumeRole' && params.RoleArn?.includes(REFUSING)) return { kind: 'permanent', code: 'AccessDenied' };
    return undefined;
  });
  try {
    const run = await runCordon(
      ['--api', apiUrl, '--token', stack.tokens.audrey!, 'doctor'],
      env({ [MEMBER]: { regions: [MEMBER_REGION] }, [REFUSING]: { regions: [MEMBER_REGION] } }),
    );
    expect(run.code).toBe(1);
    const out = run.stdout;
    expect(out).toMatch(new RegExp(`^${ACCOUNT}\\s+${REGION}\\s+ok\\s+\\d+\\s+1\\s+\\d+\\s+default credential chain$`, 'm'));
    expect(out).toMatch(new RegExp(`^${MEMBER}\\s+${MEMBER_REGION}\\s+ok\\s+\\d+\\s+1\\s+`, 'm'));
    expect(out).toMatch(
      new RegExp(`^${REFUSING}\\s+${MEMBER_REGION}\\s+refused\\s+0\\s+0\\s+0\\s+arn:aws:iam::${REFUSING}:role/CordonResponder$`, 'm'),
    );
    expect(out).toContain(
      `${REFUSING} ${MEMBER_REGION}: AssumeRole into arn:aws:iam::${REFUSING}:role/CordonResponder refused (AccessDenied`,
    );
    expect(out).toMatch(/^Missing$/m);
    for (const [account, region] of [
      [ACCOUNT, REGION],
      [MEMBER, MEMBER_REGION],
    ]) {
      expect(out).toMatch(
        new RegExp(`^${account}\\s+${region}\\s+Isolate\\s+ec2:ModifyNetworkInterfaceAttribute\\s+missing\\s+UnauthorizedOperation`, 'm'),
      );
    }
    expect(out).toMatch(
      new RegExp(
        `^${incidentId}\\s+999988887777\\s+${MEMBER_REGION}\\s+account 999988887777 \\(region ${MEMBER_REGION}\\) is not configured: add it to accounts in CORDON_ACCOUNTS`,
        'm',
      ),
    );
    expect(out).toMatch(/^4 problem\(s\): see above$/m);
  } finally {
    proxy.setRule(() => undefined);
  }
}, 60_000);

test('a bad organisation document is refused with its path, before anything is called', async () => {
  const seen = proxy.log.length;
  const run = await runCordon(['doctor'], { ...env({ '2222': { regions: ['moon-1'] } }) });
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/CORDON_ACCOUNTS: document: accounts\.2222\.regions\.0: expected an AWS region code/);
  expect(run.stderr).toMatch(/accounts\.2222: expected a 12-digit AWS account id as the key/);
  expect(proxy.log.length).toBe(seen);
});
