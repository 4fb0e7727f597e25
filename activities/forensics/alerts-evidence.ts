/**
 * The alerts themselves as evidence: each raw payload is stored once, named by its source and
 * the sha256 of its content, so the same delivery retried (or re-sent by the source) does not
 * create a second artifact. When the exact received bytes are available (`raw`), they are
 * stored verbatim (signatures stay checkable); otherwise the payload's canonical JSON.
 */
import { canonicalJson, recordArtifact, type ArtifactEntry } from '../../src/evidence';
import { sha256Hex } from '../../src/evidence/hashing';
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

export interface StoreAlertsInput { incidentId: string; alerts: RawAlert[] }

export async function storeAlerts(deps: ForensicsDeps, input: StoreAlertsInput): Promise<ArtifactEntry[]> {
  const stored: ArtifactEntry[] = [];
  for (const alert of input.alerts) {
    const body = alert.raw ?? canonicalJson(alert.payload ?? null);
    const source = alert.source.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown';
    stored.push(await evidenceCall(() => recordArtifact(deps.store, input.incidentId, {
      name: `alerts/${source}-${sha256Hex(body).slice(0, 16)}.json`, mediaType: 'application/json', body,
      collector: deps.collector, source: `alert:${alert.source}`, collectedAt: alert.receivedAt,
      detail: { dedupKey: alert.dedupKey, receivedAt: alert.receivedAt, verbatim: alert.raw !== undefined },
    })));
    heartbeat({ alerts: stored.length });
  }
  return stored;
}
