/**
 * The time-skipping test server (from the toolchain; the SDK's own download fails here) and the
 * workflow bundle, built once per suite, for tests of long timers (72 hours in seconds).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { toolchainPaths } from '../../src/local/toolchain-paths';
import { workflowBundlerOptions, workflowsPath } from '../../src/bootstrap/workflow-bundle-options';

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };

export async function startTimeSkipping(): Promise<{ env: TestWorkflowEnvironment; workflowBundle: { code: string } }> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolchainPaths().temporalTestServer } },
  });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundlerOptions, logger: quiet as never });
  return { env, workflowBundle };
}
