/**
 * How Cordon's workflow bundle is built, wherever it is built (the worker bundling from source,
 * the image's prebuilt bundle, the cluster and test bundles): the same entry and the same
 * shared modules.
 *
 * Shared modules: with the SDK's reusable V8 context, every workflow a worker caches gets its
 * own instance of each bundled module, except the modules listed in `preloadModules`, which
 * are loaded once per context, deep-frozen and shared by every workflow. The pure libraries the
 * workflows use — luxon and Cordon's regulatory, regulator-notification, recovery and domain modules
 * (no module state, no clock, no I/O; bundle-purity.test.ts keeps them so) — are shared; the
 * workflow modules themselves (their module-level activity proxies and per-incident WeakMaps)
 * are not. Sharing luxon and the regulatory tables roughly halves what each cached workflow
 * adds to a worker's memory (bench/results/scale.json).
 * Invariant: every first-party module outside workflows/ in the bundle is reached from this
 * list (bundle-purity.test.ts checks it), so a new import from a workflow is shared or fails a test.
 */
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** The modules workflows import from src/ (their own imports are shared with them), and luxon. */
export const sharedWorkflowModules: readonly string[] = [
  'luxon',
  ...[
    'domain/errors',
    'domain/gate',
    'domain/incident',
    'domain/provenance',
    'domain/runbook-catalogue',
    'domain/runbook-definition',
    'domain/runbook-policy',
    'regulator-notification/draft',
    'regulator-notification/edpb-template',
    'regulator-notification/register',
    'regulator-notification/render',
    'recovery/known-good-image',
    'regulatory/anchors',
    'regulatory/clock-plan',
    'regulatory/deadlines',
    'regulatory/dora',
    'regulatory/gdpr',
    'regulatory/pauses',
    'regulatory/profile',
    'regulatory/registry',
    'regulatory/status',
  ].map((m) => path.join(root, 'src', `${m}.ts`)),
];

export const workflowsPath = path.join(root, 'workflows');

/** Options for `bundleWorkflowCode` (prebuilt bundles) and `Worker.create` (bundling from source). */
export const workflowBundlerOptions = { preloadModules: [...sharedWorkflowModules] };
