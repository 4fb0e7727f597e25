/**
 * The console for the responder's worst hour, in Debian's Chromium against the real stack (the
 * worker pages a Slack-compatible receiver with CORDON_PUBLIC_URL set to the console):
 * - one tap from a notice: the link in the Slack notice opens the gate's decision on a phone,
 *   through sign-in, with the decision box first and the reason field focused; a reason and a tap
 *   approve it, and the page follows containment without a reload;
 * - the incident at a glance: the runbook timeline (gates hatched as waits) and one filling bar
 *   per regulatory clock (overdue, submitted, waiting — each with words, not only colour), and the
 *   deadlines chart, at 390×844 and 1400×900, light and dark, with nothing wider than the window
 *   and no serious or critical axe-core violation on any page;
 * - live without flicker on a desk: polls that find nothing new replace nothing, the keyboard
 *   alone approves the next gate, and the page follows it.
 * Screenshots go to test-artifacts/ (and docs/ with CORDON_WRITE_SCREENSHOTS=1).
 */
import { NativeConnection } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { seedDemoFleet, type DemoFleet } from '../../src/local/demo-fleet';
import { createCordonWorker, type CordonWorker } from '../../src/bootstrap/create-worker';
import { artifactsDir, horizontalOverflow, launchChromium, screenshot, seriousA11yViolations, signIn } from '../helpers/browser';
import { eventually, startStack, UNBOUNDED_FLEET, type Stack } from '../helpers/stack';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

let stack: Stack;
let fleet: DemoFleet;
let browser: Browser;
let baseUrl: string;
let hook: WebhookReceiver;
let worker: CordonWorker;
let running: Promise<void>;
let connection: NativeConnection;
let incidentId: string;

