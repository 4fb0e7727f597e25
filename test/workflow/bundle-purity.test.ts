/**
 * The workflow sandbox for real: bundle workflows/index.ts as the worker does and check what
 * went in. Only Temporal's own packages and a few pure libraries may be bundled, never a Node
 * built-in, the AWS SDK, Fastify, zod or a logger; first-party modules come only from the folders
 * that are deterministic by design (workflows/, and src/ domain, regulatory, regulator-notification,
 * recovery, policy types).
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../src/bootstrap/create-worker';

const allowedPackages = ['@temporalio/', 'long/', 'luxon/', 'ms/', 'nexus-rpc/'];
const allowedFirstParty = /^\.\/(workflows\/|src\/(domain|regulatory|regulator-notification|recovery)\/)/;

let modules: string[];
let code: string;

beforeAll(async () => {
  ({ code } = await bundleWorkflowCode({
    workflowsPath,
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  }));
  modules = [...new Set([...code.matchAll(/"(\.\/[^"]+\.(?:ts|js|cjs|mjs|json))"/g)].map((m) => m[1]!))];
}, 120_000);

test('the bundle holds the workflows and nothing else of ours', () => {
  expect(modules).toEqual(
    expect.arrayContaining(['./workflows/index.ts', './workflows/incident-workflow.ts', './workflows/plan-workflow.ts']),
  );
  expect(modules.filter((m) => !m.startsWith('./node_modules/') && !allowedFirstParty.test(m))).toEqual([]);
});

test('only Temporal and a few pure libraries are bundled: no AWS SDK, no Node built-in', () => {
  const packages = modules.filter((m) => m.startsWith('./node_modules/')).map((m) => m.slice('./node_modules/'.length));
  expect(packages.filter((p) => !allowedPackages.some((a) => p.startsWith(a)))).toEqual([]);
  // webpack marks a module it could not bundle as `external "…"`; Temporal's bundler refuses most built-ins, this catches the rest.
  expect(code).not.toMatch(/external "(node:)?(fs|path|os|crypto|child_process|net|http|https|stream|util|events)"/);
});
