/**
 * One Temporal version for every way Cordon runs it: the server the pinned CLI embeds (the dev
 * server), the server and schema tool the toolchain builds for the local cluster, and the images
 * and schema job of docker-compose.yml. The schema job runs the local cluster's sql tool commands;
 * the server image is configured only through variables its config template reads.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DATABASES, schemaCommands } from '../../../src/local/temporal-cluster';

const root = path.resolve(__dirname, '..', '..', '..');
const { PINS } = require(path.join(root, 'scripts', 'toolchain.js')) as { PINS: Record<string, string> };
const manifest = JSON.parse(fs.readFileSync(path.join(root, '.tools', 'toolchain.json'), 'utf8')) as Record<string, string>;
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; command?: string[]; environment?: Record<string, unknown> }>;
};
const serverVersion = PINS.temporalServer!.replace(/^v/, '');

/** `temporal --version` of the installed CLI: "temporal version … (Server 1.29.1, UI 2.42.1)". */
function cliEmbeds(): { server: string; ui: string } {
  const r = spawnSync(manifest.temporalCli!, ['--version'], { encoding: 'utf8' });
  const m = /Server (\d+\.\d+\.\d+), UI (\d+\.\d+\.\d+)/.exec(r.stdout);
  if (!m) throw new Error(`cannot read the embedded versions from \`${manifest.temporalCli} --version\`: ${r.stdout}${r.stderr}`);
  return { server: m[1]!, ui: m[2]! };
}

test('the toolchain builds the server the pinned CLI embeds, and the built binaries say so', () => {
  expect(PINS.goTemporalCli).toBe('v1.5.1');
  expect(cliEmbeds().server).toBe(serverVersion);
  for (const bin of [manifest.temporalServer!, manifest.temporalSqlTool!]) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain(`version ${serverVersion}`);
  }
  expect(manifest.temporalServer).toContain(`temporal-server-${PINS.temporalServer}`);
});

test("compose runs that same Temporal version (server, admin tools) and the CLI's UI; no deprecated auto-setup image", () => {
  const images = Object.values(compose.services).map((s) => s.image ?? '');
  expect(images.filter((i) => i.includes('auto-setup'))).toEqual([]);
  const temporalImages = images.filter((i) => /^temporalio\/(server|admin-tools):/.test(i));
  expect(temporalImages.sort()).toEqual([
    `temporalio/admin-tools:${serverVersion}`,
    `temporalio/admin-tools:${serverVersion}`,
    `temporalio/server:${serverVersion}`,
  ]);
  expect(compose.services['temporal-ui']!.image).toBe(`temporalio/ui:${cliEmbeds().ui}`);
  expect(compose.services.postgresql!.image).toMatch(new RegExp(`^postgres:${PINS.postgresMajor}-`));
});

test("the compose schema job runs the local cluster's sql tool commands, for both databases", () => {
  const script = compose.services['temporal-schema']!.command!.join('\n');
  expect(script).toContain('temporal-sql-tool --plugin postgres12');
  for (const [key, database] of Object.entries(DATABASES)) {
    const dir = key === 'default' ? 'temporal' : 'visibility';
    expect(script).toContain(`${database}:${dir}`);
    // The job loops over the databases: its `$$db` and `$$dir` stand for this database and schema folder.
    const versioned = '"/etc/temporal/schema/postgresql/v12/$$dir/versioned"';
    for (const command of schemaCommands(database, versioned)) {
      expect(command.slice(0, 2)).toEqual(['--db', database]);
      expect(script).toContain(['step --db "$$db"', ...command.slice(2)].join(' '));
    }
  }
});

test("the server service sets only variables the module's config template reads", () => {
  const template = fs.readFileSync(path.join(manifest.temporalServerFiles!, 'config', 'docker.yaml'), 'utf8');
  const read = new Set([...template.matchAll(/env "([A-Z_]+)"/g)].map((m) => m[1]));
  const set = Object.keys(compose.services.temporal!.environment ?? {});
  expect(set.length).toBeGreaterThan(4);
  expect(set.filter((name) => !read.has(name))).toEqual([]);
  // The PostgreSQL plugin the local cluster uses.
  expect(compose.services.temporal!.environment!.DB).toBe('postgres12');
});
