/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), and what the console's
 * browser tests check on every page: signing in, no horizontal scroll, an axe-core scan (injected
 * from node_modules, never a CDN) and screenshots. Screenshots always go to test-artifacts/; the
 * ones the README shows are written to docs/ only with CORDON_WRITE_SCREENSHOTS=1, so CI never
 * dirties the tree.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { toolchainPaths } from '../../src/local/toolchain-paths';

export async function launchChromium(): Promise<Browser> {
  const executablePath = toolchainPaths().chromium ?? '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const artifactsDir = path.resolve(__dirname, '..', '..', 'test-artifacts');
const docsDir = path.resolve(__dirname, '..', '..', 'docs');

export async function signIn(page: Page, token: string): Promise<void> {
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('#signout:not([hidden])');
}

/** The page is no wider than the window: nothing to scroll sideways. */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; widest: string }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const wide = Array.from(document.querySelectorAll('body *')).filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5);
    const widest = wide
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${String(el.className)}`)
      .join(', ');
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, widest };
  });
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe-core against the page as it is; returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeFinding[]> {
  // Evaluated, not added as a <script>: the console's CSP refuses inline scripts, as it should.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{
            violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').split('\n').slice(1).join(' ').trim()}`),
      }));
  });
}

/** Saves a screenshot (the whole page, or with `fullPage` false what the window shows) to test-artifacts/ (and to docs/ when CORDON_WRITE_SCREENSHOTS=1 and `docsName` is given). */
export async function screenshot(page: Page, name: string, docsName?: string, fullPage = true): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, name);
  await page.screenshot({ path: file, fullPage });
  if (docsName && process.env.CORDON_WRITE_SCREENSHOTS === '1') {
    fs.mkdirSync(docsDir, { recursive: true });
    fs.copyFileSync(file, path.join(docsDir, docsName));
  }
  return file;
}
