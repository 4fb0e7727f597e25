/**
 * Forensics activities, built from their dependencies like every activity (STYLE.md). Slots
 * in the runbook (AWS.md §1.2): startMemoryCapture/checkMemoryCapture and
 * captureConsoleOutput before network isolation (volatile, needs SSM); captureSnapshots right
 * after evidence protection (no network needed); captureInstanceMetadata, storeAlerts in
 * parallel with replacement; appendAudit whenever the workflow has events to record.
 * All are idempotent and safe to retry; none of their failures should block containment.
 */
import { appendAudit, type AuditInput } from '../../src/evidence';
import { captureConsoleOutput } from './console-output';
import { evidenceCall, type CaptureInput, type ForensicsDeps } from './forensics-context';
import { captureInstanceMetadata } from './instance-metadata';
import { checkMemoryCapture, startMemoryCapture } from './memory-capture';
import { captureSnapshots, type CaptureSnapshotsInput } from './snapshots';
import { storeAlerts, type StoreAlertsInput } from './alerts-evidence';

export type { ForensicsDeps, MemoryCaptureConfig, CaptureInput } from './forensics-context';
export { ForensicsErrorType, EvidenceTag } from './forensics-context';
export type { CaptureSnapshotsInput, CaptureSnapshotsResult, EvidenceSnapshot } from './snapshots';
export type { ConsoleCaptureResult, ScreenshotOutcome } from './console-output';
export type { MemoryCaptureStart, MemoryCaptureCheck, MemoryCaptureFailure } from './memory-capture';
export type { RawAlert, StoreAlertsInput } from './alerts-evidence';

export interface AppendAuditInput { incidentId: string; entries: AuditInput[] }
export interface AppendAuditResult { entries: number; lastSeq: number; head: string }

export function createForensicsActivities(deps: ForensicsDeps) {
  return {
    async captureSnapshots(input: CaptureSnapshotsInput) { return captureSnapshots(deps, input); },
    async captureInstanceMetadata(input: CaptureInput) { return captureInstanceMetadata(deps, input); },
    async captureConsoleOutput(input: CaptureInput) { return captureConsoleOutput(deps, input); },
    async startMemoryCapture(input: CaptureInput) { return startMemoryCapture(deps, input); },
    async checkMemoryCapture(input: CaptureInput & { commandId: string }) { return checkMemoryCapture(deps, input); },
    async storeAlerts(input: StoreAlertsInput) { return storeAlerts(deps, input); },
    /** Small result on purpose: it lands in workflow history. */
    async appendAudit(input: AppendAuditInput): Promise<AppendAuditResult> {
      const chained = await evidenceCall(() => appendAudit(deps.store, input.incidentId, input.entries));
      const last = chained[chained.length - 1];
      return { entries: chained.length, lastSeq: last?.seq ?? 0, head: last?.hash ?? '' };
    },
  };
}

export type ForensicsActivities = ReturnType<typeof createForensicsActivities>;
