/**
 * CloudTrail's event history for the accused access key as evidence: LookupEvents with the
 * `AccessKeyId` attribute from `lookbackHours` before the first sighting until now, at most
 * MAX_PAGES pages of 50, stored as one JSON artifact (`cloudtrail-<key>.json`, idempotent by name).
 * An endpoint that does not offer LookupEvents (moto answers HTTP 500 with an HTML page; AWS.md
 * Part 3) yields `unsupported` with the reason and no artifact, so the step records what was not
 * captured instead of failing; any other error is classified like every AWS call (aws-errors.ts).
 */
import { findArtifact, recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { LookupEventsCommand, type Event as TrailEvent, type LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { awsCall, errorCode, isUnsupported } from '../aws-errors';
import { evidenceCall, heartbeat, type ForensicsDeps } from './forensics-context';

const MAX_PAGES = 20;

export interface CaptureKeyEventsInput {
  incidentId: string;
  accessKeyId: string;
  /** From when: the first sighting minus the lookback. */
  since: string;
}

export type KeyEventsResult =
  | { status: 'captured'; artifact: ArtifactEntry; events: number; truncated: boolean }
  | { status: 'unsupported'; reason: string };

export async function captureKeyEvents(deps: ForensicsDeps, input: CaptureKeyEventsInput): Promise<KeyEventsResult> {
  const { aws, store, collector } = deps;
  const name = `cloudtrail-${input.accessKeyId}.json`;
  const done = await evidenceCall(() => findArtifact(store, input.incidentId, name));
  if (done) return { status: 'captured', artifact: done, events: Number(done.detail?.events ?? 0), truncated: false };

  const endTime = new Date();
  const events: TrailEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const lookup = new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: input.accessKeyId }],
      StartTime: new Date(input.since),
      EndTime: endTime,
      MaxResults: 50,
      ...(nextToken ? { NextToken: nextToken } : {}),
    });
    let page: LookupEventsCommandOutput;
    try {
      page = await aws.cloudtrail.send(lookup);
    } catch (err) {
      if (isUnsupported(err))
        return {
          status: 'unsupported',
          reason: `CloudTrail LookupEvents is not offered by this endpoint (HTTP 500, ${errorCode(err)}): no event history captured`,
        };
      page = await awsCall('LookupEvents', () => Promise.reject(err));
    }
    events.push(...(page.Events ?? []));
    nextToken = page.NextToken;
    pages += 1;
    heartbeat({ pages, events: events.length });
  } while (nextToken && pages < MAX_PAGES);

  const capturedAt = new Date().toISOString();
  const truncated = nextToken !== undefined;
  const artifact = await evidenceCall(() =>
    recordArtifact(store, input.incidentId, {
      ...deps.made,
      name,
      mediaType: 'application/json',
      collector,
      collectedAt: capturedAt,
      source: 'cloudtrail:LookupEvents',
      body: JSON.stringify(
        {
          incidentId: input.incidentId,
          accessKeyId: input.accessKeyId,
          region: aws.region,
          from: input.since,
          to: capturedAt,
          truncated,
          events,
        },
        null,
        2,
      ),
      detail: { events: events.length, region: aws.region, from: input.since, truncated },
    }),
  );
  return { status: 'captured', artifact, events: events.length, truncated };
}
