/**
 * The accused principal as evidence (one JSON artifact per incident and principal): its
 * description from before any change (the `describe` step's result, from history), and the
 * documents of its policies read now — inline (GetUserPolicy/GetRolePolicy) and attached managed
 * ones (GetPolicy, then GetPolicyVersion of the default version) — the raw AWS answers, so nothing
 * is lost in translation. A policy that cannot be read is recorded in `errors`, never fails the
 * capture. Idempotent by artifact name (a retry or a replay finds the entry and returns it).
 */
import { GetPolicyCommand, GetPolicyVersionCommand, GetRolePolicyCommand, GetUserPolicyCommand } from '@aws-sdk/client-iam';
import { findArtifact, recordArtifact, type ArtifactEntry } from '../../src/evidence';
import type { PrincipalDescription } from '../../src/domain/incident';
import { errorCode } from '../aws-errors';
import { evidenceCall, heartbeat, plain, type ForensicsDeps } from './forensics-context';

export interface CapturePrincipalInput {
  incidentId: string;
  principal: PrincipalDescription;
}

/** IAM returns policy documents URL-encoded (RFC 3986); the artifact keeps them readable. */
function decoded(document: string | undefined): unknown {
  if (document === undefined) return null;
  try {
    return JSON.parse(decodeURIComponent(document));
  } catch {
    return document;
  }
}

export async function capturePrincipal(deps: ForensicsDeps, input: CapturePrincipalInput): Promise<ArtifactEntry> {
  const { aws, store, collector } = deps;
  const { incidentId, principal } = input;
  const name = `principal-${principal.kind}-${principal.name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
  const done = await evidenceCall(() => findArtifact(store, incidentId, name));
  if (done) return done;

  const calls: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const read = async (label: string, fn: () => Promise<object>) => {
    try {
      calls[label] = plain(await fn());
    } catch (err) {
      errors[label] = `${errorCode(err)}: ${(err as Error).message}`;
    }
  };
  const inline: Record<string, unknown> = {};
  for (const PolicyName of principal.inlinePolicies) {
    const label = `iam:Get${principal.kind === 'iam-user' ? 'User' : 'Role'}Policy(${PolicyName})`;
    await read(label, async () => {
      const got =
        principal.kind === 'iam-user'
          ? await aws.iam.send(new GetUserPolicyCommand({ UserName: principal.name, PolicyName }))
          : await aws.iam.send(new GetRolePolicyCommand({ RoleName: principal.name, PolicyName }));
      inline[PolicyName] = decoded(got.PolicyDocument);
      return got;
    });
  }
  const attached: Record<string, unknown> = {};
  for (const policy of principal.attachedPolicies) {
    await read(`iam:GetPolicy(${policy.arn})`, async () => {
      const got = await aws.iam.send(new GetPolicyCommand({ PolicyArn: policy.arn }));
      const versionId = got.Policy?.DefaultVersionId;
      if (versionId) {
        const version = await aws.iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.arn, VersionId: versionId }));
        attached[policy.arn] = { versionId, document: decoded(version.PolicyVersion?.Document) };
      }
      return got;
    });
  }
  heartbeat({ policies: Object.keys(calls).length });

  const capturedAt = new Date().toISOString();
  return evidenceCall(() =>
    recordArtifact(store, incidentId, {
      ...deps.made,
      name,
      mediaType: 'application/json',
      collector,
      collectedAt: capturedAt,
      source: ['iam:describe-principal', ...Object.keys(calls)].join(' '),
      body: JSON.stringify(
        {
          incidentId,
          principal: principal.arn,
          capturedAt,
          collector,
          describedBefore: principal,
          policies: { inline, attached },
          calls,
          errors,
        },
        null,
        2,
      ),
      detail: {
        principal: principal.arn,
        accessKeys: principal.accessKeys.length,
        policies: principal.inlinePolicies.length + principal.attachedPolicies.length,
        failedCalls: Object.keys(errors),
      },
    }),
  );
}
