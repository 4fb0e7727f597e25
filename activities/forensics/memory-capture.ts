/**
 * Optional memory capture through SSM Run Command (AWS.md §1.2 step 7, S2): behind a policy
 * switch, with a configurable Command document (e.g. AVML or LiME). Split into start and
 * check so the workflow owns the polling (durable timers, its own deadline) and memory runs
 * before network isolation cuts the agent off. Always targets explicit InstanceIds, never
 * `Targets`: moto would otherwise add every instance in the region (G11). A permanent
 * failure (bad document, unknown or unmanaged instance, no permission, command Failed or
 * TimedOut) is returned as a typed `failed` outcome — recorded as evidence of the attempt —
 * so the workflow shows it and carries on; transient errors throw and Temporal retries.
 */
import { GetCommandInvocationCommand, ListCommandsCommand, SendCommandCommand, type GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { ApplicationFailure } from '@temporalio/activity';
import { findArtifact, recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { errorCode, rethrowAws } from '../aws-errors';
import { ErrorType } from '../../src/domain/errors';
import { evidenceCall, plain, type CaptureInput, type ForensicsDeps } from './forensics-context';

export interface MemoryCaptureFailure {
  status: 'failed';
  errorType: typeof ErrorType.MemoryCaptureFailed;
  /** AWS error code or SSM command status. */
  code: string;
  reason: string;
  commandId?: string;
  artifact?: ArtifactEntry;
}

export type MemoryCaptureStart =
  | { status: 'started'; commandId: string; documentName: string; resumed: boolean }
  | MemoryCaptureFailure;

export type MemoryCaptureCheck =
  | { status: 'running'; commandStatus: string }
  | { status: 'succeeded'; commandId: string; artifact: ArtifactEntry; outputUrl?: string }
  | MemoryCaptureFailure;

const running = new Set(['Pending', 'InProgress', 'Delayed', 'Cancelling']);
const commentFor = (incidentId: string) => `cordon:memory:${incidentId}`.slice(0, 100);

/** Runs `fn`; a permanent AWS error becomes a typed failure, a transient one is rethrown for retry. */
async function permanentAsFailure<T>(what: string, fn: () => Promise<T>): Promise<T | MemoryCaptureFailure> {
  try {
    return await fn();
  } catch (err) {
    try {
      rethrowAws(err, what);
    } catch (classified) {
      if (classified instanceof ApplicationFailure && classified.nonRetryable) {
        return { status: 'failed', errorType: ErrorType.MemoryCaptureFailed, code: errorCode(err), reason: classified.message };
      }
      throw classified;
    }
  }
}

const isFailure = (v: unknown): v is MemoryCaptureFailure => (v as MemoryCaptureFailure)?.status === 'failed';

export interface StartMemoryCaptureInput extends CaptureInput {
  /** The policy's document; falls back to the worker's configured one. */
  documentName?: string;
}

/** Sends the capture command (the policy switch is checked by the workflow, which only calls this when memory capture is on). */
export async function startMemoryCapture(deps: ForensicsDeps, input: StartMemoryCaptureInput): Promise<MemoryCaptureStart> {
  const cfg = { ...deps.memory, documentName: input.documentName ?? deps.memory?.documentName };
  const { incidentId, instanceId } = input;
  if (!cfg.documentName) {
    return { status: 'failed', errorType: ErrorType.MemoryCaptureFailed, code: 'NoDocument', reason: 'no SSM document for memory capture: set forensics.memoryDocument in the policy or CORDON_MEMORY_DOCUMENT' };
  }
  const documentName = cfg.documentName;
  const comment = commentFor(incidentId);
  // Idempotency: a retried start finds the command the first attempt sent.
  try {
    const listed = await deps.aws.ssm.send(new ListCommandsCommand({ InstanceId: instanceId }));
    const previous = listed.Commands?.find((c) => c.Comment === comment && c.DocumentName === documentName);
    if (previous?.CommandId) return { status: 'started', commandId: previous.CommandId, documentName, resumed: true };
  } catch {
    // Listing is an optimisation; without it a retry may send a second command, which is harmless.
  }
  const substitute = (v: string) => v.replaceAll('{incidentId}', incidentId).replaceAll('{instanceId}', instanceId);
  const parameters = Object.fromEntries(Object.entries(cfg.parameters ?? {}).map(([k, vs]) => [k, vs.map(substitute)]));
  const sent = await permanentAsFailure('SSM SendCommand', () => deps.aws.ssm.send(new SendCommandCommand({
    DocumentName: documentName, InstanceIds: [instanceId], Parameters: parameters, Comment: comment,
    TimeoutSeconds: cfg.timeoutSeconds,
    OutputS3BucketName: cfg.outputS3Bucket,
    OutputS3KeyPrefix: cfg.outputS3Bucket ? `${cfg.outputS3KeyPrefix ?? ''}incidents/${incidentId}/memory` : undefined,
  })));
  if (isFailure(sent)) return sent;
  const commandId = sent.Command?.CommandId;
  if (!commandId) return { status: 'failed', errorType: ErrorType.MemoryCaptureFailed, code: 'NoCommandId', reason: 'SSM SendCommand returned no command id' };
  return { status: 'started', commandId, documentName, resumed: false };
}

/** One poll of the command on the instance; terminal outcomes are recorded as an artifact. */
export async function checkMemoryCapture(deps: ForensicsDeps, input: CaptureInput & { commandId: string }): Promise<MemoryCaptureCheck> {
  const { incidentId, instanceId, commandId } = input;
  const name = `memory-capture-${instanceId}.json`;
  const recorded = await evidenceCall(() => findArtifact(deps.store, incidentId, name));
  if (recorded) return outcomeOf(recorded);

  const invocation: GetCommandInvocationCommandOutput | MemoryCaptureFailure = await permanentAsFailure('SSM GetCommandInvocation',
    () => deps.aws.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })));
  // Right after SendCommand, AWS may not know the invocation yet: keep polling; the workflow's deadline bounds it.
  if (isFailure(invocation)) {
    if (invocation.code === 'InvocationDoesNotExist') return { status: 'running', commandStatus: 'InvocationDoesNotExist' };
    return { ...invocation, commandId };
  }
  const status = invocation.Status ?? 'Pending';
  if (running.has(status)) return { status: 'running', commandStatus: status };

  const artifact = await evidenceCall(() => recordArtifact(deps.store, incidentId, {
    name, mediaType: 'application/json', collector: deps.collector, source: 'ssm:GetCommandInvocation',
    body: JSON.stringify({ incidentId, instanceId, commandId, documentName: invocation.DocumentName, invocation: plain(invocation) }, null, 2),
    detail: { commandId, status, statusDetails: invocation.StatusDetails ?? null, outputUrl: invocation.StandardOutputUrl || null },
  }));
  return outcomeOf(artifact);
}

function outcomeOf(artifact: ArtifactEntry): MemoryCaptureCheck {
  const d = (artifact.detail ?? {}) as { commandId?: string; status?: string; statusDetails?: string | null; outputUrl?: string | null };
  if (d.status === 'Success') return { status: 'succeeded', commandId: d.commandId ?? '', artifact, outputUrl: d.outputUrl ?? undefined };
  return {
    status: 'failed', errorType: ErrorType.MemoryCaptureFailed, code: d.status ?? 'Unknown', commandId: d.commandId, artifact,
    reason: `memory capture command ${d.commandId} ended ${d.status}${d.statusDetails && d.statusDetails !== d.status ? ` (${d.statusDetails})` : ''}`,
  };
}
