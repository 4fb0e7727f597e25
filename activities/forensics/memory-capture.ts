/**
 * Optional memory capture through SSM Run Command (AWS.md §1.2 step 7, S2): behind a policy
 * switch, with a configurable Command document (e.g. AVML or LiME). Split into start, check and
 * collect so the workflow owns the polling (durable timers, the policy's budget before
 * isolation) and memory runs before network isolation cuts the agent off; the copy into the
 * evidence store needs no instance, so it runs beside the chain. Always targets explicit
 * InstanceIds, never `Targets`: moto would otherwise add every instance in the region (G11).
 * The document writes the image under the command's output prefix
 * (`<CORDON_MEMORY_OUTPUT_PREFIX>incidents/<incident>/memory/`, passed as OutputS3KeyPrefix and
 * as `{outputPrefix}` in its parameters); `collectMemoryOutput` copies every object there into
 * the evidence store (content-addressed, one manifest entry each with size, sha256, source and
 * collector) and checks each copy against the source's own digest: a `<file>.sha256` sidecar the
 * document wrote, and S3's ChecksumSHA256 when the upload carried one. A permanent failure (bad
 * document, unknown or unmanaged instance, no permission, command Failed or TimedOut, output
 * missing, hash mismatch) is returned as a typed `failed` outcome — recorded as evidence of the
 * attempt — so the workflow shows it and carries on; transient errors throw and Temporal retries.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
} from '@aws-sdk/client-ssm';
import type { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/activity';
import { findArtifact, recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { errorCode, rethrowAws } from '../aws-errors';
import { ErrorType } from '../../src/domain/errors';
import { evidenceCall, heartbeat, plain, type CaptureInput, type ForensicsDeps } from './forensics-context';

export interface MemoryCaptureFailure {
  status: 'failed';
  errorType: typeof ErrorType.MemoryCaptureFailed;
  /** AWS error code or SSM command status. */
  code: string;
  reason: string;
  commandId?: string;
  artifact?: ArtifactEntry;
}

export type MemoryCaptureStart = { status: 'started'; commandId: string; documentName: string; resumed: boolean } | MemoryCaptureFailure;

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
    return {
      status: 'failed',
      errorType: ErrorType.MemoryCaptureFailed,
      code: 'NoDocument',
      reason: 'no SSM document for memory capture: set forensics.memoryDocument in the policy or CORDON_MEMORY_DOCUMENT',
    };
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
  const substitute = (v: string) =>
    v
      .replaceAll('{incidentId}', incidentId)
      .replaceAll('{instanceId}', instanceId)
      .replaceAll('{outputPrefix}', outputPrefix(deps, incidentId));
  const parameters = Object.fromEntries(Object.entries(cfg.parameters ?? {}).map(([k, vs]) => [k, vs.map(substitute)]));
  const sent = await permanentAsFailure('SSM SendCommand', () =>
    deps.aws.ssm.send(
      new SendCommandCommand({
        DocumentName: documentName,
        InstanceIds: [instanceId],
        Parameters: parameters,
        Comment: comment,
        TimeoutSeconds: cfg.timeoutSeconds,
        OutputS3BucketName: cfg.outputS3Bucket,
        OutputS3KeyPrefix: cfg.outputS3Bucket ? outputPrefix(deps, incidentId).replace(/\/$/, '') : undefined,
      }),
    ),
  );
  if (isFailure(sent)) return sent;
  const commandId = sent.Command?.CommandId;
  if (!commandId)
    return {
      status: 'failed',
      errorType: ErrorType.MemoryCaptureFailed,
      code: 'NoCommandId',
      reason: 'SSM SendCommand returned no command id',
    };
  return { status: 'started', commandId, documentName, resumed: false };
}

/** One poll of the command on the instance; terminal outcomes are recorded as an artifact. */
export async function checkMemoryCapture(deps: ForensicsDeps, input: CaptureInput & { commandId: string }): Promise<MemoryCaptureCheck> {
  const { incidentId, instanceId, commandId } = input;
  const name = `memory-capture-${instanceId}.json`;
  const recorded = await evidenceCall(() => findArtifact(deps.store, incidentId, name));
  if (recorded) return outcomeOf(recorded);

  const invocation: GetCommandInvocationCommandOutput | MemoryCaptureFailure = await permanentAsFailure('SSM GetCommandInvocation', () =>
    deps.aws.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })),
  );
  // Right after SendCommand, AWS may not know the invocation yet: keep polling; the workflow's deadline bounds it.
  if (isFailure(invocation)) {
    if (invocation.code === 'InvocationDoesNotExist') return { status: 'running', commandStatus: 'InvocationDoesNotExist' };
    return { ...invocation, commandId };
  }
  const status = invocation.Status ?? 'Pending';
  if (running.has(status)) return { status: 'running', commandStatus: status };

  const artifact = await evidenceCall(() =>
    recordArtifact(deps.store, incidentId, {
      ...deps.made,
      name,
      mediaType: 'application/json',
      collector: deps.collector,
      source: 'ssm:GetCommandInvocation',
      body: JSON.stringify(
        { incidentId, instanceId, commandId, documentName: invocation.DocumentName, invocation: plain(invocation) },
        null,
        2,
      ),
      detail: { commandId, status, statusDetails: invocation.StatusDetails ?? null, outputUrl: invocation.StandardOutputUrl || null },
    }),
  );
  return outcomeOf(artifact);
}

