import { ConfigError, loadConfig, usesSimulatedAws } from '../../src/config/schema';
import { WORKER_MAIN_HEAP_MIB, mainHeapWarning, workerMemorySettings } from '../../src/bootstrap/memory-budget';
import { peopleTargetsFromConfig } from '../../activities/people-notices/people-config';
import { organisationFromConfig } from '../../src/config/organisation';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test('defaults run everything embedded', () => {
  const config = loadConfig({});
  expect(config.CORDON_API_PORT).toBe(8787);
  expect(config.TEMPORAL_ADDRESS).toBeUndefined();
  expect(usesSimulatedAws(config)).toBe(true);
});

test('an AWS endpoint or credentials mean bring-your-own AWS', () => {
  expect(usesSimulatedAws(loadConfig({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }))).toBe(false);
  expect(usesSimulatedAws(loadConfig({ AWS_PROFILE: 'ir' }))).toBe(false);
});

test('every invalid setting is reported at once', () => {
  let error: ConfigError | undefined;
  try {
    loadConfig({ CORDON_API_PORT: 'eighty', AWS_ENDPOINT_URL: 'not a url', CORDON_LOG_LEVEL: 'loud' });
  } catch (err) {
    error = err as ConfigError;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual(['AWS_ENDPOINT_URL', 'CORDON_API_PORT', 'CORDON_LOG_LEVEL']);
});

test('dev server SQLite pragmas: WAL by default, only journal_mode and synchronous accepted', () => {
  expect(loadConfig({}).CORDON_DEV_SQLITE_PRAGMAS).toEqual(['journal_mode=wal', 'synchronous=normal']);
  expect(loadConfig({ CORDON_DEV_SQLITE_PRAGMAS: 'journal_mode=wal, synchronous=full' }).CORDON_DEV_SQLITE_PRAGMAS).toEqual([
    'journal_mode=wal',
    'synchronous=full',
  ]);
  expect(() => loadConfig({ CORDON_DEV_SQLITE_PRAGMAS: 'cache_size=100' })).toThrow(/CORDON_DEV_SQLITE_PRAGMAS/);
});

test('email notices: an smtp(s) URL needs a From; recipients must be addresses; the password is never echoed', () => {
  const base = {
    CORDON_NOTIFY_SMTP_URL: 'smtp://cordon:s3cret-pw@mail.example.com:587',
    CORDON_NOTIFY_EMAIL_FROM: 'Cordon <cordon@example.com>',
    CORDON_NOTIFY_EMAIL_TO: 'secops@example.com, dpo@example.com',
  };
  expect(peopleTargetsFromConfig(loadConfig(base))).toEqual([
    {
      name: 'email',
      format: 'email',
      smtpUrl: base.CORDON_NOTIFY_SMTP_URL,
      from: 'Cordon <cordon@example.com>',
      to: ['secops@example.com', 'dpo@example.com'],
    },
  ]);
  expect(peopleTargetsFromConfig(loadConfig({}))).toEqual([]);
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };
  expect(problems({ CORDON_NOTIFY_SMTP_URL: base.CORDON_NOTIFY_SMTP_URL })).toEqual([
    'CORDON_NOTIFY_EMAIL_FROM: required when CORDON_NOTIFY_SMTP_URL is set',
  ]);
  const bad = problems({
    CORDON_NOTIFY_SMTP_URL: 'https://cordon:s3cret-pw@mail.example.com',
    CORDON_NOTIFY_EMAIL_FROM: 'not an address',
    CORDON_NOTIFY_EMAIL_TO: 'secops',
  });
  expect(bad.map((p) => p.split(':')[0]).sort()).toEqual(['CORDON_NOTIFY_EMAIL_FROM', 'CORDON_NOTIFY_EMAIL_TO', 'CORDON_NOTIFY_SMTP_URL']);
  expect(bad.join('\n')).not.toContain('s3cret-pw');
});

