/**
 * The regulatory layer's public surface: regimes and obligations as data, deterministic deadline
 * arithmetic, applicability, clock plans and status. Pure and workflow-safe (no I/O, no clock).
 */
export * from './types';
export * from './holidays';
export * from './deadlines';
export * from './clock-plan';
export * from './status';
export * from './registry';
export * from './anchors';
export * from './gdpr';
export * from './uk-gdpr';
export * from './nis2';
export * from './dora';
export * from './hipaa';
export * from './sec';
export * from './us-states';
export * from './singapore';
export * from './brazil';
export * from './australia';
export * from './profile';
export * from './pauses';
export * from './profile-view';
