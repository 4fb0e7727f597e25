import { normaliseCloudWatchSns, regionFromName } from '../../../src/alerts/normalise-cloudwatch-sns';
import { defaults, fixture } from './load-fixture';
import { resourceLabel } from '../../../src/domain/incident';

/** The SNS fixture with its alarm message changed. */
function withAlarm(change: (alarm: any) => void): any {
  const sns = fixture('cloudwatch-sns-alarm.json');
  const alarm = JSON.parse(sns.Message);
  change(alarm);
  sns.Message = JSON.stringify(alarm);
  return sns;
}

describe('CloudWatch alarm via SNS', () => {
  test('an ALARM notification: every field', () => {
    const sns = fixture('cloudwatch-sns-alarm.json');
    expect(normaliseCloudWatchSns(sns, defaults)).toEqual({
      ok: true,
      skipped: [],
      alerts: [
        {
          source: 'cloudwatch-sns',
          sourceId: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-7-network-out-anomaly',
          dedupKey: 'cloudwatch-sns:arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-7-network-out-anomaly',
          // AlarmDescription says severity=high.
          severity: 'high',
          severityScore: 7,
          title: 'web-7-network-out-anomaly',
          description: expect.stringMatching(/^Threshold Crossed: 1 out of the last 1 datapoints/),
          resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0a1b2c3d4e5f60718' },
          firstSeen: '2026-03-06T08:00:41.672Z',
          lastSeen: '2026-03-06T08:00:41.672Z',
          status: 'firing',
          raw: sns,
        },
      ],
    });
  });

  test('OK is resolved, with the same dedup key as the ALARM', () => {
    const alarm = normaliseCloudWatchSns(fixture('cloudwatch-sns-alarm.json'), defaults);
    const ok = normaliseCloudWatchSns(
      withAlarm((a) => {
        a.NewStateValue = 'OK';
        a.OldStateValue = 'ALARM';
      }),
      defaults,
    );
    expect(ok.ok && ok.alerts[0]!.status).toBe('resolved');
    expect(ok.ok && ok.alerts[0]!.dedupKey).toBe(alarm.ok && alarm.alerts[0]!.dedupKey);
  });

  test('without AlarmArn the region comes from the long name, and severity defaults to medium', () => {
    const sns = withAlarm((a) => {
      delete a.AlarmArn;
      a.Region = 'Europe (Frankfurt)';
      delete a.AlarmDescription;
    });
    const result = normaliseCloudWatchSns(sns, defaults);
    expect(result.ok && result.alerts[0]).toMatchObject({
      resource: { region: 'eu-central-1' },
      severity: 'medium',
      severityScore: 4,
      sourceId: 'arn:aws:cloudwatch:eu-central-1:123456789012:alarm:web-7-network-out-anomaly',
    });
  });

  test('an unknown region name falls back to the topic ARN region', () => {
    const sns = withAlarm((a) => {
      delete a.AlarmArn;
      a.Region = 'Somewhere (New)';
    });
    sns.TopicArn = 'arn:aws:sns:ap-southeast-2:123456789012:cordon-alarms';
    const result = normaliseCloudWatchSns(sns, defaults);
    expect(result.ok && result.alerts[0]!.resource.region).toBe('ap-southeast-2');
  });

  test('a metric-math alarm names the instance in Trigger.Metrics', () => {
    const sns = withAlarm((a) => {
      a.Trigger = {
        Metrics: [
          { Id: 'e1', Expression: 'm1 / 300', ReturnData: true },
          {
            Id: 'm1',
            MetricStat: {
              Metric: {
                Dimensions: [{ value: 'i-0fedcba9876543210', name: 'InstanceId' }],
                MetricName: 'NetworkOut',
                Namespace: 'AWS/EC2',
              },
              Period: 300,
              Stat: 'Sum',
            },
            ReturnData: false,
          },
        ],
      };
    });
    const result = normaliseCloudWatchSns(sns, defaults);
    expect(result.ok && resourceLabel(result.alerts[0]!.resource)).toBe('i-0fedcba9876543210');
  });

  test('an alarm on a load balancer is not-an-instance', () => {
    const sns = withAlarm((a) => {
      a.Trigger.Namespace = 'AWS/ApplicationELB';
      a.Trigger.Dimensions = [{ name: 'LoadBalancer', value: 'app/web/0123' }];
    });
    expect(normaliseCloudWatchSns(sns, defaults)).toMatchObject({
      ok: false,
      kind: 'not-an-instance',
      reason: expect.stringContaining('no InstanceId dimension'),
    });
  });

  test('INSUFFICIENT_DATA is not an alert', () => {
    const sns = withAlarm((a) => {
      a.NewStateValue = 'INSUFFICIENT_DATA';
    });
    expect(normaliseCloudWatchSns(sns, defaults)).toMatchObject({ ok: false, kind: 'not-an-alert' });
  });

  test('a SubscriptionConfirmation is not an alert and carries what the route needs to confirm', () => {
    const sub = fixture('cloudwatch-sns-subscription-confirmation.json');
    expect(normaliseCloudWatchSns(sub, defaults)).toEqual({
      ok: false,
      kind: 'not-an-alert',
      reason: 'SNS SubscriptionConfirmation for arn:aws:sns:eu-west-1:123456789012:cordon-alarms',
      control: { type: 'SubscriptionConfirmation', topicArn: sub.TopicArn, subscribeUrl: sub.SubscribeURL, token: sub.Token },
    });
  });

  test.each([
    ['EU (Ireland)', 'eu-west-1'],
    ['US East (N. Virginia)', 'us-east-1'],
    ['Asia Pacific (Tokyo)', 'ap-northeast-1'],
    ['eu-west-3', 'eu-west-3'],
    ['Atlantis (Central)', undefined],
  ])('region name %s → %s', (name, code) => {
    expect(regionFromName(name)).toBe(code);
  });
});

