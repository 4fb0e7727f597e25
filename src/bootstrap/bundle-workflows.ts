/**
 * Bundles the workflow code once, at image build time, so workers start without webpack:
 * `tsx src/bootstrap/bundle-workflows.ts <out-file>`; workers load it via CORDON_WORKFLOW_BUNDLE.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { workflowBundlerOptions, workflowsPath } from './workflow-bundle-options';

/** Bundles Cordon's workflows (or another folder's, e.g. a copy with a patch under evaluation). */
export async function writeWorkflowBundle(outFile: string, fromPath = workflowsPath): Promise<number> {
  const { code } = await bundleWorkflowCode({ workflowsPath: fromPath, ...workflowBundlerOptions });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return code.length;
}

if (require.main === module) {
  const out = process.argv[2] ?? 'dist/workflow-bundle.js';
  writeWorkflowBundle(out).then(
    (size) => process.stdout.write(`workflow bundle: ${out} (${(size / 1024).toFixed(0)} KiB)\n`),
    (err: unknown) => {
      process.stderr.write(`bundle failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
