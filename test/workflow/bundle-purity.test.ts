/**
 * The workflow sandbox for real: bundle workflows/index.ts as the worker does and check what
 * went in. Only Temporal's own packages and a few pure libraries may be bundled, never a Node
 * built-in, the AWS SDK, Fastify, zod or a logger; first-party modules come only from the folders
 * that are deterministic by design (workflows/, and src/ domain, regulatory, regulator-notification,
 * recovery, policy types). Those first-party modules and luxon are the ones every workflow a
 * worker caches shares (src/bootstrap/workflow-bundle-options.ts): each is reached from the bundle's
 * preload list, so none is instantiated once per cached workflow.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundlerOptions, workflowsPath } from '../../src/bootstrap/workflow-bundle-options';

const allowedPackages = ['@temporalio/', 'long/', 'luxon/', 'ms/', 'nexus-rpc/'];
const allowedFirstParty = /^\.\/(workflows\/|src\/(domain|regulatory|regulator-notification|recovery)\/)/;

let modules: string[];
let code: string;

beforeAll(async () => {
  ({ code } = await bundleWorkflowCode({
    workflowsPath,
    ...workflowBundlerOptions,
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

/** Module id → the module ids its body requires, read from the blocks of webpack's output. */
function requireGraph(bundle: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const blocks = bundle.split(/^\/\*\*\*\/ "([^"]+)"$/m);
  for (let i = 1; i < blocks.length; i += 2) {
    graph.set(
      blocks[i]!,
      [...blocks[i + 1]!.matchAll(/__webpack_require__\(\/\*![^*]*\*\/ "([^"]+)"\)/g)].map((m) => m[1]!),
    );
  }
  return graph;
}

test('luxon and every first-party module outside workflows/ are shared by all cached workflows (preloaded), not instantiated per workflow', () => {
  const graph = requireGraph(code);
  const preload = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(code)?.[1] ?? '';
  const shared = new Set<string>();
  const visit = (id: string): void => {
    if (shared.has(id)) return;
    shared.add(id);
    for (const next of graph.get(id) ?? []) visit(next);
  };
  for (const m of preload.matchAll(/"([^"]+)"\)/g)) visit(m[1]!);
  const mustShare = [...graph.keys()].filter((id) => /^\.\/src\//.test(id) || /\/node_modules\/luxon\//.test(id));
  expect(mustShare.length).toBeGreaterThan(10);
  expect(mustShare.filter((id) => !shared.has(id))).toEqual([]);
  // The workflows themselves keep per-workflow state (activity proxies, WeakMaps): never shared.
  expect([...shared].filter((id) => id.startsWith('./workflows/'))).toEqual([]);
});
