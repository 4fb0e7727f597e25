/**
 * Where the server binaries are: environment overrides first, then what
 * `scripts/toolchain.js` installed (recorded in .tools/toolchain.json).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ToolchainPaths {
  temporalCli: string;
  temporalTestServer: string;
  motoServer: string;
  /** Debian's Chromium, for the console's browser tests. */
  chromium?: string;
}

export const projectRoot = path.resolve(__dirname, '..', '..');

export function toolchainPaths(overrides: Partial<ToolchainPaths> = {}): ToolchainPaths {
  const manifest = path.join(projectRoot, '.tools', 'toolchain.json');
  let recorded: Partial<ToolchainPaths> = {};
  if (fs.existsSync(manifest)) recorded = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Partial<ToolchainPaths>;
  const pick = (key: keyof ToolchainPaths): string => {
    const value = overrides[key] ?? recorded[key];
    if (!value) throw new Error(`${key} is not installed: run \`npm run toolchain\``);
    return value;
  };
  return {
    temporalCli: pick('temporalCli'), temporalTestServer: pick('temporalTestServer'), motoServer: pick('motoServer'),
    chromium: overrides.chromium ?? recorded.chromium,
  };
}
