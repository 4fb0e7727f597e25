import { guardDutyIndicators, normaliseGuardDuty } from '../../../src/alerts/normalise-guardduty';
import { defaults, fixture } from './load-fixture';
import { resourceLabel } from '../../../src/domain/incident';

describe('GuardDuty EventBridge findings', () => {
  test('SSH brute force: every field of the normalised alert', () => {
    const event = fixture('guardduty-ssh-bruteforce.json');
    const result = normaliseGuardDuty(event, defaults);
    expect(result).toEqual({
      ok: true,
      skipped: [],
      alerts: [
        {
          source: 'guardduty',
          sourceId: '16afba5c5c43e07c9e3e5e2e544e95df',
          dedupKey: 'guardduty:16afba5c5c43e07c9e3e5e2e544e95df',
          findingType: 'UnauthorizedAccess:EC2/SSHBruteForce',
          severity: 'low',
          severityScore: 2,
          title: '198.51.100.77 is performing SSH brute force attacks against i-0a1b2c3d4e5f60718.',
          description: expect.stringContaining('guessing the SSH password'),
          resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0a1b2c3d4e5f60718' },
          firstSeen: '2026-03-02T08:51:03.000Z',
          lastSeen: '2026-03-02T09:09:44.000Z',
          status: 'firing',
          indicators: { exfiltration: false, commandAndControl: false },
          raw: event,
        },
      ],
    });
  });

  test('C&C activity: high severity, command-and-control indicator, seconds-precision times', () => {
    const result = normaliseGuardDuty(fixture('guardduty-c2-activity.json'), defaults);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [alert] = result.alerts;
    expect(alert).toMatchObject({
      sourceId: 'a2c6f1e0b7d84e19b3f5c9d7e2a41b60',
      severity: 'high',
      severityScore: 8,
      indicators: { commandAndControl: true, exfiltration: false },
      firstSeen: '2026-03-02T09:31:40.000Z',
      lastSeen: '2026-03-02T09:38:12.000Z',
    });
  });

  test('a repeat of the same finding (count grows) keeps the dedup key', () => {
    const first = fixture('guardduty-c2-activity.json');
    const repeat = fixture('guardduty-c2-activity.json');
    repeat.detail.service.count = 9;
    repeat.detail.service.eventLastSeen = '2026-03-02T10:10:00Z';
    const keys = [first, repeat].map((e) => {
      const r = normaliseGuardDuty(e, defaults);
      return r.ok && r.alerts[0]!.dedupKey;
    });
    expect(keys[0]).toBe('guardduty:a2c6f1e0b7d84e19b3f5c9d7e2a41b60');
    expect(keys[1]).toBe(keys[0]);
  });

  test('an archived finding is resolved; eventFirstSeen falls back to createdAt', () => {
    const event = fixture('guardduty-ssh-bruteforce.json');
    event.detail.service.archived = true;
    delete event.detail.service.eventFirstSeen;
    const result = normaliseGuardDuty(event, defaults);
    expect(result.ok && result.alerts[0]).toMatchObject({ status: 'resolved', firstSeen: '2026-03-02T09:01:12.512Z' });
  });

  test.each([
    [0.5, 'low'],
    [3.9, 'low'],
    [4, 'medium'],
    [6.9, 'medium'],
    [7, 'high'],
    [8.9, 'high'],
    [9, 'critical'],
    [10, 'critical'],
  ])('severity %d maps to %s (GuardDuty bands)', (score, label) => {
    const event = fixture('guardduty-ssh-bruteforce.json');
    event.detail.severity = score;
    const result = normaliseGuardDuty(event, defaults);
    expect(result.ok && result.alerts[0]).toMatchObject({ severity: label, severityScore: score });
  });

  test('an S3 bucket finding is not-an-instance, with the reason', () => {
    const result = normaliseGuardDuty(fixture('guardduty-s3bucket.json'), defaults);
    expect(result).toMatchObject({ ok: false, kind: 'not-an-instance' });
    expect(!result.ok && 'reason' in result && result.reason).toMatch(/S3Bucket, not an EC2 instance/);
  });

  test('an AccessKey finding accuses the key (iam-findings.test.ts); one whose key id is too short to be one is invalid', () => {
    const event = fixture('guardduty-ssh-bruteforce.json');
    event.detail.type = 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom';
    event.detail.resource = { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'ASIAEXAMPLE', userName: 'ci' } };
    expect(normaliseGuardDuty(event, defaults)).toMatchObject({
      ok: false,
      kind: 'invalid',
      issues: [{ path: 'detail.resource.accessKeyDetails.accessKeyId' }],
    });
  });
});

