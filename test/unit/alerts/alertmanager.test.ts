import { alertmanagerSeverity, normaliseAlertmanager } from '../../../src/alerts/normalise-alertmanager';
import { defaults, fixture } from './load-fixture';
import { resourceLabel } from '../../../src/domain/incident';

describe('Alertmanager webhook v4', () => {
  test('one firing and one resolved alert, field by field', () => {
    const hook = fixture('alertmanager-webhook.json');
    const result = normaliseAlertmanager(hook, defaults);
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.skipped).toEqual([]);
    expect(result.alerts).toEqual([
      {
        source: 'alertmanager',
        sourceId: '7e1c4d9a0b2f3e58',
        dedupKey: 'alertmanager:7e1c4d9a0b2f3e58',
        severity: 'critical',
        severityScore: 9,
        title: 'web-7 is sending traffic to a blocklisted address',
        description: 'conntrack exporter saw 412 flows from 10.20.1.37 to 192.0.2.150:443 in 5m.',
        resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0a1b2c3d4e5f60718' },
        // Nanoseconds cut to milliseconds; a firing alert's zero endsAt is ignored.
        firstSeen: '2026-03-06T09:12:00.123Z',
        lastSeen: '2026-03-06T09:12:00.123Z',
        status: 'firing',
        raw: hook.alerts[0],
      },
      {
        source: 'alertmanager',
        sourceId: 'c09f2b6e81d4a375',
        dedupKey: 'alertmanager:c09f2b6e81d4a375',
        severity: 'medium',
        severityScore: 4,
        title: 'batch-3 is sending traffic to a blocklisted address',
        description: undefined,
        // No account/region labels: the deployment's defaults.
        resource: { account: '999999999999', region: 'us-east-2', instanceId: 'i-0fedcba9876543210' },
        firstSeen: '2026-03-06T08:40:00.000Z',
        lastSeen: '2026-03-06T09:05:00.000Z',
        status: 'resolved',
        raw: hook.alerts[1],
      },
    ]);
  });

  test('the instance label is configurable', () => {
    const hook = fixture('alertmanager-webhook.json');
    for (const a of hook.alerts) {
      a.labels.ec2_instance = a.labels.instance_id;
      delete a.labels.instance_id;
    }
    expect(normaliseAlertmanager(hook, defaults)).toMatchObject({ ok: false, kind: 'not-an-instance' });
    const result = normaliseAlertmanager(hook, defaults, { instanceLabel: 'ec2_instance' });
    expect(result.ok && result.alerts.map((a) => resourceLabel(a.resource))).toEqual(['i-0a1b2c3d4e5f60718', 'i-0fedcba9876543210']);
  });

  test('an alert without the instance label is skipped and reported', () => {
    const hook = fixture('alertmanager-webhook.json');
    delete hook.alerts[1].labels.instance_id;
    const result = normaliseAlertmanager(hook, defaults);
    expect(result.ok && result.alerts).toHaveLength(1);
    expect(result.ok && result.skipped).toEqual([{ path: 'alerts[1].labels', reason: expect.stringContaining('"instance_id"') }]);
  });

  test('no summary annotation: the alertname is the title', () => {
    const hook = fixture('alertmanager-webhook.json');
    delete hook.alerts[0].annotations;
    const result = normaliseAlertmanager(hook, defaults);
    expect(result.ok && result.alerts[0]!.title).toBe('HostOutboundTrafficToKnownBadIP');
  });

  test.each([
    ['critical', 'critical'],
    ['page', 'critical'],
    ['error', 'high'],
    ['HIGH', 'high'],
    ['warning', 'medium'],
    ['info', 'low'],
    ['none', 'low'],
    [undefined, 'medium'],
    ['p3', 'medium'],
  ])('severity label %s → %s', (label, severity) => {
    expect(alertmanagerSeverity(label)).toBe(severity);
  });
});

describe('malformed webhooks name the offending path', () => {
  test.each<[string, string, (h: any) => void]>([
    [
      'labels not an object',
      'alerts[1].labels',
      (h) => {
        h.alerts[1].labels = 'instance_id=i-0fedcba9876543210';
      },
    ],
    [
      'label value a number',
      'alerts[0].labels.severity',
      (h) => {
        h.alerts[0].labels.severity = 5;
      },
    ],
    [
      'bad instance id label',
      'alerts[0].labels.instance_id',
      (h) => {
        h.alerts[0].labels.instance_id = '10.20.1.37';
      },
    ],
    [
      'bad account label',
      'alerts[0].labels.account',
      (h) => {
        h.alerts[0].labels.account = 'prod';
      },
    ],
    [
      'bad region label',
      'alerts[0].labels.region',
      (h) => {
        h.alerts[0].labels.region = 'Ireland';
      },
    ],
    [
      'version 3',
      'version',
      (h) => {
        h.version = '3';
      },
    ],
    [
      'unknown status',
      'alerts[1].status',
      (h) => {
        h.alerts[1].status = 'silenced';
      },
    ],
    [
      'no fingerprint',
      'alerts[0].fingerprint',
      (h) => {
        delete h.alerts[0].fingerprint;
      },
    ],
    [
      'startsAt not a time',
      'alerts[0].startsAt',
      (h) => {
        h.alerts[0].startsAt = 'yesterday';
      },
    ],
    [
      'no alerts',
      'alerts',
      (h) => {
        h.alerts = [];
      },
    ],
  ])('%s → %s', (_name, path, mutate) => {
    const hook = fixture('alertmanager-webhook.json');
    mutate(hook);
    const result = normaliseAlertmanager(hook, defaults);
    expect(!result.ok && result.kind === 'invalid' && result.issues.map((i) => i.path)).toContain(path);
  });
});