test('fleet guard budget: 3 at once, 34 % per 60 min by default; window 0 allowed, nonsense refused', () => {
  const c = loadConfig({});
  expect([c.CORDON_FLEET_MAX_CONCURRENT, c.CORDON_FLEET_MAX_PERCENT, c.CORDON_FLEET_WINDOW_MINUTES]).toEqual([3, 34, 60]);
  expect(loadConfig({ CORDON_FLEET_WINDOW_MINUTES: '0', CORDON_FLEET_MAX_PERCENT: '100' })).toMatchObject({
    CORDON_FLEET_WINDOW_MINUTES: 0,
    CORDON_FLEET_MAX_PERCENT: 100,
  });
  let error: ConfigError | undefined;
  try {
    loadConfig({ CORDON_FLEET_MAX_CONCURRENT: '0', CORDON_FLEET_MAX_PERCENT: '150', CORDON_FLEET_WINDOW_MINUTES: '-5' });
  } catch (err) {
    error = err as ConfigError;
  }
  expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual([
    'CORDON_FLEET_MAX_CONCURRENT',
    'CORDON_FLEET_MAX_PERCENT',
    'CORDON_FLEET_WINDOW_MINUTES',
  ]);
});

test('organisation: CORDON_ACCOUNTS (inline JSON) or CORDON_ACCOUNTS_FILE (JSON/YAML); role ARNs built from the default name unless overridden', () => {
  const inline = {
    roleName: 'IncidentResponder',
    externalId: 'cordon-ext-1',
    forensicAccount: '444455556666',
    home: { regions: ['eu-west-1', 'us-east-1'] },
    accounts: {
      '222233334444': { regions: ['eu-central-1'] },
      '333344445555': { regions: ['us-east-2'], roleArn: 'arn:aws:iam::333344445555:role/ir/Custom', externalId: 'other-ext' },
    },
  };
  const org = organisationFromConfig(loadConfig({ CORDON_ACCOUNTS: JSON.stringify(inline) }));
  expect(org).toEqual({
    home: { account: undefined, regions: ['eu-west-1', 'us-east-1'] },
    forensicAccount: '444455556666',
    sessionDurationSeconds: 3600,
    refreshBeforeSeconds: 600,
    source: 'CORDON_ACCOUNTS',
    members: [
      {
        account: '222233334444',
        regions: ['eu-central-1'],
        roleArn: 'arn:aws:iam::222233334444:role/IncidentResponder',
        externalId: 'cordon-ext-1',
      },
      { account: '333344445555', regions: ['us-east-2'], roleArn: 'arn:aws:iam::333344445555:role/ir/Custom', externalId: 'other-ext' },
    ],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-org-'));
  const file = path.join(dir, 'accounts.yaml');
  fs.writeFileSync(file, 'accounts:\n  "222233334444":\n    regions: [eu-central-1]\n');
  const fromFile = organisationFromConfig(loadConfig({ CORDON_ACCOUNTS_FILE: file, AWS_REGION: 'us-west-2' }));
  expect(fromFile).toMatchObject({
    source: file,
    home: { regions: ['us-west-2'] },
    members: [{ account: '222233334444', roleArn: 'arn:aws:iam::222233334444:role/CordonResponder', externalId: undefined }],
  });
  // No document: the Cordon account in AWS_REGION only.
  expect(organisationFromConfig(loadConfig({}))).toMatchObject({ source: 'default', home: { regions: ['eu-west-1'] }, members: [] });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('organisation: every problem in the document is named by its path; both sources at once are refused', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };
  const bad = problems({
    CORDON_ACCOUNTS: JSON.stringify({
      home: { account: '222233334444' },
      externalId: 'x',
      sessionDurationSeconds: 900,
      refreshBeforeSeconds: 900,
      colour: 'blue',
      accounts: {
        '22223333444': { regions: ['eu-central-1'] },
        '222233334444': { regions: [] },
        '333344445555': { regions: ['eu-west-1', 'eu-west-1'], roleArn: 'arn:aws:iam::999988887777:role/X' },
      },
    }),
  });
  expect(bad.map((p) => p.replace(/^CORDON_ACCOUNTS: document: /, '').split(':')[0]).sort()).toEqual([
    '(root)',
    'accounts.22223333444',
    'accounts.222233334444',
    'accounts.222233334444.regions',
    'accounts.333344445555.regions',
    'accounts.333344445555.roleArn',
    'externalId',
    'refreshBeforeSeconds',
  ]);
  expect(bad.join('\n')).toMatch(/accounts\.333344445555\.roleArn: the role ARN names account 999988887777, not 333344445555/);
  expect(bad.join('\n')).toMatch(/accounts\.222233334444: this is the Cordon account \(home\.account\)/);
  expect(problems({ CORDON_ACCOUNTS: '{not json' })).toEqual([expect.stringMatching(/^CORDON_ACCOUNTS: not valid JSON/)]);
  expect(problems({ CORDON_ACCOUNTS_FILE: '/nonexistent/accounts.yaml' })).toEqual([
    'CORDON_ACCOUNTS_FILE: cannot read /nonexistent/accounts.yaml: ENOENT',
  ]);
  expect(problems({ CORDON_ACCOUNTS_FILE: __filename })).toEqual([
    expect.stringMatching(/^CORDON_ACCOUNTS_FILE: .*config\.test\.ts: not valid YAML: /),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-org-'));
  fs.writeFileSync(path.join(dir, 'accounts.json'), '{}');
  expect(problems({ CORDON_ACCOUNTS: '{}', CORDON_ACCOUNTS_FILE: path.join(dir, 'accounts.json') })).toEqual([
    'CORDON_ACCOUNTS/CORDON_ACCOUNTS_FILE: set one of them, not both',
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("fleet guards' task queue: unset by default (workers use <queue>-fleet-guard); the incidents' queue itself is refused", () => {
  expect(loadConfig({}).CORDON_FLEET_GUARD_TASK_QUEUE).toBeUndefined();
  expect(loadConfig({ CORDON_FLEET_GUARD_TASK_QUEUE: 'cordon-guards' }).CORDON_FLEET_GUARD_TASK_QUEUE).toBe('cordon-guards');
  let error: ConfigError | undefined;
  try {
    loadConfig({ CORDON_TASK_QUEUE: 'runbooks', CORDON_FLEET_GUARD_TASK_QUEUE: 'runbooks' });
  } catch (err) {
    error = err as ConfigError;
  }
  expect(error!.problems).toEqual([
    'CORDON_FLEET_GUARD_TASK_QUEUE: must differ from CORDON_TASK_QUEUE (the guards need workflow-task slots of their own)',
  ]);
});

test('worker memory budget: a whole number of MiB ≥ 256 (default 1024); the cache it allows grows with it and never drops below 20', () => {
  expect(loadConfig({}).CORDON_WORKER_MEMORY_MIB).toBe(1024);
  const cache = (mib: string) =>
    workerMemorySettings(loadConfig({ CORDON_WORKER_MEMORY_MIB: mib }).CORDON_WORKER_MEMORY_MIB).maxCachedWorkflows;
  expect(cache('256')).toBeGreaterThanOrEqual(20);
  expect(cache('600')).toBeGreaterThan(cache('256'));
  expect(cache('4096')).toBeGreaterThan(cache('1024'));
  expect(cache('1024')).toBeGreaterThan(cache('600'));
  for (const bad of ['255', '512.5', 'lots'])
    expect(() => loadConfig({ CORDON_WORKER_MEMORY_MIB: bad })).toThrow(/CORDON_WORKER_MEMORY_MIB/);
});

test("the API's Temporal call deadline: seconds above 0 and at most 120 (default 5)", () => {
  expect(loadConfig({}).CORDON_TEMPORAL_CALL_DEADLINE_SECONDS).toBe(5);
  expect(loadConfig({ CORDON_TEMPORAL_CALL_DEADLINE_SECONDS: '0.5' }).CORDON_TEMPORAL_CALL_DEADLINE_SECONDS).toBe(0.5);
  for (const bad of ['0', '-1', '121', 'soon'])
    expect(() => loadConfig({ CORDON_TEMPORAL_CALL_DEADLINE_SECONDS: bad })).toThrow(/CORDON_TEMPORAL_CALL_DEADLINE_SECONDS/);
});

test('history events before an incident continues as new: a whole number from 100 to 40,000 (default 10,000)', () => {
  expect(loadConfig({}).CORDON_INCIDENT_HISTORY_EVENTS).toBe(10_000);
  expect(loadConfig({ CORDON_INCIDENT_HISTORY_EVENTS: '2000' }).CORDON_INCIDENT_HISTORY_EVENTS).toBe(2000);
  for (const bad of ['99', '40001', '150.5', 'many'])
    expect(() => loadConfig({ CORDON_INCIDENT_HISTORY_EVENTS: bad })).toThrow(/CORDON_INCIDENT_HISTORY_EVENTS/);
});

test('a worker started without its Node flags is told so at start: its main heap could grow 4× past what it uses', () => {
  expect(mainHeapWarning(4144 * 2 ** 20)).toMatch(/main thread heap limit is 4144 MiB: start the worker with --max-old-space-size=512/);
  expect(mainHeapWarning((WORKER_MAIN_HEAP_MIB + 48) * 2 ** 20)).toBeUndefined();
});
