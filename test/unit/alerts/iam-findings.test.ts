/**
 * Access-key findings: GuardDuty's IAM finding types (resourceType AccessKey, `accessKeyDetails`)
 * and Security Hub's AwsIamAccessKey resources accuse the key and its principal. Fixture shapes
 * and where they come from: test/fixtures/alerts/SOURCES.md.
 */
import { normaliseGuardDuty } from '../../../src/alerts/normalise-guardduty';
import { normaliseSecurityHub } from '../../../src/alerts/normalise-securityhub';
import { incidentIdFor, isIncidentId } from '../../../src/temporal/incident-id';
import { defaults, fixture } from './load-fixture';

describe('GuardDuty IAM findings', () => {
  test('an EventBridge UnauthorizedAccess:IAMUser finding accuses the access key and its user', () => {
    const event = fixture('guardduty-iam-malicious-ip-caller.json');
    const result = normaliseGuardDuty(event, defaults);
    expect(result).toEqual({
      ok: true,
      skipped: [],
      alerts: [
        {
          source: 'guardduty',
          sourceId: '4ec6b8d2a1f34e7a9c0b5d6e7f8a9b0c',
          dedupKey: 'guardduty:4ec6b8d2a1f34e7a9c0b5d6e7f8a9b0c',
          findingType: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom',
          severity: 'medium',
          severityScore: 5,
          title: 'API ListBuckets was invoked from an IP address on a custom threat list.',
          description: expect.stringContaining('ci-deployer'),
          resource: {
            kind: 'iam-access-key',
            account: '123456789012',
            region: 'eu-west-1',
            accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
            userName: 'ci-deployer',
            userType: 'IAMUser',
            principalId: 'AIDACKCEVSQ6C2EXAMPLE',
          },
          firstSeen: '2026-03-07T08:52:10.000Z',
          lastSeen: '2026-03-07T09:10:44.000Z',
          status: 'firing',
          indicators: { exfiltration: false, commandAndControl: false },
          raw: event,
        },
      ],
    });
  });

  test("a sample finding (CreateSampleFindings, GetFindings shape) keeps GuardDuty's placeholder names", () => {
    const result = normaliseGuardDuty(fixture('guardduty-iam-sample-getfindings.json'), defaults);
    expect(result.ok && result.alerts.map((a) => [a.findingType, a.resource])).toEqual([
      [
        'CredentialAccess:IAMUser/AnomalousBehavior',
        {
          kind: 'iam-access-key',
          account: '123456789012',
          region: 'us-east-1',
          accessKeyId: 'GeneratedFindingAccessKeyId',
          userName: 'GeneratedFindingUserName',
          userType: 'IAMUser',
          principalId: 'GeneratedFindingPrincipalId',
        },
      ],
    ]);
  });

  test('instance credentials used outside AWS: an AssumedRole key, flagged as exfiltration', () => {
    const event = fixture('guardduty-iam-malicious-ip-caller.json');
    event.detail.type = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS';
    event.detail.resource.accessKeyDetails = {
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      principalId: 'AROACKCEVSQ6C2EXAMPLE:i-0a1b2c3d4e5f60718',
      userName: 'web-tier',
      userType: 'AssumedRole',
    };
    const result = normaliseGuardDuty(event, defaults);
    expect(result.ok && result.alerts[0]!.resource).toMatchObject({ accessKeyId: 'ASIAIOSFODNN7EXAMPLE', userType: 'AssumedRole' });
    expect(result.ok && result.alerts[0]!.indicators).toEqual({ exfiltration: true, commandAndControl: false });
  });

  test.each([
    [undefined, 'required for an AccessKey finding'],
    ['AKIA/../x', 'expected an IAM access key id (16 to 128 letters, digits or _)'],
  ])('an AccessKey finding without a usable key id (%s) is refused at its path', (accessKeyId, message) => {
    const event = fixture('guardduty-iam-malicious-ip-caller.json');
    event.detail.resource.accessKeyDetails.accessKeyId = accessKeyId;
    expect(normaliseGuardDuty(event, defaults)).toEqual({
      ok: false,
      kind: 'invalid',
      issues: [{ path: 'detail.resource.accessKeyDetails.accessKeyId', message }],
    });
  });

  test('one incident per key, whichever region saw it; incident ids of both kinds are recognised', () => {
    const key = { kind: 'iam-access-key' as const, account: '123456789012', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' };
    expect(incidentIdFor({ ...key, region: 'eu-west-1' })).toBe('inc-123456789012-iam-AKIAIOSFODNN7EXAMPLE');
    expect(incidentIdFor({ ...key, region: 'us-east-1' })).toBe('inc-123456789012-iam-AKIAIOSFODNN7EXAMPLE');
    expect(isIncidentId('inc-123456789012-iam-AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(isIncidentId('inc-123456789012-eu-west-1-i-0a1b2c3d4e5f60718')).toBe(true);
    expect(isIncidentId('inc-123456789012-iam-AKIA/../etc')).toBe(false);
  });
});

describe('Security Hub IAM findings', () => {
  test('an imported GuardDuty IAM finding accuses the AwsIamAccessKey; a control finding on a user alone is skipped', () => {
    const event = fixture('securityhub-iam-access-key.json');
    const result = normaliseSecurityHub(event, defaults);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.alerts.map((a) => [a.sourceId.split('/').pop(), a.severity, a.findingType, a.resource])).toEqual([
      [
        '7d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
        'high',
        'TTPs/Initial Access/UnauthorizedAccess:IAMUser-MaliciousIPCaller.Custom',
        {
          kind: 'iam-access-key',
          account: '123456789012',
          region: 'eu-west-1',
          accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
          userName: 'ci-deployer',
          userType: 'IAMUser',
          principalId: 'AIDACKCEVSQ6C2EXAMPLE',
        },
      ],
    ]);
    expect(result.skipped).toEqual([
      {
        path: 'detail.findings[1]',
        reason: expect.stringMatching(/has no AwsEc2Instance or AwsIamAccessKey resource \(AwsIamUser\)$/),
      },
    ]);
  });

  test('the user comes from an AwsIamUser resource when the key details name none', () => {
    const event = fixture('securityhub-iam-access-key.json');
    const finding = event.detail.findings[0];
    finding.Resources[0].Details = undefined;
    finding.Resources[0].Id = 'AKIAI44QH8DHBEXAMPLE';
    finding.Resources.push(event.detail.findings[1].Resources[0]);
    event.detail.findings = [finding];
    const result = normaliseSecurityHub(event, defaults);
    expect(result.ok && result.alerts[0]!.resource).toEqual({
      kind: 'iam-access-key',
      account: '123456789012',
      region: 'eu-west-1',
      accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
      userName: 'ci-deployer',
    });
  });

  test('an AwsIamAccessKey resource that names no key is refused at its path', () => {
    const event = fixture('securityhub-iam-access-key.json');
    event.detail.findings[0].Resources[0].Id = 'AWS::IAM::AccessKey:';
    const result = normaliseSecurityHub(event, defaults);
    expect(!result.ok && result.kind === 'invalid' && result.issues).toEqual([
      { path: 'detail.findings[0].Resources[0].Id', message: expect.stringContaining('AWS::IAM::AccessKey:<access key id>') },
    ]);
  });
});
