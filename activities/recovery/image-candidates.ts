/**
 * Gathers the images the known-good selection may consider (AWS.md §1.4): every version of the
 * group's launch template (their ImageIds) plus DescribeImages(Owners: self) — never the public
 * catalogue (moto preloads ~1,150 public AMIs). Read-only; the judging is the pure
 * `selectKnownGoodImage` in src/recovery, called by the workflow.
 */
import { DescribeImagesCommand, DescribeLaunchTemplateVersionsCommand, type LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../src/aws/clients';
import type { ImageCandidate } from '../../src/domain/incident';
import { awsCall } from '../aws-errors';

export interface GatherCandidatesInput {
  launchTemplateId?: string;
}
export interface GatheredCandidates {
  candidates: ImageCandidate[];
  /** From Cordon's config, so the workflow's pure selection applies the operator's settings. */
  verifiedImageTag: string;
  allowlist: string[];
  lookbackHours: number;
}

/**
 * Every version of a launch template. Pages by NextToken, then asks once more from the highest
 * version seen: moto returns at most MaxResults versions and no NextToken, and a missed newer
 * version would let a re-run create a duplicate.
 */
export async function launchTemplateVersions(aws: AwsClients, launchTemplateId: string): Promise<LaunchTemplateVersion[]> {
  const byNumber = new Map<number, LaunchTemplateVersion>();
  let NextToken: string | undefined;
  let MinVersion: string | undefined;
  for (;;) {
    const page = await awsCall('DescribeLaunchTemplateVersions', () =>
      aws.ec2.send(
        new DescribeLaunchTemplateVersionsCommand({
          LaunchTemplateId: launchTemplateId,
          NextToken,
          MinVersion: NextToken ? undefined : MinVersion,
          MaxResults: 200,
        }),
      ),
    );
    const before = byNumber.size;
    for (const v of page.LaunchTemplateVersions ?? []) byNumber.set(v.VersionNumber ?? 0, v);
    NextToken = page.NextToken;
    if (NextToken) continue;
    if (byNumber.size === before) break;
    MinVersion = String(Math.max(...byNumber.keys()) + 1);
  }
  return [...byNumber.values()].sort((a, b) => (a.VersionNumber ?? 0) - (b.VersionNumber ?? 0));
}

export async function gatherImageCandidates(
  aws: AwsClients,
  config: { verifiedImageTag: string; knownGoodImageAllowlist?: string[]; compromiseLookbackHours: number },
  input: GatherCandidatesInput,
): Promise<GatheredCandidates> {
  const versions = input.launchTemplateId ? await launchTemplateVersions(aws, input.launchTemplateId) : [];
  const usedBy = new Map<string, string[]>();
  for (const v of versions) {
    const imageId = v.LaunchTemplateData?.ImageId;
    if (imageId) usedBy.set(imageId, [...(usedBy.get(imageId) ?? []), `${v.LaunchTemplateId}:${v.VersionNumber}`]);
  }
  const owned = await awsCall('DescribeImages', () => aws.ec2.send(new DescribeImagesCommand({ Owners: ['self'] })));
  const referenced = [...usedBy.keys()].filter((id) => !(owned.Images ?? []).some((i) => i.ImageId === id));
  const shared = referenced.length
    ? await awsCall('DescribeImages', () => aws.ec2.send(new DescribeImagesCommand({ ImageIds: referenced }))).catch(() => ({ Images: [] }))
    : { Images: [] };
  const candidates: ImageCandidate[] = [...(owned.Images ?? []), ...(shared.Images ?? [])].map((i) => ({
    imageId: i.ImageId!,
    name: i.Name,
    state: i.State,
    creationDate: i.CreationDate,
    tags: Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    usedBy: usedBy.get(i.ImageId!) ?? [],
  }));
  return {
    candidates,
    verifiedImageTag: config.verifiedImageTag,
    allowlist: config.knownGoodImageAllowlist ?? [],
    lookbackHours: config.compromiseLookbackHours,
  };
}
