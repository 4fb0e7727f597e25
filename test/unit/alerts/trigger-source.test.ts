import { inferSource } from '../../../src/cli/trigger-command';
import { fixture } from './load-fixture';

test.each([
  ['guardduty-ssh-bruteforce.json', 'guardduty'],
  ['guardduty-getfindings.json', 'guardduty'],
  ['securityhub-imported.json', 'securityhub'],
  ['cloudwatch-sns-alarm.json', 'cloudwatch-sns'],
  ['cloudwatch-sns-subscription-confirmation.json', 'cloudwatch-sns'],
  ['alertmanager-webhook.json', 'alertmanager'],
  ['generic-alert.json', 'generic'],
])('cordon trigger infers the source of %s', (file, source) => {
  expect(inferSource(fixture(file))).toBe(source);
});

test('an unrecognisable payload is not guessed', () => {
  expect(inferSource({ hello: 'world' })).toBeUndefined();
  expect(inferSource([1, 2])).toBeUndefined();
});
