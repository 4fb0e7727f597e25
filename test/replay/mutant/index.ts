/**
 * A deliberately non-deterministic change for the replay mutation test: the incident workflow
 * with one extra timer before it starts. Replaying any committed incident history against it
 * must fail with a DeterminismViolationError — that is what proves the replay test can see a
 * breaking change. Never bundled by the worker.
 */
import { sleep } from '@temporalio/workflow';
import { incidentWorkflow as current } from '../../../workflows/incident-workflow';

export async function incidentWorkflow(...args: Parameters<typeof current>): ReturnType<typeof current> {
  await sleep(1);
  return current(...args);
}