beforeAll(async () => {
  hook = await startWebhookReceiver();
  stack = await startStack({ worker: false });
  fleet = await seedDemoFleet(stack.aws, { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:' });
  baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
  // The stack's own worker has no notifier: this one pages the receiver, with the console as the public URL.
  connection = await NativeConnection.connect({ address: stack.temporal.address });
  worker = await createCordonWorker({
    connection,
    namespace: 'default',
    taskQueue: stack.taskQueue,
    fleet: { limits: UNBOUNDED_FLEET },
    deps: {
      aws: stack.aws,
      config: { verifiedImageTag: 'cordon:verified', dataTagPrefix: 'data:', compromiseLookbackHours: 24 },
      evidence: { store: stack.evidence, collector: 'cordon-it-worker' },
      people: { targets: [{ name: 'slack', url: hook.url, format: 'slack' }], consoleUrl: baseUrl },
    },
  });
  running = worker.run();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection?.close();
  await stack?.teardown();
  await hook?.close();
});

/** Script errors on any page of this file fail the test that made them. */
const pageErrors: string[] = [];
async function newPage(options: Parameters<Browser['newPage']>[0]): Promise<Page> {
  const page = await browser.newPage(options);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

const phone = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const desk = { viewport: { width: 1400, height: 900 } };
const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  stack.api.inject({ method, url, headers: { authorization: `Bearer ${stack.tokens[who]}` }, ...(payload ? { payload } : {}) });

async function open(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForSelector(ready, { timeout: 30000 });
}

test('a phone opens the Slack notice, signs in and approves the gate with a reason and one tap', async () => {
  const res = await call('sensor', 'POST', '/v1/alerts/generic', {
    instanceId: fleet.instanceIds[1],
    severity: 'medium',
    title: 'Outbound traffic to a known C2 address',
  });
  incidentId = res.json().accepted[0].incidentId;
  const text = await eventually(
    async () => hook.received.map((r) => JSON.stringify(r.body)).find((b) => b.includes('/approve/contain')),
    30000,
    'the approval notice',
  );
  const link = /<(http[^|>]+)\|/.exec(JSON.parse(text).blocks[0].text.text)![1];
  expect(link).toBe(`${baseUrl}/console#/incidents/${incidentId}/approve/contain`);

  const page = await newPage({ ...phone, colorScheme: 'light' });
  await page.goto(link);
  expect(await page.textContent('#signin-why')).toContain('Sign in to decide “contain”');
  await signIn(page, stack.tokens.bob!);
  await page.waitForSelector('.gate.focused[data-gate="contain"]');
  // The decision is the first thing on the phone, in view, with the reason field ready.
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('reason-contain');
  const top = async (sel: string) => (await page.locator(sel).boundingBox())!.y;
  expect(await top('#approvals')).toBeLessThan(await top('#glance'));
  expect(await top('#glance')).toBeLessThan(await top('#steps'));
  const box = (await page.locator('.gate[data-gate="contain"] button[data-action="approve"]').boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(844);
  expect(box.height).toBeGreaterThanOrEqual(44);
  expect(await horizontalOverflow(page)).toMatchObject({ scrollWidth: 390 });
  await screenshot(page, 'console-decide-phone.png', 'console-decide-phone.png', false);

  await page.evaluate(() => {
    (window as unknown as { stayed: boolean }).stayed = true;
  });
  await page.fill('#reason-contain', 'C2 traffic confirmed by GuardDuty');
  await page.tap('.gate[data-gate="contain"] button[data-action="approve"]');
  await page.waitForSelector('.decided');
  expect(await page.textContent('.decided')).toContain('You approved “Approve containment”');
  // Live: the page follows containment without a reload, and says when it last fetched.
  await page.waitForFunction(() => document.querySelector('h1')?.textContent?.includes('contained'), undefined, { timeout: 60000 });
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(await page.textContent('#updated')).toMatch(/● Live · updated \d\d:\d\d:\d\d/);
  expect(await page.textContent('li[data-step="contain"]')).toContain('done');
  await screenshot(page, 'console-approved-phone.png');
  await page.close();
});

test('the incident at a glance, the clocks and the deadlines fit phone and desk, light and dark, and pass axe', async () => {
  // Give the clocks every state: awareness 80 h ago makes the 72-hour clock overdue; the register entry is submitted;
  // the follow-up waits for the first submission.
  const awareAt = new Date(Date.now() - 80 * 3600_000).toISOString();
  await eventually(
    async () => (await call('dora', 'GET', `/v1/incidents/${incidentId}/notification`)).statusCode === 200,
    30000,
    'the breach notification',
  );
  expect(
    (
      await call('dora', 'POST', `/v1/incidents/${incidentId}/notification/awareness`, {
        awareAt,
        reason: 'triage: customer records were readable',
      })
    ).statusCode,
  ).toBe(200);
  expect(
    (
      await call('dora', 'POST', `/v1/incidents/${incidentId}/notification/submissions`, {
        obligationId: 'gdpr.33.5',
        reference: 'REG-2026-4',
      })
    ).statusCode,
  ).toBe(200);

  for (const [size, ctx] of [
    ['phone', phone],
    ['desk', desk],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await newPage({ ...ctx, colorScheme: scheme });
      await page.goto(`${baseUrl}/console#/incidents`);
      await signIn(page, stack.tokens.dora!);
      const pages: [string, string, string][] = [
        ['list', '#/incidents', '#incidents tr.row'],
        ['incident', `#/incidents/${incidentId}`, '#glance svg.gantt'],
        ['deadlines', '#/deadlines', '#deadlines-chart svg.gantt'],
      ];
      for (const [name, hash, ready] of pages) {
        await open(page, hash, ready);
        const where = `${size} ${scheme} ${hash}`;
        const overflow = await horizontalOverflow(page);
        expect({ where, ok: overflow.scrollWidth <= overflow.innerWidth, ...overflow }).toMatchObject({ where, ok: true });
        expect({ where, violations: await seriousA11yViolations(page) }).toEqual({ where, violations: [] });
        if (name === 'incident') await expectGlance(page);
        await screenshot(page, `console-${name}-${size}-${scheme}.png`);
        // The README shows what a desk's window shows first.
        if (size === 'desk' && name !== 'list')
          await screenshot(
            page,
            `console-${name}-${size}-${scheme}-window.png`,
            scheme === 'dark' ? `console-${name}.png` : undefined,
            false,
          );
        if (name === 'incident') await page.locator('#glance').screenshot({ path: `${artifactsDir}/console-glance-${size}-${scheme}.png` });
      }
      const deadlines = page.locator('#deadlines-chart svg.gantt g.row');
      expect(await deadlines.count()).toBeGreaterThanOrEqual(1);
      expect(await page.textContent('#deadlines-chart svg')).toMatch(/! overdue/);
      await page.close();
    }
  }
});

async function expectGlance(page: Page): Promise<void> {
  const steps = (await call('dora', 'GET', `/v1/incidents/${incidentId}`)).json().steps as { name: string }[];
  expect(await page.locator('#glance svg.gantt g.row').count()).toBe(steps.length);
  // The approval gate is drawn as a wait (hatched), the containment milestone is on the axis.
  expect(await page.getAttribute('#glance g.row[data-row="contain"]', 'class')).toContain('g-wait');
  expect(await page.getAttribute('#glance g.row[data-row="contain"] rect.seg', 'fill')).toMatch(/^url\(#hatch-\d+\)$/);
  expect(await page.textContent('#glance svg')).toMatch(/contained \d/);
  expect(await page.textContent('#glance [data-stat="contain"] dd')).toMatch(/^\d+(\.\d)? (s|min)/);
  // Each clock a bar, its state also in words.
  const clock = (id: string) => page.locator(`#clocks [data-clock="${id}"]`);
  expect(await clock('gdpr.33.1').getAttribute('data-state')).toBe('overdue');
  expect(await clock('gdpr.33.1').locator('.clock-head').textContent()).toMatch(/! overdue \d/);
  expect(await clock('gdpr.33.5').getAttribute('data-state')).toBe('met');
  expect(await clock('gdpr.33.5').locator('.clock-head').textContent()).toContain('submitted');
  expect(await page.locator('#clocks [data-state="waiting"] .clock-head').first().textContent()).toContain('○ waiting');
  expect(await page.locator('#clocks svg.clock-bar').count()).toBeGreaterThanOrEqual(3);
}

test('on a desk the page is live without flicker, and the keyboard alone approves the next gate', async () => {
  const page = await newPage({ ...desk, colorScheme: 'dark' });
  await page.goto(`${baseUrl}/console#/incidents/${incidentId}`);
  await signIn(page, stack.tokens.carol!);
  await page.waitForSelector('.gate[data-gate="replace"]', { timeout: 30000 });
  await page.evaluate(() =>
    document.querySelectorAll('#glance, #clocks, #steps, #approvals').forEach((el) => {
      (el as HTMLElement).dataset.kept = 'yes';
    }),
  );
  const stamp = async () => page.getAttribute('#updated time', 'datetime');
  const first = await stamp();
  await page.waitForFunction((f) => document.querySelector('#updated time')?.getAttribute('datetime') !== f, first, { timeout: 10000 });
  const second = await stamp();
  await page.waitForFunction((f) => document.querySelector('#updated time')?.getAttribute('datetime') !== f, second, { timeout: 10000 });
  // Two polls found nothing new: the same elements are still on the page (nothing redrawn, nothing flickers).
  expect(await page.locator('[data-kept="yes"]').count()).toBe(4);

  await page.keyboard.press('a');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('reason-replace');
  await page.keyboard.type('known-good image verified');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('.decided');
  expect(await page.textContent('.decided')).toContain('You approved “Approve replacement”');
  await page.waitForFunction(() => document.querySelector('li[data-step="replace"]')?.textContent?.includes('done'), undefined, {
    timeout: 30000,
  });
  expect(await page.locator('#approvals .gate').count()).toBe(0);
  await page.close();
});
