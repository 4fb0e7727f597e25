import { asffIndicators, normaliseSecurityHub } from '../../../src/alerts/normalise-securityhub';
import { defaults, fixture } from './load-fixture';
import { resourceLabel } from '../../../src/domain/incident';

describe('Security Hub Findings - Imported', () => {
  test('two findings → two alerts, field by field', () => {
    const event = fixture('securityhub-imported.json');
    const result = normaliseSecurityHub(event, defaults);
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.skipped).toEqual([]);
    expect(result.alerts).toEqual([
      {
        source: 'securityhub',
        sourceId:
          'arn:aws:guardduty:eu-west-1:123456789012:detector/f2baedb0ac74f8f42fc929e15f56da6a/finding/a2c6f1e0b7d84e19b3f5c9d7e2a41b60',
        dedupKey:
          'securityhub:arn:aws:guardduty:eu-west-1:123456789012:detector/f2baedb0ac74f8f42fc929e15f56da6a/finding/a2c6f1e0b7d84e19b3f5c9d7e2a41b60',
        findingType: 'TTPs/Command and Control/Backdoor:EC2-C&CActivity.B',
        severity: 'high',
        severityScore: 8,
        title: 'C&C activity IP queried by EC2 instance i-0a1b2c3d4e5f60718.',
        description: 'EC2 instance i-0a1b2c3d4e5f60718 is communicating with IP address 192.0.2.150 on the Threat List ProofPoint.',
        resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0a1b2c3d4e5f60718' },
        firstSeen: '2026-03-05T15:58:02.000Z',
        lastSeen: '2026-03-05T16:20:19.000Z',
        status: 'firing',
        indicators: { exfiltration: false, commandAndControl: true },
        raw: event.detail.findings[0],
      },
      {
        source: 'securityhub',
        sourceId: 'arn:aws:inspector2:eu-west-1:123456789012:finding/0f9e8d7c6b5a49382716f5e4d3c2b1a0',
        dedupKey: 'securityhub:arn:aws:inspector2:eu-west-1:123456789012:finding/0f9e8d7c6b5a49382716f5e4d3c2b1a0',
        findingType: 'Software and Configuration Checks/Vulnerabilities/CVE',
        severity: 'critical',
        severityScore: 9,
        title: 'CVE-2024-6387 - openssh-server',
        description: expect.stringContaining('signal handler race condition'),
        // The account is the instance's (from its ARN), not the finding's aggregator account.
        resource: { account: '210987654321', region: 'eu-west-1', instanceId: 'i-03c4d5e6f7a8b9c0d' },
        firstSeen: '2026-03-01T02:10:00.000Z',
        lastSeen: '2026-03-05T02:10:00.000Z',
        status: 'resolved',
        indicators: { exfiltration: false, commandAndControl: false },
        raw: event.detail.findings[1],
      },
    ]);
  });

  test.each([
    ['INFORMATIONAL', 'low', 0],
    ['LOW', 'low', 1],
    ['MEDIUM', 'medium', 4],
    ['HIGH', 'high', 7],
    ['CRITICAL', 'critical', 9],
  ])('Label %s without Normalized → %s, score %d', (label, severity, score) => {
    const event = fixture('securityhub-imported.json');
    event.detail.findings[0].Severity = { Label: label };
    const result = normaliseSecurityHub(event, defaults);
    expect(result.ok && result.alerts[0]).toMatchObject({ severity, severityScore: score });
  });

  test('Normalized alone sets both; a Label that disagrees wins and the score stays in its band', () => {
    const event = fixture('securityhub-imported.json');
    event.detail.findings[0].Severity = { Normalized: 45 };
    event.detail.findings[1].Severity = { Label: 'MEDIUM', Normalized: 95 };
    const result = normaliseSecurityHub(event, defaults);
    expect(result.ok && result.alerts.map((a) => [a.severity, a.severityScore])).toEqual([
      ['medium', 4.5],
      ['medium', 6.9],
    ]);
  });

  test('ARCHIVED or SUPPRESSED is resolved', () => {
    const event = fixture('securityhub-imported.json');
    event.detail.findings[0].RecordState = 'ARCHIVED';
    event.detail.findings[1].Workflow.Status = 'SUPPRESSED';
    const result = normaliseSecurityHub(event, defaults);
    expect(result.ok && result.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
  });

  test('a finding without an instance resource is skipped and reported', () => {
    const event = fixture('securityhub-imported.json');
    event.detail.findings[1].Resources = [{ Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::cordon-example-exports' }];
    const result = normaliseSecurityHub(event, defaults);
    expect(result.ok && result.alerts.map((a) => resourceLabel(a.resource))).toEqual(['i-0a1b2c3d4e5f60718']);
    expect(result.ok && result.skipped).toEqual([{ path: 'detail.findings[1]', reason: expect.stringContaining('AwsS3Bucket') }]);
  });

  test('no finding names an instance → not-an-instance', () => {
    const event = fixture('securityhub-imported.json');
    for (const f of event.detail.findings) f.Resources = [{ Type: 'AwsAccount', Id: 'AWS::::Account:123456789012' }];
    const result = normaliseSecurityHub(event, defaults);
    expect(result).toMatchObject({
      ok: false,
      kind: 'not-an-instance',
      skipped: [{ path: 'detail.findings[0]' }, { path: 'detail.findings[1]' }],
    });
  });

  test('a finding with two instances → two alerts with distinct dedup keys', () => {
    const event = fixture('securityhub-imported.json');
    event.detail.findings = [event.detail.findings[0]];
    event.detail.findings[0].Resources.push({ Type: 'AwsEc2Instance', Id: 'i-0123456789abcdef0' });
    const result = normaliseSecurityHub(event, defaults);
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.alerts.map((a) => [a.resource, a.dedupKey.endsWith(`#${resourceLabel(a.resource)}`)])).toEqual([
      [{ account: '123456789012', region: 'eu-west-1', instanceId: 'i-0a1b2c3d4e5f60718' }, true],
      // A bare instance id takes the finding's account and Region.
      [{ account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' }, true],
    ]);
  });

  test('a Custom Action event is read like an import', () => {
    const event = fixture('securityhub-imported.json');
    event['detail-type'] = 'Security Hub Findings - Custom Action';
    expect(normaliseSecurityHub(event, defaults).ok).toBe(true);
  });
});

describe('malformed Security Hub events name the offending path', () => {
  const cases: [string, string, (e: any) => void][] = [
    [
      'instance ARN of another service',
      'detail.findings[0].Resources[0].Id',
      (e) => {
        e.detail.findings[0].Resources[0].Id = 'arn:aws:s3:::bucket';
      },
    ],
    [
      'no Resources',
      'detail.findings[1].Resources',
      (e) => {
        delete e.detail.findings[1].Resources;
      },
    ],
    [
      'unknown severity label',
      'detail.findings[0].Severity.Label',
      (e) => {
        e.detail.findings[0].Severity.Label = 'SEVERE';
      },
    ],
    [
      'no severity at all',
      'detail.findings[0].Severity',
      (e) => {
        e.detail.findings[0].Severity = {};
      },
    ],
    [
      'account as a number',
      'detail.findings[1].AwsAccountId',
      (e) => {
        e.detail.findings[1].AwsAccountId = 123456789012;
      },
    ],
    [
      'empty findings',
      'detail.findings',
      (e) => {
        e.detail.findings = [];
      },
    ],
    [
      'wrong detail-type',
      'detail-type',
      (e) => {
        e['detail-type'] = 'Security Hub Insight Results';
      },
    ],
    [
      'workflow status lower-case',
      'detail.findings[0].Workflow.Status',
      (e) => {
        e.detail.findings[0].Workflow.Status = 'new';
      },
    ],
  ];
  test.each(cases)('%s → %s', (_name, path, mutate) => {
    const event = fixture('securityhub-imported.json');
    mutate(event);
    const result = normaliseSecurityHub(event, defaults);
    if (result.ok || result.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
    expect(result.issues.map((i) => i.path)).toContain(path);
  });
});

test.each([
  [['TTPs/Command and Control/Backdoor:EC2-C&CActivity.B'], { exfiltration: false, commandAndControl: true }],
  [['Effects/Data Exfiltration'], { exfiltration: true, commandAndControl: false }],
  [['Unusual Behaviors/VM/Trojan:EC2-DNSDataExfiltration'], { exfiltration: true, commandAndControl: false }],
  [['Software and Configuration Checks/Vulnerabilities/CVE'], { exfiltration: false, commandAndControl: false }],
])('ASFF types %j → %j', (types, expected) => {
  expect(asffIndicators(types)).toEqual(expected);
});
