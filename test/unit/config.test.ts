import { ConfigError, loadConfig, usesSimulatedAws } from '../../src/config/schema';
import { peopleTargetsFromConfig } from '../../activities/people-notices/people-config';

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
  expect(loadConfig({ CORDON_DEV_SQLITE_PRAGMAS: 'journal_mode=wal, synchronous=full' }).CORDON_DEV_SQLITE_PRAGMAS).toEqual(['journal_mode=wal', 'synchronous=full']);
  expect(() => loadConfig({ CORDON_DEV_SQLITE_PRAGMAS: 'cache_size=100' })).toThrow(/CORDON_DEV_SQLITE_PRAGMAS/);
});

test('email notices: an smtp(s) URL needs a From; recipients must be addresses; the password is never echoed', () => {
  const base = { CORDON_NOTIFY_SMTP_URL: 'smtp://cordon:s3cret-pw@mail.example.com:587', CORDON_NOTIFY_EMAIL_FROM: 'Cordon <cordon@example.com>', CORDON_NOTIFY_EMAIL_TO: 'secops@example.com, dpo@example.com' };
  expect(peopleTargetsFromConfig(loadConfig(base))).toEqual([
    { name: 'email', format: 'email', smtpUrl: base.CORDON_NOTIFY_SMTP_URL, from: 'Cordon <cordon@example.com>', to: ['secops@example.com', 'dpo@example.com'] },
  ]);
  expect(peopleTargetsFromConfig(loadConfig({}))).toEqual([]);
  const problems = (env: Record<string, string>) => { try { loadConfig(env); return []; } catch (err) { return (err as ConfigError).problems; } };
  expect(problems({ CORDON_NOTIFY_SMTP_URL: base.CORDON_NOTIFY_SMTP_URL })).toEqual(['CORDON_NOTIFY_EMAIL_FROM: required when CORDON_NOTIFY_SMTP_URL is set']);
  const bad = problems({ CORDON_NOTIFY_SMTP_URL: 'https://cordon:s3cret-pw@mail.example.com', CORDON_NOTIFY_EMAIL_FROM: 'not an address', CORDON_NOTIFY_EMAIL_TO: 'secops' });
  expect(bad.map((p) => p.split(':')[0]).sort()).toEqual(['CORDON_NOTIFY_EMAIL_FROM', 'CORDON_NOTIFY_EMAIL_TO', 'CORDON_NOTIFY_SMTP_URL']);
  expect(bad.join('\n')).not.toContain('s3cret-pw');
});

test('fleet guard budget: 3 at once, 34 % per 60 min by default; window 0 allowed, nonsense refused', () => {
  const c = loadConfig({});
  expect([c.CORDON_FLEET_MAX_CONCURRENT, c.CORDON_FLEET_MAX_PERCENT, c.CORDON_FLEET_WINDOW_MINUTES]).toEqual([3, 34, 60]);
  expect(loadConfig({ CORDON_FLEET_WINDOW_MINUTES: '0', CORDON_FLEET_MAX_PERCENT: '100' })).toMatchObject({ CORDON_FLEET_WINDOW_MINUTES: 0, CORDON_FLEET_MAX_PERCENT: 100 });
  let error: ConfigError | undefined;
  try {
    loadConfig({ CORDON_FLEET_MAX_CONCURRENT: '0', CORDON_FLEET_MAX_PERCENT: '150', CORDON_FLEET_WINDOW_MINUTES: '-5' });
  } catch (err) {
    error = err as ConfigError;
  }
  expect(error!.problems.map((p) => p.split(':')[0]).sort()).toEqual(['CORDON_FLEET_MAX_CONCURRENT', 'CORDON_FLEET_MAX_PERCENT', 'CORDON_FLEET_WINDOW_MINUTES']);
});
