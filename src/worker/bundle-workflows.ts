/**
 * Bundles the workflow code once, at image build time, so workers start without webpack:
 * `tsx src/worker/bundle-workflows.ts <out-file>`; workers load it via CORDON_WORKFLOW_BUNDLE.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { workflowsPath } from './create-worker';

export async function writeWorkflowBundle(outFile: string): Promise<number> {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return code.length;
}

if (require.main === module) {
  const out = process.argv[2] ?? 'dist/workflow-bundle.js';
  writeWorkflowBundle(out).then(
    (size) => process.stdout.write(`workflow bundle: ${out} (${(size / 1024).toFixed(0)} KiB)\n`),
    (err: unknown) => { process.stderr.write(`bundle failed: ${(err as Error).message}\n`); process.exit(1); },
  );
}
