/**
 * Replays every committed history (test/replay/histories, recorded by capture.ts from real
 * runbook runs) against the current workflow code. A change that would break incidents already
 * running — a reordered step, a removed activity, a new command without `patched()` — fails
 * here with a determinism error naming the history, before it ships.
 */
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { workflowBundlerOptions, workflowsPath } from '../../src/bootstrap/workflow-bundle-options';
import { installWorkerRuntime } from '../../src/bootstrap/runtime';
import type { CapturedHistory } from './capture';

const dir = path.join(__dirname, 'histories');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('histories were captured from real runs and are committed', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'approve-then-contain.json',
      'auto-contain-replace-close.json',
      'late-findings-then-close.json',
      'plan-mode.json',
      'record-only-then-escalated.json',
    ]),
  );
});

test('every committed history replays against the current workflow code', async () => {
  installWorkerRuntime();
  const histories = files.map((f) => {
    const record = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CapturedHistory;
    const history = temporal.api.history.v1.History.decode(Buffer.from(record.history, 'base64'));
    expect([f, history.events.length]).toEqual([f, record.eventTypes.length]);
    return { workflowId: record.workflowId, history };
  });
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowsPath, bundlerOptions: workflowBundlerOptions, replayName: 'cordon-replay' },
    histories,
  )) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});
