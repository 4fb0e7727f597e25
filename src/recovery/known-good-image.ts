/**
 * Picks the last known-good image (DESIGN.md "Known-good image", AWS.md §1.4). Pure and
 * deterministic, so the workflow calls it directly and unit tables cover it.
 * Known-good = marked verified (tag `<verifiedTag>=true`, or on the allowlist), built before the
 * suspected compromise window (first alert's first-seen minus the look-back), available, and not
 * the accused instance's image unless policy trusts that image. Build time is the `cordon:built-at`
 * tag, else CreationDate (moto's CreationDate is always "now"). Newest wins; ties go to the lowest
 * image id (CreationDate has one-second resolution, G16). No candidate → `none` with the reason:
 * the caller stops for an operator and never falls back to the suspect image.
 */
import type { ImageCandidate, KnownGoodChoice } from '../domain/incident';

export const builtAtTag = 'cordon:built-at';

export interface KnownGoodCriteria {
  verifiedTag: string;
  allowlist: string[];
  /** Start of the suspected compromise: the earliest first-seen of the incident's alerts. */
  firstSeen: string;
  lookbackHours: number;
  /** The image the accused instance runs. */
  suspectImageId?: string;
  trustSuspectImage: boolean;
}

interface Judged {
  candidate: ImageCandidate;
  builtAt?: string;
  rejected?: string;
}

function builtAtOf(c: ImageCandidate): string | undefined {
  const raw = c.tags[builtAtTag] ?? c.creationDate;
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Merges duplicates (the same image seen in several templates and in DescribeImages). */
function unique(candidates: ImageCandidate[]): ImageCandidate[] {
  const byId = new Map<string, ImageCandidate>();
  for (const c of candidates) {
    const seen = byId.get(c.imageId);
    byId.set(
      c.imageId,
      seen
        ? {
            ...seen,
            ...c,
            tags: { ...seen.tags, ...c.tags },
            usedBy: [...new Set([...seen.usedBy, ...c.usedBy])],
            creationDate: seen.creationDate ?? c.creationDate,
          }
        : c,
    );
  }
  return [...byId.values()].sort((a, b) => (a.imageId < b.imageId ? -1 : 1));
}

export function windowStart(firstSeen: string, lookbackHours: number): string {
  return new Date(Date.parse(firstSeen) - lookbackHours * 3600_000).toISOString();
}

export function selectKnownGoodImage(candidates: ImageCandidate[], criteria: KnownGoodCriteria): KnownGoodChoice {
  const cutoff = windowStart(criteria.firstSeen, criteria.lookbackHours);
  const allow = new Set(criteria.allowlist);
  const judged: Judged[] = unique(candidates).map((candidate) => {
    const builtAt = builtAtOf(candidate);
    const verified = candidate.tags[criteria.verifiedTag] === 'true' || allow.has(candidate.imageId);
    let rejected: string | undefined;
    if (candidate.imageId === criteria.suspectImageId && !criteria.trustSuspectImage) rejected = "the accused instance's image";
    else if (!verified) rejected = `not verified (${criteria.verifiedTag}=true or allowlist)`;
    else if (candidate.state && candidate.state !== 'available') rejected = `image state ${candidate.state}`;
    else if (!builtAt) rejected = 'no build time';
    else if (builtAt >= cutoff) rejected = `built ${builtAt}, inside the compromise window`;
    return { candidate, builtAt, rejected };
  });
  const eligible = judged.filter((j) => !j.rejected).sort((a, b) => (a.builtAt! === b.builtAt! ? 0 : a.builtAt! > b.builtAt! ? -1 : 1));
  const rejections = judged.filter((j) => j.rejected).map((j) => `${j.candidate.imageId}: ${j.rejected}`);
  const considered = `${judged.length} candidate(s) considered, window starts ${cutoff}`;
  const best = eligible[0];
  if (!best) {
    return {
      kind: 'none',
      reason:
        `no known-good image: ${considered}${rejections.length ? `; ${rejections.join('; ')}` : ''}. An operator must mark a verified image ` +
        `(${criteria.verifiedTag}=true or the allowlist) built before ${cutoff}; Cordon never falls back to the suspect image.`,
    };
  }
  const how = best.candidate.tags[criteria.verifiedTag] === 'true' ? `${criteria.verifiedTag}=true` : 'allowlisted';
  return {
    kind: 'chosen',
    imageId: best.candidate.imageId,
    builtAt: best.builtAt!,
    reason:
      `${best.candidate.imageId}${best.candidate.name ? ` (${best.candidate.name})` : ''}: newest ${how} image built ${best.builtAt}, before the window; ` +
      `${considered}${rejections.length ? `; rejected ${rejections.join('; ')}` : ''}`,
  };
}
