import { alertIngestSettings, parseSeverityModes, severityPolicies } from '../../../src/alerts/ingest-config';
import { loadConfig } from '../../../src/config/schema';
import { defaultPolicies } from '../../../src/policy/runbook-policy';

test('defaults: high and critical contain automatically, medium after approval, low records only', () => {
  const s = alertIngestSettings(loadConfig({}));
  expect(
    Object.fromEntries(Object.entries(s.policies).map(([k, p]) => [k, p.contain === 'record-only' ? 'record-only' : p.contain.mode])),
  ).toEqual({ critical: 'auto', high: 'auto', medium: 'approve', low: 'record-only' });
  expect(s.hmacSecrets).toEqual({ guardduty: [], securityhub: [], alertmanager: [], generic: [] });
  expect(s.snsCertHostPattern.test('sns.eu-west-1.amazonaws.com')).toBe(true);
  expect(s.snsCertHostPattern.test('sns.eu-west-1.amazonaws.com.evil.example')).toBe(false);
  expect([s.replayWindowSeconds, s.rateLimitPerMinute, s.bodyLimitBytes, s.alertmanagerInstanceLabel]).toEqual([
    300,
    6000,
    524288,
    'instance_id',
  ]);
});

test('a mode changes only the containment gate; severities left out keep their defaults', () => {
  const p = severityPolicies(parseSeverityModes('medium = two-person, high=record-only, low=auto'));
  expect(p.medium.contain).toEqual({ ...(defaultPolicies.medium.contain as object), mode: 'two-person' });
  expect(p.high.contain).toBe('record-only');
  expect(p.low.contain).toEqual(expect.objectContaining({ mode: 'auto' }));
  expect(p.high.replace).toEqual(defaultPolicies.high.replace);
  expect(p.critical).toEqual(defaultPolicies.critical);
});

test('secrets rotate as a comma-separated list; short secrets, bad modes and unanchored patterns are refused by name', () => {
  const s = alertIngestSettings(loadConfig({ CORDON_ALERT_HMAC_GENERIC: `${'a'.repeat(32)}, ${'b'.repeat(40)}` }));
  expect(s.hmacSecrets.generic).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
  expect(() => loadConfig({ CORDON_ALERT_HMAC_GUARDDUTY: 'short' })).toThrow(/CORDON_ALERT_HMAC_GUARDDUTY/);
  expect(() => loadConfig({ CORDON_SEVERITY_POLICY: 'high=yolo' })).toThrow(/CORDON_SEVERITY_POLICY/);
  expect(() => loadConfig({ CORDON_SNS_CERT_HOST_PATTERN: 'sns\\.example\\.com' })).toThrow(/CORDON_SNS_CERT_HOST_PATTERN/);
  expect(() => loadConfig({ CORDON_SNS_CERT_HOST_PATTERN: '^(unclosed$' })).toThrow(/CORDON_SNS_CERT_HOST_PATTERN/);
});