function outcomeOf(artifact: ArtifactEntry): MemoryCaptureCheck {
  const d = (artifact.detail ?? {}) as { commandId?: string; status?: string; statusDetails?: string | null; outputUrl?: string | null };
  if (d.status === 'Success') return { status: 'succeeded', commandId: d.commandId ?? '', artifact, outputUrl: d.outputUrl ?? undefined };
  return {
    status: 'failed',
    errorType: ErrorType.MemoryCaptureFailed,
    code: d.status ?? 'Unknown',
    commandId: d.commandId,
    artifact,
    reason: `memory capture command ${d.commandId} ended ${d.status}${d.statusDetails && d.statusDetails !== d.status ? ` (${d.statusDetails})` : ''}`,
  };
}

/** Where the document writes for this incident (SSM appends `<commandId>/<instanceId>/…` to its own output). */
export function outputPrefix(deps: Pick<ForensicsDeps, 'memory'>, incidentId: string): string {
  return `${deps.memory?.outputS3KeyPrefix ?? ''}incidents/${incidentId}/memory/`;
}

export type MemoryCollectResult =
  | { status: 'collected'; artifacts: ArtifactEntry[]; bucket: string; prefix: string }
  | MemoryCaptureFailure;

const fail = (code: string, reason: string, commandId?: string): MemoryCaptureFailure => ({
  status: 'failed',
  errorType: ErrorType.MemoryCaptureFailed,
  code,
  reason,
  commandId,
});

/** Artifact name for an output object: `memory/<instance>/<path under the prefix, flattened>` (safeName allows three segments). */
function outputName(instanceId: string, relative: string): string {
  const flat =
    relative
      .replace(/[^A-Za-z0-9._:-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 200) || 'output';
  return `memory/${instanceId}/${flat}`;
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * After SSM reported success: copies every output object into the evidence store (the output
 * bucket is read with the worker's own credentials: like the store, it belongs to the Cordon
 * account, whichever account the instance is in), each checked
 * against its sidecar digest and S3 checksum; idempotent by artifact name (a retry re-reads
 * nothing already recorded). Failure outcomes: no output bucket configured, OutputMissing,
 * HashMismatch (the stored copy is left, listed, and the mismatch named).
 */
export async function collectMemoryOutput(deps: ForensicsDeps, input: CaptureInput & { commandId: string }): Promise<MemoryCollectResult> {
  const { incidentId, instanceId, commandId } = input;
  const bucket = deps.memory?.outputS3Bucket;
  if (!bucket)
    return fail(
      'NoOutputBucket',
      'no output bucket for memory capture: set CORDON_MEMORY_OUTPUT_BUCKET so the image can be copied into the evidence store',
      commandId,
    );
  const prefix = outputPrefix(deps, incidentId);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await deps.home.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const sidecars = new Set(keys.filter((k) => k.endsWith('.sha256')));
  const images = keys.filter((k) => !sidecars.has(k));
  if (!images.length)
    return fail(
      'OutputMissing',
      `SSM reported success but s3://${bucket}/${prefix} holds no output object; the document wrote nothing where Cordon collects it`,
      commandId,
    );

  const artifacts: ArtifactEntry[] = [];
  for (const key of images) {
    const name = outputName(instanceId, key.slice(prefix.length));
    const expected = sidecars.has(`${key}.sha256`)
      ? (await readAll((await deps.home.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${key}.sha256` }))).Body as Readable))
          .trim()
          .split(/\s+/)[0]
          ?.toLowerCase()
      : undefined;
    let entry = await evidenceCall(() => findArtifact(deps.store, incidentId, name));
    if (!entry) {
      const object = await deps.home.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      const s3Checksum =
        object.ChecksumSHA256 && !object.ChecksumSHA256.includes('-')
          ? Buffer.from(object.ChecksumSHA256, 'base64').toString('hex')
          : undefined;
      entry = await evidenceCall(() =>
        recordArtifact(deps.store, incidentId, {
          ...deps.made,
          name,
          mediaType: 'application/octet-stream',
          body: object.Body as Readable,
          collector: deps.collector,
          source: `ssm:SendCommand(${commandId}) → s3:GetObject s3://${bucket}/${key}`,
          detail: {
            commandId,
            sourceBucket: bucket,
            sourceKey: key,
            sourceVersionId: object.VersionId ?? null,
            sourceETag: object.ETag ?? null,
            sourceSha256: expected ?? null,
            sourceChecksumSha256: s3Checksum ?? null,
          },
        }),
      );
    }
    heartbeat({ memoryCopied: artifacts.length + 1 });
    const d = entry.detail ?? {};
    for (const [what, want] of [
      ['sidecar', d.sourceSha256],
      ['S3 ChecksumSHA256', d.sourceChecksumSha256],
    ] as const) {
      if (typeof want === 'string' && want !== entry.sha256) {
        return {
          ...fail(
            'HashMismatch',
            `memory output ${key}: the copy in the evidence store hashes to ${entry.sha256}, the source's ${what} says ${want}; the copy is kept (manifest seq ${entry.seq}) but is not the image the document wrote`,
            commandId,
          ),
          artifact: entry,
        };
      }
    }
    artifacts.push(entry);
  }
  return { status: 'collected', artifacts, bucket, prefix };
}
