import { bannerLines, type BannerInfo } from '../../../src/bootstrap/banner';

const SECRET = 'configured-admin-token-0123456789';
const info = (over: Partial<BannerInfo> = {}): BannerInfo => ({
  apiUrl: 'http://127.0.0.1:8787',
  temporalAddress: '127.0.0.1:7233',
  adminToken: SECRET,
  generatedToken: false,
  simulated: false,
  notifiers: [],
  ...over,
});

test('a configured CORDON_ADMIN_TOKEN is named, never printed; the curl lines read it from the environment', () => {
  const text = bannerLines(info()).join('\n');
  expect(text).not.toContain(SECRET);
  expect(text).toMatch(/Admin token +\(from CORDON_ADMIN_TOKEN\)/);
  const curls = text.split('\n').filter((l) => l.includes('Authorization'));
  expect(curls).toHaveLength(2);
  // Double-quoted so the shell expands the variable.
  for (const line of curls) expect(line).toContain('"Authorization: Bearer $CORDON_ADMIN_TOKEN"');
});

test('a token generated for this run is printed, with the hint to configure one', () => {
  const generated = 'generated-run-token-abcdef';
  const text = bannerLines(info({ adminToken: generated, generatedToken: true })).join('\n');
  expect(text).toMatch(new RegExp(`Admin token +${generated} +\\(generated for this run`));
  expect(text).toContain(`'Authorization: Bearer ${generated}'`);
  expect(text).not.toContain('$CORDON_ADMIN_TOKEN');
});

test('the runbooks loaded at start are listed, and each refused file with its line and column', () => {
  const lines = bannerLines(
    info({
      runbooks: {
        loaded: ['ec2-compromised-instance 1.0.0', 'ssh-bruteforce-tag-snapshot 3'],
        refused: ['/etc/cordon/runbooks/broken.yaml:8:34 steps.1.when: when: expected a value but found "and" (at character 24)'],
      },
    }),
  );
  expect(lines).toContain('  Runbooks       ec2-compromised-instance 1.0.0, ssh-bruteforce-tag-snapshot 3');
  expect(lines).toContain(
    '  Refused        /etc/cordon/runbooks/broken.yaml:8:34 steps.1.when: when: expected a value but found "and" (at character 24)',
  );
});
