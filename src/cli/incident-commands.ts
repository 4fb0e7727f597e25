/**
 * `cordon incidents`, `show`, `approve`, `reject`, `close`: operators' view of incidents.
 * Human output is tables (coloured on a TTY); `--json` prints the API's answers unchanged for
 * scripts. Evidence and clocks come from their own endpoints and are shown when those answer,
 * skipped quietly when they answer 404. Failures throw ApiError; main.ts maps it to an exit code.
 */
import { resourceLabel, type IncidentSnapshot } from '../domain/incident';
import type { IncidentSummary } from '../temporal/incident-service';
import type { CordonApi } from './api-client';
import { age, artifactsOf, clocksOf, countdown, paint, status, table, when } from './format';

export interface Output {
  json: boolean;
  write: (text: string) => void;
}

const path = (id: string, rest = '') => `/v1/incidents/${encodeURIComponent(id)}${rest}`;

/** The accused resource of a list row, worded as everywhere else (domain resourceLabel). */
function summaryTarget(i: IncidentSummary): string | undefined {
  const where = { account: i.account ?? '', region: i.region ?? '' };
  if (i.accessKeyId) return resourceLabel({ kind: 'iam-access-key', ...where, accessKeyId: i.accessKeyId, userName: i.userName });
  return i.instanceId && resourceLabel({ ...where, instanceId: i.instanceId });
}

export async function listIncidents(api: CordonApi, out: Output): Promise<void> {
  const { incidents } = await api.request<{ incidents: IncidentSummary[] }>('GET', '/v1/incidents');
  if (out.json) return out.write(JSON.stringify(incidents, null, 2));
  if (!incidents.length) return out.write('no incidents');
  out.write(
    table(
      ['INCIDENT', 'STATE', 'SEVERITY', 'RESOURCE', 'APPROVALS', 'AGE', 'RUNBOOK'],
      incidents.map((i) => [
        i.incidentId,
        status(i.phase ?? i.status.toLowerCase()),
        i.severity ? status(i.severity) : '-',
        [summaryTarget(i), i.account && i.region ? `${i.account}/${i.region}` : undefined].filter(Boolean).join(' ') || '-',
        i.pendingApprovals ? paint('yellow', `${i.pendingApprovals} waiting`) : '-',
        age(i.startTime),
        i.runbook ?? '-',
      ]),
    ),
  );
}

export async function showIncident(api: CordonApi, id: string, out: Output): Promise<void> {
  const s = await api.request<IncidentSnapshot>('GET', path(id));
  const [evidence, notification] = await Promise.all([
    api.optional<unknown>(path(id, '/evidence')),
    api.optional<unknown>(path(id, '/notification')),
  ]);
  if (out.json) return out.write(JSON.stringify({ incident: s, evidence: evidence ?? null, notification: notification ?? null }, null, 2));
  const waiting = s.steps.filter((st) => st.status === 'awaiting-approval');
  const lines = [
    `${paint('bold', s.incidentId)}  ${status(s.phase)}  severity ${status(s.severity)}${s.dryRun ? '  (plan mode)' : ''}`,
    `resource  ${resourceLabel(s.resource)}  account ${s.resource.account}  region ${s.resource.region}`,
    `opened    ${when(s.openedAt)} (${age(s.openedAt)} ago)   alerts ${s.alertCount} received, ${s.alerts.length} distinct`,
    ...(s.runbook ? [`runbook   ${s.runbook.name} ${s.runbook.version}  sha256 ${s.runbook.sha256}`] : []),
    ...(s.provenance?.via === 'manual' ? [`started   by hand by ${s.provenance.requestedBy.name}: ${s.provenance.reason ?? '—'}`] : []),
    ...waiting.map((st) =>
      paint(
        'yellow',
        `waiting   ${st.name}: ${st.detail ?? 'needs approval'}${st.approvals?.length ? ` — approved so far by ${st.approvals.map((a) => a.by).join(', ')}` : ''}`,
      ),
    ),
    ...waiting.map((st) => `          cordon approve ${s.incidentId} ${st.name} --reason "…"`),
    '',
    table(
      ['STEP', 'STATUS', 'DETAIL'],
      s.steps.map((st) => [st.name, status(st.status), st.error ?? st.detail ?? '']),
    ),
  ];
  const artifacts = artifactsOf(evidence);
  if (evidence !== undefined) {
    lines.push('', paint('bold', `Evidence (${artifacts.length})`));
    if (artifacts.length)
      lines.push(
        table(
          ['ARTIFACT', 'SHA256', 'SIZE'],
          artifacts.map((a) => [a.name, a.sha256, a.size]),
        ),
      );
  }
  const clocks = clocksOf(notification);
  if (notification !== undefined) {
    lines.push('', paint('bold', 'Regulatory clocks'));
    lines.push(
      clocks.length
        ? table(
            ['OBLIGATION', 'DUE', 'LEFT', 'STATE'],
            clocks.map((c) => [
              c.title,
              when(c.dueAt),
              c.dueAt && ['open', 'pending', 'running', 'overdue'].includes(c.state) ? countdown(c.dueAt) : '-',
              status(c.state),
            ]),
          )
        : '  none running',
    );
  }
  lines.push('', paint('bold', 'Timeline'), ...s.timeline.map((t) => `  ${when(t.at)}  ${t.actor ? `[${t.actor}] ` : ''}${t.message}`));
  out.write(lines.join('\n'));
}

export async function decideStep(
  api: CordonApi,
  id: string,
  step: string,
  decision: 'approve' | 'reject',
  reason: string,
  out: Output,
): Promise<void> {
  const r = await api.request<{ status: string; approvals: number; required: number }>('POST', path(id, '/decisions'), {
    step,
    decision,
    reason,
  });
  if (out.json) return out.write(JSON.stringify(r));
  const more = r.status === 'awaiting-approval' ? ` — still waiting for ${r.required - r.approvals} more, different approver(s)` : '';
  out.write(`${step}: ${status(r.status)} (${r.approvals}/${r.required} approvals)${more}`);
}

export async function closeIncident(api: CordonApi, id: string, reason: string, out: Output): Promise<void> {
  const r = await api.request<{ closed: boolean }>('POST', path(id, '/close'), { reason });
  out.write(out.json ? JSON.stringify(r) : `${id} closed`);
}
