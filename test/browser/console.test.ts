/**
 * The console in real headless Chromium against the running stack: sign in, see the incident
 * waiting for approval, approve it, watch containment complete. A screenshot is saved.
 */
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { artifactsDir, launchChromium } from '../helpers/browser';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let fleet: DemoFleet;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  stack = await startStack();
  fleet = await seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:' });
  baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.teardown();
});

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("Incidents")');
}

test('an approver signs in, approves the waiting containment and watches it complete', async () => {
  const instanceId = fleet.instanceIds[0]!;
  const res = await stack.api.inject({
    method: 'POST', url: '/v1/alerts/generic', headers: { authorization: `Bearer ${stack.tokens.sensor}` },
    payload: { instanceId, severity: 'medium', title: 'Suspicious outbound traffic <script>alert(1)</script>' },
  });
  expect(res.statusCode).toBe(202);
  const incidentId: string = res.json().accepted[0].incidentId;

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(`${baseUrl}/console`);
  await page.fill('#token', 'wrong-token');
  await page.click('button[type=submit]');
  await expect(page.textContent('#signin-error')).resolves.toContain('not accepted');

  await signIn(page, stack.tokens.bob!);
  await page.click(`a[href="#/incidents/${incidentId}"]`);
  await page.waitForSelector('#approvals');
  expect(await page.textContent('[data-step="contain"]')).toContain('awaiting-approval');
  // The attacker-controlled title is shown as text, never executed.
  expect(await page.textContent('main')).toContain('<script>alert(1)</script>');

  await page.fill('input[data-step="contain"]', 'GuardDuty confirms C2 traffic');
  await page.click('button[data-action="approve"]');
  await page.waitForFunction(() => document.querySelector('[data-step="isolate"]')?.textContent?.includes('done'), undefined, { timeout: 60000 });
  expect(await page.textContent('[data-step="contain"]')).toContain('done');
  expect(await page.textContent('.timeline')).toContain('bob approved');
  expect(dialogs).toEqual([]);

  fs.mkdirSync(artifactsDir, { recursive: true });
  const shot = path.join(artifactsDir, 'console-incident.png');
  await page.screenshot({ path: shot, fullPage: true });
  expect(fs.statSync(shot).size).toBeGreaterThan(10000);
});
