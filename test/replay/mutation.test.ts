/**
 * The replay test's own check: a workflow change that adds one command (a timer) must fail to
 * replay a committed history with a determinism error. If this passes the replay test is able
 * to catch the changes it exists for.
 */
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { installWorkerRuntime } from '../../src/bootstrap/runtime';
import type { CapturedHistory } from './capture';

test('one extra timer in the incident workflow fails replay with a DeterminismViolationError', async () => {
  installWorkerRuntime();
  const record = JSON.parse(
    fs.readFileSync(path.join(__dirname, 'histories', 'auto-contain-replace-close.json'), 'utf8'),
  ) as CapturedHistory;
  const history = temporal.api.history.v1.History.decode(Buffer.from(record.history, 'base64'));
  const errors: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: path.join(__dirname, 'mutant'), replayName: 'cordon-mutant' }, [
    { workflowId: record.workflowId, history },
  ])) {
    errors.push(result.error ? `${result.error.name}: ${result.error.message}` : 'replayed without error');
  }
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^DeterminismViolationError: /);
}, 120_000);
