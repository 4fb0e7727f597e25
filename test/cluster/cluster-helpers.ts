/**
 * Helpers for the cluster suite: alerts through the real API over HTTP, incident snapshots from
 * the API, and facts read from each incident's Temporal history (which worker ran each activity,
 * which activities were scheduled, whether a payload carries a given marker).
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { IncidentSnapshot } from '../../src/domain/incident';

export interface ApiTarget {
  url: string;
  token: string;
}

export interface PostResult {
  status: number;
  body: { accepted?: { incidentId: string; dedupKey: string }[] };
}

/** POST /v1/alerts/generic; a request that gets no answer within `timeoutMs` counts as status 0. */
export async function postAlert(api: ApiTarget, instanceId: string, title: string, timeoutMs = 30000): Promise<PostResult> {
  try {
    const res = await fetch(`${api.url}/v1/alerts/generic`, {
      method: 'POST',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instanceId, severity: 'critical', title }),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as PostResult['body'] };
  } catch {
    return { status: 0, body: {} };
  }
}

/** GET /readyz (unauthenticated); 0 when it gets no answer within `timeoutMs`. */
export async function readyz(api: ApiTarget, timeoutMs = 20000): Promise<number> {
  try {
    return (await fetch(`${api.url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) })).status;
  } catch {
    return 0;
  }
}

export async function getIncident(api: ApiTarget, incidentId: string): Promise<IncidentSnapshot | undefined> {
  const res = await fetch(`${api.url}/v1/incidents/${incidentId}`, {
    headers: { authorization: `Bearer ${api.token}` },
    signal: AbortSignal.timeout(15000),
  });
  return res.ok ? ((await res.json()) as IncidentSnapshot) : undefined;
}

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export async function historyOf(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events ?? [];
}

/** The identity of the worker that started each activity attempt, with the event time. */
export function activityStarts(events: HistoryEvent[]): { identity: string; at: number; type: string }[] {
  const typeBySchedule = new Map<string, string>();
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes)
      typeBySchedule.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
  }
  return events
    .filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => ({
      identity: e.activityTaskStartedEventAttributes!.identity ?? '',
      at: Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6),
      type: typeBySchedule.get(String(e.activityTaskStartedEventAttributes!.scheduledEventId)) ?? '?',
    }));
}

/** Activity type → times scheduled, over one history. */
export function scheduledActivities(events: HistoryEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Every payload in a history decoded as text (JSON payloads), to look for an alert's marker. */
export function payloadText(events: HistoryEvent[]): string {
  const parts: string[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (value instanceof Uint8Array) {
      parts.push(Buffer.from(value).toString('utf8'));
      return;
    }
    for (const v of Object.values(value)) walk(v);
  };
  walk(events);
  return parts.join('\n');
}

export const runbookFinished = (s: IncidentSnapshot | undefined): boolean =>
  Boolean(s?.timeline.some((t) => t.message.startsWith('runbook finished')));
