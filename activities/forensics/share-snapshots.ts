/**
 * Evidence across accounts (README "Organisation"): snapshots stay in the account they were made
 * in — the incident's member account — and are shared with the organisation's forensic account
 * (createVolumePermission for that account only, never public), then tagged
 * `cordon:shared-with=<account>`, so investigators there can create volumes from them without
 * credentials in the member account (AWS.md §1.2 step 8: S2 shares its snapshots).
 * Idempotent: a snapshot whose permission already names the account is only tagged. A snapshot
 * AWS will not share (e.g. encrypted with the AWS-managed key, which no other account may use)
 * is reported with the reason, never thrown: the snapshots are evidence whether or not they are
 * shared, and the artifact must still be recorded.
 */
import { CreateTagsCommand, DescribeSnapshotAttributeCommand, ModifySnapshotAttributeCommand } from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/activity';
import { errorCode, rethrowAws } from '../aws-errors';
import { EvidenceTag, type ForensicsDeps } from './forensics-context';

export interface SnapshotSharing {
  account: string;
  shared: string[];
  failed: { snapshotId: string; reason: string }[];
}

/** Shares each snapshot with the forensic account; undefined when none is configured or the snapshots are already there. */
export async function shareWithForensicAccount(deps: ForensicsDeps, snapshotIds: string[]): Promise<SnapshotSharing | undefined> {
  const account = deps.forensicAccount;
  if (!account || account === deps.made.account || !snapshotIds.length) return undefined;
  const { ec2 } = deps.aws;
  const result: SnapshotSharing = { account, shared: [], failed: [] };
  for (const snapshotId of snapshotIds) {
    try {
      const current = await ec2.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }));
      if (!current.CreateVolumePermissions?.some((p) => p.UserId === account)) {
        await ec2.send(
          new ModifySnapshotAttributeCommand({
            SnapshotId: snapshotId,
            Attribute: 'createVolumePermission',
            OperationType: 'add',
            UserIds: [account],
          }),
        );
      }
      await ec2.send(new CreateTagsCommand({ Resources: [snapshotId], Tags: [{ Key: EvidenceTag.sharedWith, Value: account }] }));
      result.shared.push(snapshotId);
    } catch (err) {
      // Throttling and 5xx are retried by the activity; a permanent refusal is reported with the snapshot.
      try {
        rethrowAws(err, `sharing ${snapshotId} with ${account}`);
      } catch (classified) {
        if (!(classified instanceof ApplicationFailure && classified.nonRetryable)) throw classified;
        result.failed.push({ snapshotId, reason: `${errorCode(err)}: ${classified.message}` });
      }
    }
  }
  return result;
}
