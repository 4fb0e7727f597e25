/**
 * CloudTrail's event history for one access key (`LookupEvents` with the `AccessKeyId` lookup
 * attribute): the one CloudTrail call Cordon makes. A minimal JSON 1.1 client over the SDK's own
 * SigV4 signer (@smithy/signature-v4, which every @aws-sdk client already ships), signed with the
 * same credentials and endpoint as the incident's other clients (src/aws/clients.ts, so the
 * AccountRouter's assumed role in a member account applies too). It stands in for
 * @aws-sdk/client-cloudtrail, which this install does not have; the call, its input and its
 * output are the SDK's.
 * Errors carry the SDK's shape (`name`, `$metadata.httpStatusCode`, `$response.headers`), so
 * activities/aws-errors.ts classifies them like any SDK error — including moto's HTTP 500 HTML
 * answer for an action it does not emulate (LookupEvents is one: AWS.md Part 3).
 */
import { SignatureV4 } from '@smithy/signature-v4';
import crypto from 'node:crypto';

/** One event as LookupEvents returns it (`CloudTrailEvent` is the full record, as JSON text). */
export interface TrailEvent {
  EventId?: string;
  EventName?: string;
  EventTime?: number | string;
  EventSource?: string;
  Username?: string;
  AccessKeyId?: string;
  ReadOnly?: string;
  CloudTrailEvent?: string;
  Resources?: { ResourceType?: string; ResourceName?: string }[];
}

export interface LookupEventsInput {
  accessKeyId: string;
  startTime: Date;
  endTime: Date;
  nextToken?: string;
  /** 1–50 per page (CloudTrail's limit). */
  maxResults?: number;
}

export interface LookupEventsOutput {
  events: TrailEvent[];
  nextToken?: string;
}

export interface CloudTrailLookup {
  readonly region: string;
  lookupEvents(input: LookupEventsInput): Promise<LookupEventsOutput>;
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
export type CredentialSource = () => Promise<Credentials>;

/** node:crypto as the signer's hash constructor (HMAC when given a secret). */
class NodeSha256 {
  private hash: crypto.Hash | crypto.Hmac;
  constructor(private readonly secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh(): crypto.Hash | crypto.Hmac {
    if (this.secret === undefined) return crypto.createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array);
    return crypto.createHmac('sha256', key);
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

interface SdkLikeError extends Error {
  $metadata: { httpStatusCode: number };
  $response: { headers: Record<string, string> };
  $fault: 'client' | 'server';
}

export function createCloudTrailLookup(opts: { region: string; endpoint?: string; credentials: CredentialSource }): CloudTrailLookup {
  const url = new URL(opts.endpoint ?? `https://cloudtrail.${opts.region}.amazonaws.com`);
  const signer = new SignatureV4({ service: 'cloudtrail', region: opts.region, credentials: opts.credentials, sha256: NodeSha256 });
  return {
    region: opts.region,
    async lookupEvents(input) {
      const body = JSON.stringify({
        LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: input.accessKeyId }],
        StartTime: input.startTime.getTime() / 1000,
        EndTime: input.endTime.getTime() / 1000,
        MaxResults: input.maxResults ?? 50,
        ...(input.nextToken ? { NextToken: input.nextToken } : {}),
      });
      const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname || '/',
        query: {},
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
        },
        body,
      });
      const res = await fetch(url, { method: 'POST', headers: signed.headers, body, signal: AbortSignal.timeout(20_000) });
      const text = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key] = value;
      });
      if (!res.ok) {
        const json = /json/.test(headers['content-type'] ?? '') ? (JSON.parse(text) as { __type?: string; message?: string }) : {};
        const code = json.__type?.split('#').pop() ?? 'Error';
        const err = new Error(json.message ?? `HTTP ${res.status} from CloudTrail`) as SdkLikeError;
        err.name = code;
        err.$metadata = { httpStatusCode: res.status };
        err.$response = { headers };
        err.$fault = res.status >= 500 ? 'server' : 'client';
        throw err;
      }
      const out = JSON.parse(text) as { Events?: TrailEvent[]; NextToken?: string };
      return { events: out.Events ?? [], ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
    },
  };
}
