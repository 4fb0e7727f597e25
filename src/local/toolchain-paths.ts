/**
 * Where the server binaries are: environment overrides first, then what
 * `scripts/toolchain.js` installed (recorded in .tools/toolchain.json). The cluster's tools
 * (Temporal server, schema tool, PostgreSQL) are asked for separately: `npm start` does not need them.
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

export interface ClusterToolchainPaths {
  /** `go.temporal.io/server/cmd/server` */
  temporalServer: string;
  /** `go.temporal.io/server/cmd/tools/sql` (temporal-sql-tool) */
  temporalSqlTool: string;
  /** The server module's `schema/postgresql/v12` and `config/` copied next to the binaries. */
  temporalServerFiles: string;
  /** initdb, postgres, pg_isready, psql */
  postgresBin: string;
}

export const projectRoot = path.resolve(__dirname, '..', '..');

function recordedToolchain(): Record<string, unknown> {
  const manifest = path.join(projectRoot, '.tools', 'toolchain.json');
  return fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, unknown>) : {};
}

export function clusterToolchainPaths(): ClusterToolchainPaths {
  const recorded = recordedToolchain();
  const pick = (key: keyof ClusterToolchainPaths): string => {
    const value = recorded[key];
    if (typeof value !== 'string' || !fs.existsSync(value))
      throw new Error(`${key} is not installed: run \`npm run toolchain\` (it builds the Temporal server and checks PostgreSQL)`);
    return value;
  };
  return {
    temporalServer: pick('temporalServer'),
    temporalSqlTool: pick('temporalSqlTool'),
    temporalServerFiles: pick('temporalServerFiles'),
    postgresBin: pick('postgresBin'),
  };
}

export function toolchainPaths(overrides: Partial<ToolchainPaths> = {}): ToolchainPaths {
  const recorded = recordedToolchain() as Partial<ToolchainPaths>;
  const pick = (key: keyof ToolchainPaths): string => {
    const value = overrides[key] ?? recorded[key];
    if (!value) throw new Error(`${key} is not installed: run \`npm run toolchain\``);
    return value;
  };
  return {
    temporalCli: pick('temporalCli'),
    temporalTestServer: pick('temporalTestServer'),
    motoServer: pick('motoServer'),
    chromium: overrides.chromium ?? recorded.chromium,
  };
}
