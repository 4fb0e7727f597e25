/**
 * The console in real headless Chromium against the running stack: a wrong token is refused;
 * an approver signs in, sees the demo incident waiting for approval, approves it with a reason
 * and watches containment complete. Along the way: attacker-controlled text stays text, the page
 * loads nothing from any other origin (air-gapped), and the incident's runbook name and version
 * are in the list and on its page with a read-only view of the pinned definition. A DPO then sees
 * the evidence hashes and verifies the chain. An operator's runbook started by hand shows who
 * started it, its inputs, and each step's when, gate and alongside as pinned. Screenshots are
 * saved to test-artifacts/.
 */
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { horizontalOverflow, launchChromium, screenshot, seriousA11yViolations, signIn } from '../helpers/browser';
import { eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;
let browser: Browser;
let baseUrl: string;
let runbooksDir: string;
/** An operator's runbook: a condition over an input, one over the target, an approval on an action, forensics alongside. */
const operatorRunbook = `name: careful-isolation
version: "2"
matches:
  resourceKind: ec2-instance
  sources: [guardduty]
inputs:
  keepConsole: { type: boolean, default: false }
steps:
  - step: describe
  - step: contain
    gate: auto
  - step: tag-containing
  - step: snapshot-volumes
    alongside: true
  - step: capture-console
    when: inputs.keepConsole
  - step: isolate
    when: target.state == 'running'
    gate: { mode: two-person, roles: [approver], timeoutMinutes: 45, onTimeout: abort }
  - step: tag-quarantined
`;

beforeAll(async () => {
  runbooksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-console-runbooks-'));
  fs.writeFileSync(path.join(runbooksDir, 'careful-isolation.yaml'), operatorRunbook);
  stack = await startStack({ runbooks: { dir: runbooksDir } });
  fleet = await seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:' });
  baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.teardown();
  fs.rmSync(runbooksDir, { recursive: true, force: true });
});

const text = async (page: Page, selector: string) => (await page.textContent(selector)) ?? '';

test('an approver signs in, approves the waiting containment and watches it complete', async () => {
  const instanceId = fleet.instanceIds[0]!;
  const res = await stack.api.inject({
    method: 'POST',
    url: '/v1/alerts/generic',
    headers: { authorization: `Bearer ${stack.tokens.sensor}` },
    payload: { instanceId, severity: 'medium', title: 'Suspicious outbound traffic <img src=x onerror=alert(1)><script>alert(2)</script>' },
  });
  expect(res.statusCode).toBe(202);
  const incidentId: string = res.json().accepted[0].incidentId;

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme: 'dark' });
  const dialogs: string[] = [];
  const foreign: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await page.goto(`${baseUrl}/console`);
  await page.fill('#token', 'wrong-token');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#signin-error')?.textContent?.includes('not accepted'));

  await signIn(page, stack.tokens.bob!);
  await page.waitForSelector('h1:has-text("Incidents")');
  expect(await text(page, '#who')).toBe('bob · approver');
  const row = page.locator('#incidents tr', { hasText: instanceId });
  expect(await row.textContent()).toContain('medium');
  // The list names each incident's runbook and version (the built-in one, chosen and pinned at start).
  expect(await row.locator('td[data-label="Runbook"]').textContent()).toBe('ec2-compromised-instance 1.0.0');

  await page.click(`a[href="#/incidents/${incidentId}"]`);
  await page.waitForSelector('#approvals [data-gate="contain"]');
  await page.waitForFunction(() => document.querySelector('li[data-step="contain"]')?.textContent?.includes('awaiting-approval'));
  expect(await text(page, '#approvals')).toContain('needs 1 approval(s) from approver');
  // The page names the runbook and shows the pinned definition, read-only.
  expect(await text(page, '[data-meta="runbook"]')).toBe('runbook ec2-compromised-instance 1.0.0');
  expect(await text(page, '#definition .def-head strong')).toBe('ec2-compromised-instance 1.0.0');
  expect(await text(page, '#definition [data-provenance="alert"]')).toBe('Opened by an alert from sensor via generic');
  expect(await text(page, '#definition li[data-def-step="contain"]')).toContain('gate the severity policy’s');
  expect(await text(page, '#definition li[data-def-step="snapshot-volumes"]')).toContain('alongside the chain');
  expect(await text(page, '#definition li[data-def-step="capture-memory"] .def-when')).toBe('when policy.memory');
  expect(await page.locator('#definition li[data-def-step]').count()).toBe(27);
  expect(await page.locator('#definition input, #definition button:not(.copy), #definition textarea').count()).toBe(0);
  // The attacker-controlled title is shown as text, never parsed as HTML.
  expect(await text(page, 'main')).toContain('<img src=x onerror=alert(1)><script>alert(2)</script>');
  expect(await page.locator('main img, main script').count()).toBe(0);

  // A decision needs a reason: nothing is sent without one.
  await page.click('#approvals button[data-action="approve"]');
  expect(await text(page, '.gate[data-gate="contain"] .error')).toContain('A reason is required');
  expect(await text(page, 'li[data-step="contain"]')).toContain('awaiting-approval');

  await page.fill('input[data-step="contain"]', 'GuardDuty confirms C2 traffic');
  await page.click('#approvals button[data-action="approve"]');
  await page.waitForFunction(() => document.querySelector('li[data-step="isolate"]')?.textContent?.includes('done'), undefined, {
    timeout: 60000,
  });
  await page.waitForFunction(() => document.querySelector('h1')?.textContent?.includes('contained'), undefined, { timeout: 30000 });
  expect(await text(page, 'li[data-step="contain"]')).toContain('done');
  expect(await text(page, '.timeline')).toContain('bob approved Approve containment: GuardDuty confirms C2 traffic');
  // The replacement gate is next: it waits for an approver, as the medium-severity policy says.
  await page.waitForSelector('#approvals [data-gate="replace"]', { timeout: 30000 });
  // The GDPR Art. 33 clock (personal data on the demo fleet) counts down live, coloured by urgency.
  await page.waitForSelector('#clocks .countdown', { timeout: 30000 });
  const first = await text(page, '#clocks .countdown');
  expect(first).toMatch(/^7[01]h \d\dm \d\ds left$/);
  expect(await text(page, '#clocks')).toContain('GDPR · supervisory-authority');
  expect(await page.getAttribute('#clocks .countdown', 'class')).toContain('u-calm');
  await page.waitForFunction((b) => document.querySelector('#clocks .countdown')?.textContent !== b, first, { timeout: 5000 });
  expect(await text(page, '#draft')).toContain('Personal data breach notification (GDPR Art. 33)');

  const shot = await screenshot(page, 'console-approved-desk.png');
  expect(fs.statSync(shot).size).toBeGreaterThan(10000);

  // bob's role may not read evidence: the console says so instead of failing.
  expect(await text(page, '#evidence')).toContain('bob may not read evidence');
  await page.click('a[data-nav="deadlines"]');
  await page.waitForSelector('h1:has-text("Deadlines")');

  // The DPO sees the evidence with its hashes and verifies the chain from the page.
  await page.click('#signout');
  await signIn(page, stack.tokens.dora!);
  await page.goto(`${baseUrl}/console#/incidents/${incidentId}`);
  await page.waitForSelector('#evidence .copyable.hash code');
  expect(await page.getAttribute('#evidence .copyable.hash code', 'title')).toMatch(/^[0-9a-f]{64}$/);
  await page.click('#evidence button[data-action="verify"]');
  await page.waitForFunction(() => /intact|broken/.test(document.querySelector('#verify-result')?.textContent ?? ''));
  expect(await text(page, '#verify-result')).toMatch(/^✓ intact: \d+ manifest entries, \d+ audit entries verified$/);

  expect(dialogs).toEqual([]);
  expect(foreign).toEqual([]);
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('an operator’s runbook started by hand: who started it, its inputs, and each step’s when, gate and alongside as pinned', async () => {
  const instanceId = fleet.instanceIds[1]!;
  const res = await stack.api.inject({
    method: 'POST',
    url: '/v1/runbooks/careful-isolation/runs',
    headers: { authorization: `Bearer ${stack.tokens.alice}` },
    payload: { target: { kind: 'ec2-instance', id: instanceId }, inputs: { keepConsole: 'true' }, reason: 'odd cron job <b>seen</b>' },
  });
  expect(res.statusCode).toBe(202);
  const incidentId: string = res.json().incidentId;

  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/console`);
  await signIn(page, stack.tokens.bob!);
  await page.waitForSelector(`#incidents tr[data-incident="${incidentId}"]`);
  expect(await page.locator(`#incidents tr[data-incident="${incidentId}"] td[data-label="Runbook"]`).textContent()).toBe(
    'careful-isolation 2',
  );

  await page.goto(`${baseUrl}/console#/incidents/${incidentId}`);
  await page.waitForSelector('#definition li[data-def-step="isolate"]');
  expect(await text(page, '[data-meta="runbook"]')).toBe('runbook careful-isolation 2 · started by hand by alice');
  expect(await text(page, '#definition [data-provenance="manual"]')).toBe('Started by hand by alice: odd cron job <b>seen</b>');
  expect(await text(page, '#definition [data-inputs]')).toBe('Inputs: keepConsole = true');
  expect(await page.locator('#definition li[data-def-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-def-step')))).toEqual(
    ['describe', 'contain', 'tag-containing', 'snapshot-volumes', 'capture-console', 'isolate', 'tag-quarantined'],
  );
  expect(await text(page, '#definition li[data-def-step="contain"] .def-gate')).toBe('gate auto');
  expect(await text(page, '#definition li[data-def-step="snapshot-volumes"] .def-alongside')).toBe('⇉ alongside the chain');
  expect(await text(page, '#definition li[data-def-step="capture-console"] .def-when')).toBe('when inputs.keepConsole');
  expect(await text(page, '#definition li[data-def-step="isolate"] .def-when')).toBe("when target.state == 'running'");
  expect(await text(page, '#definition li[data-def-step="isolate"] .def-gate')).toBe('gate two people (approver), 45 min → abort');
  expect(await page.locator('#definition b').count()).toBe(0);
  // Nothing is wider than a phone's window, and axe finds nothing serious.
  expect(await horizontalOverflow(page)).toMatchObject({ widest: '' });
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'console-runbook-definition-phone.png');
  expect(pageErrors).toEqual([]);
  await page.close();
});

