import { normaliseGeneric } from '../../../src/alerts/normalise-generic';
import { defaults, fixture } from './load-fixture';

describe('generic alert', () => {
  test('the documented shape, every field', () => {
    const body = fixture('generic-alert.json');
    expect(normaliseGeneric(body, defaults)).toEqual({
      ok: true,
      skipped: [],
      alerts: [
        {
          source: 'generic',
          sourceId: 'edr-det-000451',
          dedupKey: 'generic:edr-det-000451',
          severity: 'high',
          severityScore: 7,
          title: 'EDR: reverse shell spawned by nginx worker',
          description: expect.stringContaining('/bin/sh -i'),
          resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0a1b2c3d4e5f60718' },
          firstSeen: '2026-03-06T10:02:13.000Z',
          lastSeen: '2026-03-06T12:00:00.000Z',
          status: 'firing',
          raw: body,
        },
      ],
    });
  });

  test('the minimum: defaults for account, region, times and ids', () => {
    const body = { instanceId: 'i-0123456789abcdef0', severity: 'low', title: 'odd cron entry' };
    const result = normaliseGeneric(body, defaults);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [alert] = result.alerts;
    expect(alert).toMatchObject({
      resource: { account: '999999999999', region: 'us-east-2', instanceId: 'i-0123456789abcdef0' },
      firstSeen: '2026-03-06T12:00:00.000Z',
      lastSeen: '2026-03-06T12:00:00.000Z',
      status: 'firing',
      severityScore: 1,
    });
    expect(alert!.sourceId).toMatch(/^[0-9a-f]{16}$/);
    expect(alert!.dedupKey).toBe(`generic:${alert!.sourceId}`);
  });

  test('the derived sourceId is stable for the same alert and differs for another title', () => {
    const key = (title: string) => {
      const r = normaliseGeneric({ instanceId: 'i-0123456789abcdef0', severity: 'low', title }, defaults);
      return r.ok && r.alerts[0]!.dedupKey;
    };
    expect(key('a')).toBe(key('a'));
    expect(key('a')).not.toBe(key('b'));
  });

  test('an explicit dedupKey and status are kept', () => {
    const result = normaliseGeneric(
      { instanceId: 'i-0123456789abcdef0', severity: 'critical', title: 'x', dedupKey: 'siem:rule-9:host-4', status: 'resolved' },
      defaults,
    );
    expect(result.ok && result.alerts[0]).toMatchObject({ dedupKey: 'siem:rule-9:host-4', status: 'resolved', severityScore: 9 });
  });
});

describe('malformed generic alerts name the offending path', () => {
  const base = { instanceId: 'i-0123456789abcdef0', severity: 'high', title: 'x' };
  test.each<[string, unknown, string[]]>([
    ['an unknown field', { ...base, colour: 'red' }, ['colour']],
    ['two unknown fields', { ...base, severty: 'high', host: 'web-7' }, ['severty', 'host']],
    ['a missing instanceId', { severity: 'high', title: 'x' }, ['instanceId']],
    ['a wrongly typed severity', { ...base, severity: 7 }, ['severity']],
    ['a severity off the scale', { ...base, severity: 'urgent' }, ['severity']],
    ['a malformed instance id', { ...base, instanceId: 'i-XYZ' }, ['instanceId']],
    ['an empty title', { ...base, title: '  ' }, ['title']],
    ['an 11-digit account', { ...base, account: '12345678901' }, ['account']],
    ['a region name instead of a code', { ...base, region: 'EU (Ireland)' }, ['region']],
    ['a firstSeen without a zone', { ...base, firstSeen: '2026-03-06 10:02' }, ['firstSeen']],
    ['an array', [base], ['(root)']],
  ])('%s', (_name, body, paths) => {
    const result = normaliseGeneric(body, defaults);
    expect(!result.ok && result.kind === 'invalid' && result.issues.map((i) => i.path)).toEqual(paths);
  });

  test('an unknown field is reported by name with a clear message', () => {
    const result = normaliseGeneric({ ...base, colour: 'red' }, defaults);
    expect(result).toEqual({ ok: false, kind: 'invalid', issues: [{ path: 'colour', message: 'unknown field' }] });
  });
});
