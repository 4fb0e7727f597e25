/**
 * What every forensics activity shares: its dependencies, the evidence tags, the error type
 * names it introduces, and a heartbeat that is a no-op outside an activity (unit tests, CLI).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ErrorType } from '../../src/domain/errors';
import type { AwsClients } from '../../src/aws/clients';
import type { AccountAccess } from '../acting-account';
import { EvidenceStoreMisconfigured, type EvidenceStore } from '../../src/evidence';

/** Worker-side defaults for memory capture; whether it runs is the runbook policy's switch. */
export interface MemoryCaptureConfig {
  /** SSM Command document, e.g. an AVML or LiME document (AWS.md S2); a policy may name another. */
  documentName?: string;
  /** Document parameters; `{incidentId}` and `{instanceId}` in values are substituted. */
  parameters?: Record<string, string[]>;
  timeoutSeconds?: number;
  /**
   * Where SSM writes command output and the document writes the image (under `{outputPrefix}` =
   * `<outputS3KeyPrefix>incidents/<incident>/memory/`); every object there is copied into the evidence store.
   */
  outputS3Bucket?: string;
  outputS3KeyPrefix?: string;
}

/** What the worker gives the forensics activities. */
export interface ForensicsWorkerDeps {
  /** The worker's own clients and the router to each incident's account and region (acting-account.ts). */
  access: AccountAccess;
  /** The evidence store: in the Cordon (security) account, whatever account an incident is in. */
  store: EvidenceStore;
  /** Worker identity recorded as `collector` on every artifact (e.g. `cordon-worker@host:pid`). */
  collector: string;
  memory?: MemoryCaptureConfig;
  /** Snapshots made in any other account are shared with this one (createVolumePermission) and tagged so. */
  forensicAccount?: string;
}

/** What one forensics activity works with: the clients of the incident's account and region, and where that is. */
export interface ForensicsDeps extends Omit<ForensicsWorkerDeps, 'access'> {
  /** Clients of the incident's account and region. */
  aws: AwsClients;
  /** The worker's own clients (the Cordon account): the memory output bucket is read with these. */
  home: AwsClients;
  /** Where the artifacts of this activity are made: recorded in each manifest entry. */
  made: { account?: string; region: string };
}

/** Tags that tie an EBS snapshot to its incident and record its custody (AWS.md S1, S2). */
export const EvidenceTag = {
  incident: 'cordon:incident',
  evidence: 'cordon:evidence',
  sourceInstance: 'cordon:source-instance',
  sourceVolume: 'cordon:source-volume',
  sourceDevice: 'cordon:source-device',
  collector: 'cordon:collector',
  collectedAt: 'cordon:collected-at',
  requestedBy: 'cordon:requested-by',
  /** The forensic account a snapshot is shared with (share-snapshots.ts). */
  sharedWith: 'cordon:shared-with',
} as const;

export interface CaptureInput {
  incidentId: string;
  instanceId: string;
}

export function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Not inside an activity (tests, CLI): nothing to report to.
  }
}

/** Runs a store operation, turning a store that cannot guarantee immutability into a permanent failure. */
export async function evidenceCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EvidenceStoreMisconfigured) throw ApplicationFailure.nonRetryable(err.message, ErrorType.EvidenceStoreMisconfigured);
    throw err;
  }
}

/** Response without SDK transport metadata, ready for a JSON artifact. */
export function plain<T extends object>(response: T): Omit<T, '$metadata'> {
  const { $metadata: _ignored, ...rest } = response as T & { $metadata?: unknown };
  return rest as Omit<T, '$metadata'>;
}
