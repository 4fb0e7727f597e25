/**
 * What a manual run acts on: a target of the runbook's resource kind (`matches.resourceKind`),
 * named by kind and id (`ec2-instance:i-…`), in an account and region (the API's defaults when
 * not given). One entry per resource kind (the type makes every kind have one) says which ids it
 * accepts and which incident resource it names.
 */
import type { ResourceKind, ResourceRef } from '../domain/incident';

interface TargetKind {
  /** Ids this kind accepts (checked before anything is asked of AWS). */
  id: RegExp;
  /** What the id looks like, for the refusal's message. */
  example: string;
  resource(id: string, where: { account: string; region: string }): ResourceRef;
}

export const targetKinds: Record<ResourceKind, TargetKind> = {
  'ec2-instance': {
    id: /^i-[0-9a-f]{8,17}$/,
    example: 'i-0123456789abcdef0',
    resource: (instanceId, where) => ({ ...where, instanceId }),
  },
  // An IAM user's long-term key: its owner is read from IAM when the run describes it. A role's
  // temporary key (ASIA…) names no role by itself, so it is contained from its finding instead.
  'iam-access-key': {
    id: /^AKIA[A-Z0-9]{16}$/,
    example: 'AKIAIOSFODNN7EXAMPLE',
    resource: (accessKeyId, where) => ({ kind: 'iam-access-key', ...where, accessKeyId }),
  },
};

export const isTargetKind = (kind: string): kind is ResourceKind => Object.prototype.hasOwnProperty.call(targetKinds, kind);

/** `kind:id` as the CLI's `--target` spells it. */
export function parseTarget(text: string): { kind: string; id: string } | undefined {
  const at = text.indexOf(':');
  return at > 0 && at < text.length - 1 ? { kind: text.slice(0, at), id: text.slice(at + 1) } : undefined;
}
