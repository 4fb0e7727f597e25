/**
 * `cordon deadlines` and `cordon submit`: every open regulatory clock across incidents, and
 * recording a submission to an authority (the API checks the role; the breach workflow refuses
 * a late submission without reasons for the delay, GDPR Art. 33(1)).
 */
import type { OpenDeadline } from '../temporal/notification-service';
import type { CordonApi } from './api-client';
import { countdown, status, table, when } from './format';
import type { Output } from './incident-commands';

function hours(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const m = Math.floor(ms / 60000);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function deadlineRows(deadlines: OpenDeadline[], now = Date.now()): string[][] {
  return deadlines.map((d) => [
    d.incidentId, d.obligationId, d.recipient, status(d.state),
    d.dueAt ? when(d.dueAt) : `(${d.phrase.slice(0, 40)})`,
    d.dueAt ? countdown(d.dueAt, now) : `${hours(d.elapsedMs)} elapsed`,
    d.conservative ? 'from first alert' : '',
  ]);
}

export async function listDeadlines(api: CordonApi, out: Output): Promise<void> {
  const r = await api.request<{ now: string; deadlines: OpenDeadline[] }>('GET', '/v1/deadlines');
  if (out.json) return out.write(JSON.stringify(r.deadlines, null, 2));
  if (!r.deadlines.length) return out.write('no open deadlines');
  out.write(table(['INCIDENT', 'OBLIGATION', 'RECIPIENT', 'STATE', 'DUE', 'TIME', 'NOTE'], deadlineRows(r.deadlines, Date.parse(r.now))));
}

export interface SubmitOptions { reference: string; phase?: string; submittedAt?: string; reasonsForDelay?: string }

export async function submitNotification(api: CordonApi, incidentId: string, obligationId: string, o: SubmitOptions, out: Output): Promise<void> {
  const body = {
    obligationId, reference: o.reference, phase: o.phase ?? 'initial',
    ...(o.submittedAt ? { submittedAt: o.submittedAt } : {}), ...(o.reasonsForDelay ? { reasonsForDelay: o.reasonsForDelay } : {}),
  };
  const r = await api.request<{ obligationId: string; state: string; submissions: number }>('POST', `/v1/incidents/${encodeURIComponent(incidentId)}/notification/submissions`, body);
  out.write(out.json ? JSON.stringify(r) : `${r.obligationId}: ${status(r.state)} (${r.submissions} submission(s) recorded)`);
}
