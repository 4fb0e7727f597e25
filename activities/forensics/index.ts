/**
 * Forensics activities, built from their dependencies like every activity (STYLE.md). Slots
 * in the runbook (AWS.md §1.2, workflows/runbook/step-order.ts): startSnapshots in the chain right
 * after evidence protection (no network needed), captureSnapshots beside it (completion and the
 * artifact); captureConsoleOutput and start/checkMemoryCapture before network isolation
 * (volatile, memory needs SSM), collectMemoryOutput beside the chain; captureInstanceMetadata and
 * storeAlerts after the quarantine chain, while the group replaces the instance; for an access
 * key, capturePrincipal (its description and policy documents) and captureKeyEvents (CloudTrail's
 * event history for the key); appendAudit
 * whenever the workflow flushes its timeline. All are idempotent and safe to retry; none of
 * their failures blocks containment (the workflow records them as failed steps).
 * Without an evidence store (a worker built without one) every activity fails at once,
 * non-retryably, with a sentence saying so.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { ErrorType } from '../../src/domain/errors';
import { appendAudit, readManifest, type AuditInput } from '../../src/evidence';
import { storeAlerts, type StoreAlertsInput } from './alerts-evidence';
import { captureConsoleOutput } from './console-output';
import { actingClients, type InAccount } from '../acting-account';
import { evidenceCall, type CaptureInput, type ForensicsDeps, type ForensicsWorkerDeps } from './forensics-context';
import { captureInstanceMetadata, type CaptureMetadataInput } from './instance-metadata';
import { captureKeyEvents, type CaptureKeyEventsInput } from './key-events';
import { capturePrincipal, type CapturePrincipalInput } from './principal-evidence';
import { checkMemoryCapture, collectMemoryOutput, startMemoryCapture, type StartMemoryCaptureInput } from './memory-capture';
import { captureSnapshots, startSnapshots, type CaptureSnapshotsInput } from './snapshots';

export type { ForensicsDeps, ForensicsWorkerDeps, MemoryCaptureConfig, CaptureInput } from './forensics-context';
export { EvidenceTag } from './forensics-context';
export type { CaptureSnapshotsInput, CaptureSnapshotsResult, EvidenceSnapshot, StartSnapshotsResult } from './snapshots';
export type { ConsoleCaptureResult, ScreenshotOutcome } from './console-output';
export type {
  MemoryCaptureStart,
  MemoryCaptureCheck,
  MemoryCaptureFailure,
  MemoryCollectResult,
  StartMemoryCaptureInput,
} from './memory-capture';
export type { CaptureMetadataInput } from './instance-metadata';
export type { RawAlert, StoreAlertsInput } from './alerts-evidence';
export type { CapturePrincipalInput } from './principal-evidence';
export type { CaptureKeyEventsInput, KeyEventsResult } from './key-events';

/** One flush of the incident timeline; ids are stable per timeline position, so a replayed flush adds nothing. */
export interface AppendAuditInput {
  incidentId: string;
  entries: AuditInput[];
}
/**
 * `lastSeq`/`head`: the audit chain's head after this flush; `manifestSeq`/`manifestHead`: the
 * manifest's head as read then (it also holds entries the API wrote: raw alerts, custody). Both
 * land in history and become the incident's evidence anchors.
 */
export interface AppendAuditResult {
  entries: number;
  lastSeq: number;
  head: string;
  manifestSeq?: number;
  manifestHead?: string;
}

export function createForensicsActivities(deps: ForensicsWorkerDeps | undefined) {
  const worker = (): ForensicsWorkerDeps => {
    if (!deps)
      throw ApplicationFailure.nonRetryable(
        'no evidence store is configured on this worker; evidence cannot be kept',
        ErrorType.EvidenceStoreMisconfigured,
      );
    return deps;
  };
  /** The activity's deps in the account and region of the input's resource (the evidence store stays the worker's). */
  const need = async (input: InAccount): Promise<ForensicsDeps> => {
    const { access, ...rest } = worker();
    const acting = await actingClients(access, input);
    return { ...rest, aws: acting.aws, home: access.home, made: { account: acting.account || undefined, region: acting.region } };
  };
  /** Artifacts Cordon makes itself (the alerts it received) are made in the Cordon account. */
  const own = async (): Promise<ForensicsDeps> => {
    const { access, ...rest } = worker();
    return {
      ...rest,
      aws: access.home,
      home: access.home,
      made: { account: access.router ? await access.router.homeAccount() : undefined, region: access.home.region },
    };
  };
  return {
    async startSnapshots(input: CaptureSnapshotsInput & InAccount & { volumes: { volumeId: string; deviceName: string }[] }) {
      return startSnapshots(await need(input), input);
    },
    async captureSnapshots(input: CaptureSnapshotsInput & InAccount) {
      return captureSnapshots(await need(input), input);
    },
    async captureInstanceMetadata(input: CaptureMetadataInput & InAccount) {
      return captureInstanceMetadata(await need(input), input);
    },
    async captureConsoleOutput(input: CaptureInput & InAccount) {
      return captureConsoleOutput(await need(input), input);
    },
    async startMemoryCapture(input: StartMemoryCaptureInput & InAccount) {
      return startMemoryCapture(await need(input), input);
    },
    async checkMemoryCapture(input: CaptureInput & InAccount & { commandId: string }) {
      return checkMemoryCapture(await need(input), input);
    },
    async collectMemoryOutput(input: CaptureInput & InAccount & { commandId: string }) {
      return collectMemoryOutput(await need(input), input);
    },
    async capturePrincipal(input: CapturePrincipalInput & InAccount) {
      return capturePrincipal(await need(input), input);
    },
    async captureKeyEvents(input: CaptureKeyEventsInput & InAccount) {
      return captureKeyEvents(await need(input), input);
    },
    async storeAlerts(input: StoreAlertsInput) {
      return storeAlerts(await own(), input);
    },
    /** Small result on purpose: it lands in workflow history. */
    async appendAudit(input: AppendAuditInput): Promise<AppendAuditResult> {
      const chained = await evidenceCall(() => appendAudit(worker().store, input.incidentId, input.entries));
      const last = chained[chained.length - 1];
      const manifest = (await evidenceCall(() => readManifest(worker().store, input.incidentId))).at(-1);
      return {
        entries: chained.length,
        lastSeq: last?.seq ?? 0,
        head: last?.hash ?? '',
        manifestSeq: manifest?.seq,
        manifestHead: manifest?.hash,
      };
    },
  };
}

export type ForensicsActivities = ReturnType<typeof createForensicsActivities>;
