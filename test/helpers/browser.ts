/** Debian's Chromium driven by playwright-core (never a downloaded browser). */
import { chromium, type Browser } from 'playwright-core';
import path from 'node:path';
import { toolchainPaths } from '../../src/local/toolchain-paths';

export async function launchChromium(): Promise<Browser> {
  const executablePath = toolchainPaths().chromium ?? '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const artifactsDir = path.resolve(__dirname, '..', '..', 'test-artifacts');
