import { parseSeverityModes, severityPolicies } from '../../../src/alerts/ingest-config';
import { loadConfig } from '../../../src/config/schema';
import { alertIngestSettings } from '../../../src/alerts/ingest-config';
import { defaultPolicies } from '../../../src/policy/runbook-policy';
import { approvalCeiling, judgeSender, parseSourceTrust } from '../../../src/policy/source-trust';

const defaults = alertIngestSettings(loadConfig({})).trust;
const source = (s: string, name = 'sensor') => ({ kind: 'source' as const, source: s, name });

test.each([
  [
    'default policies: medium is the highest severity that waits for a person',
    'critical=auto,high=auto,medium=approve,low=record-only',
    'medium',
  ],
  ['high behind two people', 'critical=auto,high=two-person', 'high'],
  ['every severity automatic: capped at low', 'critical=auto,high=auto,medium=auto,low=auto', 'low'],
  ['nothing automatic: uncapped in effect', 'critical=approve,high=approve', 'critical'],
] as const)('approval ceiling: %s', (_name, modes, ceiling) => {
  expect(approvalCeiling(severityPolicies(parseSeverityModes(modes)))).toBe(ceiling);
});

test.each([
  ['generic critical is capped at medium', source('generic'), 'critical', 'medium', false],
  ['alertmanager high is capped at medium', source('alertmanager'), 'high', 'medium', false],
  ['cloudwatch critical is capped at medium', source('cloudwatch-sns', 'sns:arn:aws:sns:eu-west-1:1:alarms'), 'critical', 'medium', false],
  ['generic low passes unchanged', source('generic'), 'low', 'low', false],
  ['guardduty critical is uncapped and may tighten', source('guardduty'), 'critical', 'critical', true],
  ['securityhub high may tighten', source('securityhub'), 'high', 'high', true],
  ['an operator is uncapped and may tighten', { kind: 'operator' as const, name: 'alice' }, 'critical', 'critical', true],
] as const)('defaults: %s', (_name, requester, claimed, applied, mayTighten) => {
  const j = judgeSender(requester, claimed, defaults);
  expect([j.severity, j.mayTighten]).toEqual([applied, mayTighten]);
  expect(j.notes.length).toBe(applied === claimed ? 0 : 1);
});

test('configured: a lifted ceiling, an explicit severity, and who may tighten', () => {
  const trust = parseSourceTrust('generic=none,alertmanager=high', 'alertmanager', defaultPolicies);
  expect(judgeSender(source('generic'), 'critical', trust).severity).toBe('critical');
  expect(judgeSender(source('alertmanager'), 'critical', trust)).toEqual(expect.objectContaining({ severity: 'high', mayTighten: true }));
  expect(judgeSender(source('guardduty'), 'high', trust).mayTighten).toBe(false);
  expect(judgeSender(source('alertmanager'), 'critical', trust).notes[0]).toBe(
    "alertmanager alert from sensor claimed critical; alertmanager is capped at high (CORDON_SOURCE_SEVERITY_CEILING), so high's policy applies",
  );
});

test('bad settings are refused by name; the payload cap is bounded', () => {
  expect(() => loadConfig({ CORDON_SOURCE_SEVERITY_CEILING: 'generic=severe' })).toThrow(/CORDON_SOURCE_SEVERITY_CEILING/);
  expect(() => loadConfig({ CORDON_SOURCE_SEVERITY_CEILING: 'pagerduty=low' })).toThrow(/CORDON_SOURCE_SEVERITY_CEILING/);
  expect(() => loadConfig({ CORDON_SOURCE_MAY_TIGHTEN: 'guardduty,splunk' })).toThrow(/CORDON_SOURCE_MAY_TIGHTEN/);
  expect(() => loadConfig({ CORDON_ALERT_MAX_INSTANCES: '0' })).toThrow(/CORDON_ALERT_MAX_INSTANCES/);
  expect(alertIngestSettings(loadConfig({ CORDON_ALERT_MAX_INSTANCES: '3' })).maxInstancesPerPayload).toBe(3);
});
