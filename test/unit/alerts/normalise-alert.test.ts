import { alertSchema, severityFromScore } from '../../../src/alerts/alert';
import { alertSources, isAlertSource, normaliseAlert } from '../../../src/alerts';
import { defaults, fixture } from './load-fixture';

const opts = { defaults };

describe('normaliseAlert dispatches by source', () => {
  test.each([
    ['guardduty', 'guardduty-ssh-bruteforce.json', 1],
    ['guardduty', 'guardduty-c2-activity.json', 1],
    ['guardduty', 'guardduty-getfindings.json', 1],
    ['securityhub', 'securityhub-imported.json', 2],
    ['cloudwatch-sns', 'cloudwatch-sns-alarm.json', 1],
    ['alertmanager', 'alertmanager-webhook.json', 2],
    ['generic', 'generic-alert.json', 1],
  ])('%s: %s → %d alert(s), each satisfying the Alert schema and the one severity scale', (source, file, count) => {
    const result = normaliseAlert(source, fixture(file), opts);
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.alerts).toHaveLength(count);
    for (const alert of result.alerts) {
      expect(alert.source).toBe(source);
      expect(alertSchema.safeParse(alert).success).toBe(true);
      expect(severityFromScore(alert.severityScore)).toBe(alert.severity);
      expect(alert.dedupKey.startsWith(`${source}:`)).toBe(true);
    }
  });

  test('a payload sent to the wrong source is invalid, not misread', () => {
    const result = normaliseAlert('securityhub', fixture('guardduty-c2-activity.json'), opts);
    expect(result).toMatchObject({ ok: false, kind: 'invalid' });
    expect(!result.ok && result.kind === 'invalid' && result.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['detail-type', 'source']),
    );
  });

  test('the Alertmanager instance label option reaches the normaliser', () => {
    const hook = fixture('alertmanager-webhook.json');
    for (const a of hook.alerts) {
      a.labels.host_id = a.labels.instance_id;
      delete a.labels.instance_id;
    }
    expect(normaliseAlert('alertmanager', hook, { defaults, instanceLabel: 'host_id' }).ok).toBe(true);
  });

  test('an unknown source is a typed result naming the known ones', () => {
    expect(normaliseAlert('splunk', {}, opts)).toEqual({
      ok: false,
      kind: 'unknown-source',
      reason: expect.stringContaining('"splunk"'),
      known: alertSources,
    });
    expect(isAlertSource('splunk')).toBe(false);
    expect(alertSources.every(isAlertSource)).toBe(true);
  });
});
