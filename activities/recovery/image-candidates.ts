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

export interface GatherCandidatesInput { launchTemplateId?: string }
export interface GatheredCandidates {
  candidates: ImageCandidate[];
  /** From Cordon's config, so the workflow's pure selection applies the operator's settings. */
  verifiedImageTag: string;
  allowlist: string[];
  lookbackHours: number;
}

export async function launchTemplateVersions(aws: AwsClients, launchTemplateId: string): Promise<LaunchTemplateVersion[]> {
  const versions: LaunchTemplateVersion[] = [];
  let NextToken: string | undefined;
  do {
    const page = await awsCall('DescribeLaunchTemplateVersions', () => aws.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: launchTemplateId, NextToken })));
    versions.push(...(page.LaunchTemplateVersions ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return versions;
}

export async function gatherImageCandidates(
  aws: AwsClients, config: { verifiedImageTag: string; knownGoodImageAllowlist?: string[]; compromiseLookbackHours: number }, input: GatherCandidatesInput,
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
    imageId: i.ImageId!, name: i.Name, state: i.State, creationDate: i.CreationDate,
    tags: Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])), usedBy: usedBy.get(i.ImageId!) ?? [],
  }));
  return {
    candidates, verifiedImageTag: config.verifiedImageTag, allowlist: config.knownGoodImageAllowlist ?? [], lookbackHours: config.compromiseLookbackHours,
  };
}
