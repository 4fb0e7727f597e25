/**
 * The account router against moto's STS, through a recording proxy: one AssumeRole per role and
 * session while the credentials are fresh, a new one once they are within `refreshBeforeSeconds`
 * of expiry (a clock the test moves), the Cordon account on its default chain, and transient
 * STS errors kept apart from refusals. What the router assumed is checked with
 * GetCallerIdentity through the clients it handed out (moto answers the assumed account).
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AccountNotConfiguredError, AccountRouter, AssumeRoleRefusedError } from '../../src/aws/account-router';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/aws/clients';
import { resolveOrganisation, organisationSchema } from '../../src/config/organisation';
import { startMoto, type MotoServer } from '../../src/local/moto-server';
import { toolchainPaths } from '../../src/local/toolchain-paths';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';

const MEMBER = '222233334444';
let moto: MotoServer;
let proxy: FaultProxy;
let home: AwsClients;
let router: AccountRouter;
let clock = 0;

beforeAll(async () => {
  moto = await startMoto({ binary: toolchainPaths().motoServer });
  proxy = await startFaultProxy(moto.endpoint);
  home = createAwsClients({ region: 'eu-west-1', endpoint: proxy.endpoint });
  const document = organisationSchema.parse({
    externalId: 'ext-1',
    home: { regions: ['eu-west-1', 'us-east-1'] },
    accounts: { [MEMBER]: { regions: ['eu-central-1', 'eu-west-1'] } },
  });
  router = new AccountRouter({
    home,
    organisation: resolveOrganisation({ source: 'CORDON_ACCOUNTS', document }, 'eu-west-1'),
    now: () => clock,
  });
});
afterAll(async () => {
  router?.close();
  if (home) destroyAwsClients(home);
  await proxy?.close();
  await moto?.stop();
});

const assumeRoles = () => proxy.log.filter((l) => l.action === 'AssumeRole');
const who = async (aws: AwsClients) => await aws.sts.send(new GetCallerIdentityCommand({}));

test('one AssumeRole per session while fresh; assumed again within refreshBeforeSeconds of expiry; sessions apart', async () => {
  // The test clock starts with the real one; moto's credentials expire 3600 s after it issued them (a little later).
  clock = Date.now();
  const first = await router.clientsFor(
    { account: MEMBER, region: 'eu-central-1' },
    { name: 'inc-a', tags: { 'cordon:incident': 'inc-a' } },
  );
  const again = await router.clientsFor({ account: MEMBER, region: 'eu-central-1' }, { name: 'inc-a' });
  const otherRegion = await router.clientsFor({ account: MEMBER, region: 'eu-west-1' }, { name: 'inc-a' });
  expect(again.aws).toBe(first.aws);
  expect(otherRegion.aws.region).toBe('eu-west-1');
  expect(assumeRoles()).toHaveLength(1);
  const identity = await who(first.aws);
  expect(identity.Account).toBe(MEMBER);
  expect(identity.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/CordonResponder/cordon-inc-a`);

  // 3600 s sessions, refreshed 600 s before expiry: at +2900 s still fresh (700 s left), at +3100 s assumed again (500 s left).
  clock += 2900_000;
  await router.clientsFor({ account: MEMBER, region: 'eu-central-1' }, { name: 'inc-a' });
  expect(assumeRoles()).toHaveLength(1);
  clock += 200_000;
  const refreshed = await router.clientsFor({ account: MEMBER, region: 'eu-central-1' }, { name: 'inc-a' });
  expect(assumeRoles()).toHaveLength(2);
  expect(refreshed.aws).toBe(first.aws);
  expect((await who(refreshed.aws)).Account).toBe(MEMBER);

  await router.clientsFor({ account: MEMBER, region: 'eu-central-1' }, { name: 'inc-b' });
  expect(assumeRoles().map((l) => l.params.RoleSessionName)).toEqual(['cordon-inc-a', 'cordon-inc-a', 'cordon-inc-b']);
});

test('the Cordon account acts on its default chain: its own clients in AWS_REGION, clients built alike in another allowed region', async () => {
  const before = assumeRoles().length;
  const here = await router.clientsFor({ account: '123456789012', region: 'eu-west-1' }, { name: 'inc-c' });
  const there = await router.clientsFor({ account: '123456789012', region: 'us-east-1' }, { name: 'inc-c' });
  expect(here.aws).toBe(home);
  expect([there.aws.region, there.via, (await who(there.aws)).Account]).toEqual(['us-east-1', 'default credential chain', '123456789012']);
  await expect(router.clientsFor({ account: '123456789012', region: 'ap-south-1' }, { name: 'inc-c' })).rejects.toBeInstanceOf(
    AccountNotConfiguredError,
  );
  await expect(router.clientsFor({ account: MEMBER, region: 'ap-south-1' }, { name: 'inc-c' })).rejects.toThrow(
    /region ap-south-1 is not configured for account 222233334444 \(allowed: eu-central-1, eu-west-1\)/,
  );
  expect(assumeRoles().length).toBe(before);
});

test('throttled STS is thrown as it came (for a retry), never as a refusal; the next call assumes the role', async () => {
  proxy.setRule((action) => (action === 'AssumeRole' ? { kind: 'throttle' } : undefined));
  const throttled = await router.clientsFor({ account: MEMBER, region: 'eu-central-1' }, { name: 'inc-d' }).catch((err: unknown) => err);
  expect(throttled).not.toBeInstanceOf(AssumeRoleRefusedError);
  expect((throttled as { name?: string }).name).toBe('Throttling');
  proxy.setRule(() => undefined);
  expect((await who((await router.clientsFor({ account: MEMBER, region: 'eu-central-1' }, { name: 'inc-d' })).aws)).Account).toBe(MEMBER);
});