describe('GuardDuty GetFindings (PascalCase) shape', () => {
  test('a GetFindings response: every field, exfiltration indicator, region from the finding', () => {
    const response = fixture('guardduty-getfindings.json');
    const result = normaliseGuardDuty(response, defaults);
    expect(result).toEqual({
      ok: true,
      skipped: [],
      alerts: [
        {
          source: 'guardduty',
          sourceId: '5ec4b0a1d9e2f3c4b5a6978877665544',
          dedupKey: 'guardduty:5ec4b0a1d9e2f3c4b5a6978877665544',
          findingType: 'Trojan:EC2/DNSDataExfiltration',
          severity: 'high',
          severityScore: 8,
          title: 'Data exfiltration through DNS queries from EC2 instance i-0fedcba9876543210.',
          description: 'EC2 instance i-0fedcba9876543210 is querying a domain name that is used for exfiltrating data through DNS queries.',
          resource: { account: '123456789012', region: 'eu-central-1', instanceId: 'i-0fedcba9876543210' },
          firstSeen: '2026-03-03T13:40:00.000Z',
          lastSeen: '2026-03-03T14:01:58.000Z',
          status: 'firing',
          indicators: { exfiltration: true, commandAndControl: false },
          raw: response.Findings[0],
        },
      ],
    });
  });

  test('a single finding object is accepted too', () => {
    const finding = fixture('guardduty-getfindings.json').Findings[0];
    const result = normaliseGuardDuty(finding, defaults);
    expect(result.ok && result.alerts.map((a) => resourceLabel(a.resource))).toEqual(['i-0fedcba9876543210']);
  });

  test('a response mixing an instance and a bucket finding yields one alert and one skipped', () => {
    const response = fixture('guardduty-getfindings.json');
    response.Findings.push({ ...response.Findings[0], Id: 'bucketfinding', Resource: { ResourceType: 'S3Bucket' } });
    const result = normaliseGuardDuty(response, defaults);
    expect(result.ok && result.alerts).toHaveLength(1);
    expect(result.ok && result.skipped).toEqual([{ path: 'Findings[1]', reason: expect.stringContaining('S3Bucket') }]);
  });
});

describe('malformed GuardDuty payloads name the offending path', () => {
  const cases: [string, string, (e: any) => void][] = [
    [
      'missing instance id',
      'detail.resource.instanceDetails.instanceId',
      (e) => {
        delete e.detail.resource.instanceDetails.instanceId;
      },
    ],
    [
      'missing instanceDetails',
      'detail.resource.instanceDetails.instanceId',
      (e) => {
        delete e.detail.resource.instanceDetails;
      },
    ],
    [
      'bad instance id',
      'detail.resource.instanceDetails.instanceId',
      (e) => {
        e.detail.resource.instanceDetails.instanceId = 'web-7';
      },
    ],
    [
      'missing resource',
      'detail.resource',
      (e) => {
        delete e.detail.resource;
      },
    ],
    [
      'severity as a string',
      'detail.severity',
      (e) => {
        e.detail.severity = 'HIGH';
      },
    ],
    [
      'severity out of range',
      'detail.severity',
      (e) => {
        e.detail.severity = 11;
      },
    ],
    [
      'account id too short',
      'detail.accountId',
      (e) => {
        e.detail.accountId = '1234';
      },
    ],
    [
      'timestamp without a zone',
      'detail.service.eventFirstSeen',
      (e) => {
        e.detail.service.eventFirstSeen = '2026-03-02 08:51';
      },
    ],
    [
      'wrong detail-type',
      'detail-type',
      (e) => {
        e['detail-type'] = 'GuardDuty Runtime Protection Healthy';
      },
    ],
    [
      'wrong source',
      'source',
      (e) => {
        e.source = 'aws.securityhub';
      },
    ],
  ];
  test.each(cases)('%s → %s', (_name, path, mutate) => {
    const event = fixture('guardduty-ssh-bruteforce.json');
    mutate(event);
    const result = normaliseGuardDuty(event, defaults);
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
    expect(result.issues.map((i) => i.path)).toContain(path);
  });

  test('a PascalCase finding with the instance id missing', () => {
    const finding = fixture('guardduty-getfindings.json');
    delete finding.Findings[0].Resource.InstanceDetails.InstanceId;
    const result = normaliseGuardDuty(finding, defaults);
    expect(!result.ok && result.kind === 'invalid' && result.issues.map((i) => i.path)).toEqual([
      'Findings[0].Resource.InstanceDetails.InstanceId',
    ]);
  });

  test('not an object at all', () => {
    expect(normaliseGuardDuty('hello', defaults)).toMatchObject({ ok: false, kind: 'invalid', issues: [{ path: '(root)' }] });
  });
});

describe('indicators from finding types', () => {
  test.each([
    ['Backdoor:EC2/C&CActivity.B', false, true],
    ['Backdoor:EC2/C&CActivity.B!DNS', false, true],
    ['Backdoor:Runtime/C&CActivity.B', false, true],
    ['Trojan:EC2/BlackholeTraffic', false, true],
    ['Trojan:EC2/DNSDataExfiltration', true, false],
    ['Trojan:EC2/DropPoint!DNS', true, false],
    ['Exfiltration:S3/AnomalousBehavior', true, false],
    ['UnauthorizedAccess:EC2/TorClient', false, true],
    ['UnauthorizedAccess:EC2/MetadataDNSRebind', true, false],
    ['UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', true, false],
    ['UnauthorizedAccess:EC2/SSHBruteForce', false, false],
    ['Recon:EC2/PortProbeUnprotectedPort', false, false],
    ['CryptoCurrency:EC2/BitcoinTool.B!DNS', false, false],
  ])('%s → exfiltration %s, C&C %s', (type, exfiltration, commandAndControl) => {
    expect(guardDutyIndicators(type)).toEqual({ exfiltration, commandAndControl });
  });
});