describe('malformed SNS deliveries name the offending path', () => {
  test.each<[string, string, (s: any) => void]>([
    [
      'Message not JSON',
      'Message',
      (s) => {
        s.Message = 'ALARM web-7';
      },
    ],
    [
      'unknown Type',
      'Type',
      (s) => {
        s.Type = 'Alarm';
      },
    ],
    [
      'missing TopicArn',
      'TopicArn',
      (s) => {
        delete s.TopicArn;
      },
    ],
    [
      'SignatureVersion 3',
      'SignatureVersion',
      (s) => {
        s.SignatureVersion = '3';
      },
    ],
    [
      'SubscriptionConfirmation without SubscribeURL',
      'SubscribeURL',
      (s) => {
        s.Type = 'SubscriptionConfirmation';
        s.Token = 'abc';
      },
    ],
  ])('%s → %s', (_name, path, mutate) => {
    const sns = fixture('cloudwatch-sns-alarm.json');
    mutate(sns);
    const result = normaliseCloudWatchSns(sns, defaults);
    expect(!result.ok && result.kind === 'invalid' && result.issues.map((i) => i.path)).toContain(path);
  });

  test.each<[string, string, (a: any) => void]>([
    [
      'bad instance id in the dimension',
      'Message.Trigger.Dimensions[0].value',
      (a) => {
        a.Trigger.Dimensions[0].value = 'web-7';
      },
    ],
    [
      'state as a number',
      'Message.NewStateValue',
      (a) => {
        a.NewStateValue = 1;
      },
    ],
    [
      'no StateChangeTime',
      'Message.StateChangeTime',
      (a) => {
        delete a.StateChangeTime;
      },
    ],
    [
      'dimensions not an array',
      'Message.Trigger.Dimensions',
      (a) => {
        a.Trigger.Dimensions = { InstanceId: 'i-0a1b2c3d4e5f60718' };
      },
    ],
    [
      'no Trigger',
      'Message.Trigger',
      (a) => {
        delete a.Trigger;
      },
    ],
  ])('%s → %s', (_name, path, mutate) => {
    const result = normaliseCloudWatchSns(withAlarm(mutate), defaults);
    expect(!result.ok && result.kind === 'invalid' && result.issues.map((i) => i.path)).toContain(path);
  });
});
