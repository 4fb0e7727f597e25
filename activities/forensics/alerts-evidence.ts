/**
 * The alerts themselves as evidence. The API already stored each accepted request's exact
 * bytes (`alerts/raw/<source>-<sha256>.*`, src/evidence/raw-alerts.ts); this step adds what the
 * workflow knows: each alert's tally (canonical JSON, named by source and content hash, so a
 * retry or a repeat does not create a second artifact), each tally's detail naming the raw
 * requests that carried its dedup key, and one reference list of the incident's raw requests
 * (names + sha256, `alerts/raw-requests-<hash>.json`) so the evidence listing ties the
 * normalised alerts to the bytes the sources sent. When the exact received bytes are passed in
 * (`raw`), they are stored verbatim instead of the canonical JSON.
 * Invariants: idempotent by artifact name; the reference list covers the raw requests stored
 * when the step runs (later ones are in the manifest on their own); results stay small (they
 * land in workflow history), so details list at most a few dozen references.
 */
import { canonicalJson, recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { sha256Hex } from '../../src/evidence/hashing';
import { listRawAlerts, type RawAlertRef } from '../../src/evidence/raw-alerts';
import { evidenceCall, heartbeat, type ForensicsDeps } from './forensics-context';

export interface RawAlert {
  /** Source name, e.g. `guardduty`, `alertmanager`. */
  source: string;
  dedupKey: string;
  receivedAt: string;
  payload?: unknown;
  /** The exact request body as received, when the API kept it. */
  raw?: string;
}

export interface StoreAlertsInput {
  incidentId: string;
  alerts: RawAlert[];
}

/** Most references written into one manifest entry's detail (the artifact body has them all). */
const DETAIL_REFS = 40;

const refsFor = (raw: RawAlertRef[]) => raw.slice(0, DETAIL_REFS).map((r) => ({ name: r.name, sha256: r.sha256 }));

export async function storeAlerts(deps: ForensicsDeps, input: StoreAlertsInput): Promise<ArtifactEntry[]> {
  const rawRequests = await evidenceCall(() => listRawAlerts(deps.store, input.incidentId));
  const stored: ArtifactEntry[] = [];
  for (const alert of input.alerts) {
    const body = alert.raw ?? canonicalJson(alert.payload ?? null);
    const source =
      alert.source
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'unknown';
    const carriedBy = rawRequests.filter((r) => r.dedupKeys.includes(alert.dedupKey));
    stored.push(
      await evidenceCall(() =>
        recordArtifact(deps.store, input.incidentId, {
          ...deps.made,
          name: `alerts/${source}-${sha256Hex(body).slice(0, 16)}.json`,
          mediaType: 'application/json',
          body,
          collector: deps.collector,
          source: `alert:${alert.source}`,
          collectedAt: alert.receivedAt,
          detail: {
            dedupKey: alert.dedupKey,
            receivedAt: alert.receivedAt,
            verbatim: alert.raw !== undefined,
            ...(carriedBy.length ? { rawRequests: refsFor(carriedBy), rawRequestCount: carriedBy.length } : {}),
          },
        }),
      ),
    );
    heartbeat({ alerts: stored.length });
  }
  if (rawRequests.length) stored.push(await storeRawReferences(deps, input.incidentId, rawRequests));
  return stored;
}

/** The reference list: content-addressed, so a retry with the same raw requests is the same artifact. */
async function storeRawReferences(deps: ForensicsDeps, incidentId: string, raw: RawAlertRef[]): Promise<ArtifactEntry> {
  const body = canonicalJson({ incidentId, rawRequests: raw });
  return evidenceCall(() =>
    recordArtifact(deps.store, incidentId, {
      ...deps.made,
      name: `alerts/raw-requests-${sha256Hex(body).slice(0, 16)}.json`,
      mediaType: 'application/json',
      body,
      collector: deps.collector,
      source: 'evidence:manifest',
      detail: { rawRequestCount: raw.length, rawRequests: refsFor(raw), truncated: raw.length > DETAIL_REFS },
    }),
  );
}
