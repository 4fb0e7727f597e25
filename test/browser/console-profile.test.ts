/**
 * The entity profile page (#/profile) in Debian's Chromium against the real stack, as a DPO reads
 * it: who the organisation is per regime, and every obligation with its anchor, period, calendar
 * and certainty tag — on a phone and a desk, light and dark, nothing wider than the window and no
 * serious or critical axe-core violation; `p` opens it from anywhere.
 */
import type { Browser } from 'playwright-core';
import { horizontalOverflow, launchChromium, screenshot, seriousA11yViolations, signIn } from '../helpers/browser';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  baseUrl = await stack.api.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.teardown();
});

test('the profile lists the obligations that apply, on any screen, with nothing wider than the window', async () => {
  const profile = (
    await stack.api.inject({ method: 'GET', url: '/v1/profile', headers: { authorization: `Bearer ${stack.tokens.dora}` } })
  ).json() as { regimes: { regime: string; obligations: { title: string }[] }[] };
  const gdpr = profile.regimes.find((r) => r.regime === 'gdpr')!;
  expect(gdpr.obligations.length).toBeGreaterThan(0);
  const errors: string[] = [];
  for (const [size, viewport] of [
    ['phone', { width: 390, height: 844 }],
    ['desk', { width: 1400, height: 900 }],
  ] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport, colorScheme });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${baseUrl}/console#/incidents`);
      await signIn(page, stack.tokens.dora!);
      await page.keyboard.press('p');
      await page.waitForSelector('#profile-regimes section.regime');
      const where = `${size} ${colorScheme}`;
      // Every obligation the API lists is on the page, with its regime heading.
      const text = await page.locator('#profile-regimes').innerText();
      for (const o of gdpr.obligations)
        expect({ where, title: o.title, shown: text.includes(o.title) }).toEqual({ where, title: o.title, shown: true });
      expect(await page.locator('nav a[data-nav="profile"]').getAttribute('aria-current')).toBe('page');
      const overflow = await horizontalOverflow(page);
      expect({ where, ok: overflow.scrollWidth <= overflow.innerWidth, ...overflow }).toMatchObject({ where, ok: true });
      expect({ where, violations: await seriousA11yViolations(page) }).toEqual({ where, violations: [] });
      await screenshot(page, `console-profile-${size}-${colorScheme}.png`);
      await page.close();
    }
  }
  expect(errors).toEqual([]);
}, 180_000);
