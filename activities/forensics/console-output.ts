/**
 * Console output and screenshot (AWS.md §1.2 step 7): volatile, so captured before network
 * isolation. GetConsoleOutput(Latest) returns base64 in the JS SDK and is decoded before it
 * is stored (G12). The screenshot is best effort: moto does not implement it (HTTP 500, G13)
 * and AWS refuses it for some instance types, so it is reported as unsupported or failed and
 * never fails the capture. Idempotent by artifact name.
 */
import { GetConsoleOutputCommand, GetConsoleScreenshotCommand } from '@aws-sdk/client-ec2';
import { findArtifact, recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { awsCall, errorCode, isUnsupported } from '../aws-errors';
import { evidenceCall, type CaptureInput, type ForensicsDeps } from './forensics-context';

export type ScreenshotOutcome = { status: 'captured'; artifact: ArtifactEntry } | { status: 'unsupported' | 'failed'; reason: string };

export interface ConsoleCaptureResult {
  consoleOutput: ArtifactEntry;
  screenshot: ScreenshotOutcome;
}

export async function captureConsoleOutput(deps: ForensicsDeps, input: CaptureInput): Promise<ConsoleCaptureResult> {
  const { aws, store, collector } = deps;
  const { incidentId, instanceId } = input;
  const textName = `console-output-${instanceId}.txt`;
  const consoleOutput =
    (await evidenceCall(() => findArtifact(store, incidentId, textName))) ??
    (await (async () => {
      const out = await awsCall('GetConsoleOutput', () =>
        aws.ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true })),
      );
      const text = Buffer.from(out.Output ?? '', 'base64');
      return evidenceCall(() =>
        recordArtifact(store, incidentId, {
          ...deps.made,
          name: textName,
          mediaType: 'text/plain; charset=utf-8',
          body: text,
          collector,
          source: 'ec2:GetConsoleOutput(Latest=true)',
          detail: { consoleTimestamp: out.Timestamp?.toISOString() ?? null, empty: text.length === 0 },
        }),
      );
    })());
  return { consoleOutput, screenshot: await captureScreenshot(deps, input) };
}

async function captureScreenshot(deps: ForensicsDeps, input: CaptureInput): Promise<ScreenshotOutcome> {
  const name = `console-screenshot-${input.instanceId}.jpg`;
  const done = await evidenceCall(() => findArtifact(deps.store, input.incidentId, name));
  if (done) return { status: 'captured', artifact: done };
  let image: Buffer;
  try {
    const out = await deps.aws.ec2.send(new GetConsoleScreenshotCommand({ InstanceId: input.instanceId, WakeUp: true }));
    image = Buffer.from(out.ImageData ?? '', 'base64');
  } catch (err) {
    if (isUnsupported(err)) return { status: 'unsupported', reason: 'GetConsoleScreenshot is not implemented by this endpoint' };
    return {
      status: errorCode(err) === 'UnsupportedOperation' ? 'unsupported' : 'failed',
      reason: `${errorCode(err)}: ${(err as Error).message}`,
    };
  }
  if (!image.length) return { status: 'failed', reason: 'GetConsoleScreenshot returned no image' };
  const artifact = await evidenceCall(() =>
    recordArtifact(deps.store, input.incidentId, {
      ...deps.made,
      name,
      mediaType: 'image/jpeg',
      body: image,
      collector: deps.collector,
      source: 'ec2:GetConsoleScreenshot(WakeUp=true)',
    }),
  );
  return { status: 'captured', artifact };
}
