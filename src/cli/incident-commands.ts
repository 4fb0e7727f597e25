/** `cordon incidents`, `show`, `approve`, `reject`, `close`: operators' view of incidents. */
import type { IncidentSnapshot } from '../domain/incident';
import type { IncidentSummary } from '../temporal/incident-service';
import type { CordonApi } from './api-client';
import { age, paint, status, table } from './format';

export interface Output { json: boolean; write: (text: string) => void }

export async function listIncidents(api: CordonApi, out: Output): Promise<void> {
  const { incidents } = await api.request<{ incidents: IncidentSummary[] }>('GET', '/v1/incidents');
  if (out.json) return out.write(JSON.stringify(incidents, null, 2));
  if (!incidents.length) return out.write('no incidents');
  out.write(table(['INCIDENT', 'WORKFLOW', 'AGE'], incidents.map((i) => [i.incidentId, status(i.status), age(i.startTime)])));
}

export async function showIncident(api: CordonApi, id: string, out: Output): Promise<void> {
  const s = await api.request<IncidentSnapshot>('GET', `/v1/incidents/${encodeURIComponent(id)}`);
  if (out.json) return out.write(JSON.stringify(s, null, 2));
  const lines = [
    `${paint('bold', s.incidentId)}  ${status(s.phase)}  severity ${s.severity}${s.dryRun ? '  (plan mode)' : ''}`,
    `resource  ${s.resource.instanceId}  account ${s.resource.account}  region ${s.resource.region}`,
    `alerts    ${s.alertCount} received, ${s.alerts.length} distinct`,
    '',
    table(['STEP', 'STATUS', 'DETAIL'], s.steps.map((st) => [st.name, status(st.status), st.error ?? st.detail ?? ''])),
    '',
    paint('bold', 'Timeline'),
    ...s.timeline.map((t) => `  ${t.at.replace('T', ' ').slice(0, 19)}  ${t.actor ? `[${t.actor}] ` : ''}${t.message}`),
  ];
  out.write(lines.join('\n'));
}

export async function decideStep(api: CordonApi, id: string, step: string, decision: 'approve' | 'reject', reason: string, out: Output): Promise<void> {
  const r = await api.request<{ status: string; approvals: number; required: number }>('POST', `/v1/incidents/${encodeURIComponent(id)}/decisions`, { step, decision, reason });
  if (out.json) return out.write(JSON.stringify(r));
  out.write(`${step}: ${status(r.status)} (${r.approvals}/${r.required} approvals)`);
}

export async function closeIncident(api: CordonApi, id: string, reason: string, out: Output): Promise<void> {
  const r = await api.request<{ closed: boolean }>('POST', `/v1/incidents/${encodeURIComponent(id)}/close`, { reason });
  out.write(out.json ? JSON.stringify(r) : `${id} closed`);
}