test('an access-key incident reads as its key and user, in the list and on its page, with the IAM runbook as pinned', async () => {
  const user = 'console-deployer';
  await stack.aws.iam.send(new CreateUserCommand({ UserName: user }));
  const key = (await stack.aws.iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!.AccessKeyId!;
  const res = await stack.api.inject({
    method: 'POST',
    url: '/v1/runbooks/iam-access-key-compromise/runs',
    headers: { authorization: `Bearer ${stack.tokens.alice}` },
    payload: { target: { kind: 'iam-access-key', id: key }, reason: 'key found in a build log' },
  });
  expect(res.statusCode).toBe(202);
  const incidentId: string = res.json().incidentId;
  await eventually(async () => (await stack.incidents.get(incidentId))?.principal, 60000, `${incidentId} to describe the key's owner`);

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme: 'dark' });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/console`);
  await signIn(page, stack.tokens.bob!);
  const row = page.locator(`#incidents tr[data-incident="${incidentId}"]`);
  await row.waitFor();
  // Started by hand: the list names the key (its owner is known once the runbook has described it).
  expect(await row.locator('td[data-label="Resource"]').textContent()).toBe(`key ${key}`);
  expect(await row.locator('td[data-label="Runbook"]').textContent()).toBe('iam-access-key-compromise 1.0.0');

  await page.goto(`${baseUrl}/console#/incidents/${incidentId}`);
  await page.waitForSelector('#definition li[data-def-step="revoke-principal-sessions"]');
  expect(await text(page, 'h1 .wrap')).toBe(`key ${key} (${user})`);
  expect(await page.locator('#definition li[data-def-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-def-step')))).toEqual(
    [
      'describe',
      'capture-principal',
      'contain',
      'tag-containing',
      'deactivate-access-key',
      'revoke-principal-sessions',
      'tag-quarantined',
      'capture-cloudtrail',
      'capture-alerts',
    ],
  );
  expect(pageErrors).toEqual([]);
  await page.close();
});
