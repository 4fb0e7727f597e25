/**
 * Committed benchmark results: `npm run bench` writes one JSON file per benchmark to
 * `bench/results/<name>.json` — the commit it measured (and whether the tree was clean), the
 * machine (cores, CPU, memory, Node, the Temporal CLI and moto versions), the command, the
 * configuration that decides the figure (e.g. the evidence fsync), the rows with their floors, and
 * the raw samples. The README's performance table is generated from these files
 * (scripts/bench-table.ts), never typed by hand.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolchainPaths } from '../src/local/toolchain-paths';
import type { BenchReport } from './stats';

export const resultsDir = path.resolve(__dirname, 'results');

export interface BenchMachine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  temporalCli?: string;
  moto?: string;
  /** 1-minute load average when the result was written: above the core count, other work shared the machine. */
  loadAverage?: number;
}

export interface BenchResultFile extends BenchReport {
  at: string;
  commit: string;
  /** True when the measured tree had uncommitted changes (bench/results/ aside). */
  dirty: boolean;
  machine: BenchMachine;
  command: string;
  config: Record<string, string | number | boolean>;
}

function quiet(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).trim();
  } catch {
    return undefined;
  }
}

export function benchMachine(): BenchMachine {
  const tools = toolchainPaths();
  const temporalCli = quiet(tools.temporalCli, ['--version'])?.split('\n')[0];
  const moto = quiet(path.join(path.dirname(tools.motoServer), 'python'), ['-c', 'import moto; print(moto.__version__)']);
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model?.trim() ?? 'cpu',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
    ...(temporalCli ? { temporalCli } : {}),
    ...(moto ? { moto } : {}),
  };
}

/** Writes `bench/results/<file>.json` for one benchmark's report; returns its path. */
export function writeResult(file: string, report: BenchReport, command: string, config: BenchResultFile['config']): string {
  const result: BenchResultFile = {
    ...report,
    at: new Date().toISOString(),
    commit: quiet('git', ['rev-parse', 'HEAD']) ?? 'unknown',
    // Uncommitted changes to what was measured; the result files themselves (this module's output) do not count.
    dirty: (quiet('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results']) ?? '') !== '',
    machine: benchMachine(),
    command,
    config,
  };
  fs.mkdirSync(resultsDir, { recursive: true });
  const out = path.join(resultsDir, `${file}.json`);
  fs.writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
  return out;
}

/** Every committed result, keyed by its file name (`ingest-fsync` for bench/results/ingest-fsync.json). */
export function readResults(dir = resultsDir): Map<string, BenchResultFile> {
  if (!fs.existsSync(dir)) return new Map();
  return new Map(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BenchResultFile]),
  );
}
