/**
 * `cordon deadlines`, `cordon submit`, `cordon clocks`, `cordon anchor`, `cordon classify`,
 * `cordon delay`/`end-delay`, `cordon risk` (and `cordon profile`, profile-command.ts): every
 * open regulatory clock across incidents; recording a submission to an authority (the breach
 * workflow refuses a late submission without reasons for the delay, GDPR Art. 33(1)); one
 * incident's clocks with what each waiting clock needs recorded, the defaults a clock runs from
 * and the questions of law beside it; recording an anchor event or a classification (NIS2
 * significant, DORA major, SEC material, NYDFS incident) that starts waiting clocks; a
 * law-enforcement delay that pauses named clocks; and the DPO's risk assessment. The API checks
 * roles; the workflow's validators answer every other refusal.
 */
import type { Command } from 'commander';
import type { OpenDeadline } from '../temporal/regulator-notification-service';
import type { AssessRiskResult, BreachView } from '../../workflows/regulator-notification/types';
import type { CordonApi } from './api-client';
import { countdown, status, table, when } from './format';
import type { Output } from './incident-commands';
import { registerProfileCommand } from './profile-command';

function hours(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const m = Math.floor(ms / 60000);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

export function deadlineRows(deadlines: OpenDeadline[], now = Date.now()): string[][] {
  return deadlines.map((d) => [
    d.incidentId,
    d.obligationId,
    d.recipient,
    status(d.state),
    // Qualitative standards ("without undue delay") have no due time: elapsed time, and the standard itself in NOTE.
    d.dueAt ? when(d.dueAt) : 'no fixed time',
    d.dueAt ? countdown(d.dueAt, now) : `${hours(d.elapsedMs)} elapsed`,
    [d.conservative ? 'from first alert' : '', d.dueAt ? '' : shorten(d.phrase, 48)].filter(Boolean).join('; '),
  ]);
}

export async function listDeadlines(api: CordonApi, out: Output): Promise<void> {
  const r = await api.request<{ now: string; deadlines: OpenDeadline[] }>('GET', '/v1/deadlines');
  if (out.json) return out.write(JSON.stringify(r.deadlines, null, 2));
  if (!r.deadlines.length) return out.write('no open deadlines');
  out.write(table(['INCIDENT', 'OBLIGATION', 'RECIPIENT', 'STATE', 'DUE', 'TIME', 'NOTE'], deadlineRows(r.deadlines, Date.parse(r.now))));
}

export interface SubmitOptions {
  reference: string;
  phase?: string;
  submittedAt?: string;
  reasonsForDelay?: string;
}

export async function submitNotification(
  api: CordonApi,
  incidentId: string,
  obligationId: string,
  o: SubmitOptions,
  out: Output,
): Promise<void> {
  const body = {
    obligationId,
    reference: o.reference,
    phase: o.phase ?? 'initial',
    ...(o.submittedAt ? { submittedAt: o.submittedAt } : {}),
    ...(o.reasonsForDelay ? { reasonsForDelay: o.reasonsForDelay } : {}),
  };
  const r = await api.request<{ obligationId: string; state: string; submissions: number }>(
    'POST',
    `/v1/incidents/${encodeURIComponent(incidentId)}/notification/submissions`,
    body,
  );
  out.write(out.json ? JSON.stringify(r) : `${r.obligationId}: ${status(r.state)} (${r.submissions} submission(s) recorded)`);
}

const path = (incidentId: string, rest: string) => `/v1/incidents/${encodeURIComponent(incidentId)}/notification${rest}`;

/** Anchors set by a classification decision rather than a generic anchor event. */
const CLASSIFIED_BY: Record<string, string> = {
  nis2Awareness: 'nis2-significant',
  classification: 'dora-major',
  materiality: 'sec-material',
  nydfsDetermination: 'nydfs-cybersecurity-incident',
};

/** One incident's clocks, then the waiting ones with the command that starts each. */
export function clockReport(incidentId: string, v: BreachView, now = Date.now()): string {
  const rows = v.clocks.map((c) => [
    c.obligationId,
    c.recipient,
    status(c.state),
    c.dueAt ? when(c.dueAt) : 'no fixed time',
    c.state === 'not-required'
      ? `${c.notRequired?.basis ?? 'declared'}: ${(c.notRequired?.reasoning ?? '').slice(0, 50)}`
      : c.resolved
        ? 'resolved'
        : c.dueAt
          ? countdown(c.dueAt, now)
          : `${hours(c.elapsedMs)} elapsed — ${shorten(c.phrase, 48)}`,
  ]);
  const lines = [table(['OBLIGATION', 'RECIPIENT', 'STATE', 'DUE', 'NOTE'], rows)];
  if (v.awaiting.length > 0) {
    lines.push('', 'Waiting for an anchor');
    for (const w of v.awaiting) {
      const kind = CLASSIFIED_BY[w.missing[0] ?? ''];
      const needs = (w.waitingFor ?? []).map((n) =>
        kind && n.anchor === w.missing[0]
          ? `${n.description}: cordon classify ${incidentId} ${kind} --at <iso> --reason <text>`
          : n.recordWith === 'anchor'
            ? `${n.description}: cordon anchor ${incidentId} ${n.anchor} --at <iso> --reason <text>`
            : n.recordWith === 'awareness'
              ? `${n.description}: record awareness`
              : n.description,
      );
      lines.push(`  ${w.obligationId} ${w.title} — waits until ${needs.join('; ') || w.missing.join(', ')}`);
    }
  }
  const notes = v.clocks.flatMap((c) => [
    ...(c.anchorNotes ?? []).map((n) => `  ${c.obligationId}: ${n}`),
    ...(c.delays ?? []).map(
      (d) => `  ${c.obligationId}: ${d.active ? 'PAUSED' : 'was paused'} by ${d.id} (${when(d.from)} → ${when(d.endedAt ?? d.until)})`,
    ),
    ...(c.openQuestions ?? []).map((q) => `  ${c.obligationId}: open question — ${q}`),
  ]);
  if (notes.length) lines.push('', 'Defaults, delays and open questions', ...notes);
  const decided = v.record.classifications ?? [];
  if (decided.length)
    lines.push('', 'Classifications', ...decided.map((c) => `  ${c.kind}: ${c.outcome} at ${when(c.at)} by ${c.by} — ${c.reason}`));
  if (v.riskAssessment) lines.push('', `Risk: ${v.riskAssessment.level} (${v.riskAssessment.by}): ${v.riskAssessment.reasoning}`);
  return lines.join('\n');
}

export async function showClocks(api: CordonApi, incidentId: string, out: Output): Promise<void> {
  const v = await api.request<BreachView & { incidentId: string }>('GET', path(incidentId, ''));
  if (out.json)
    return out.write(
      JSON.stringify({ clocks: v.clocks, awaiting: v.awaiting, anchors: v.anchors, riskAssessment: v.riskAssessment ?? null }, null, 2),
    );
  out.write(clockReport(incidentId, v, Date.parse(v.now)));
}

export async function recordAnchor(
  api: CordonApi,
  incidentId: string,
  anchor: string,
  o: { at: string; reason: string },
  out: Output,
): Promise<void> {
  const r = await api.request<{ anchor: string; at: string; started: string[] }>('POST', path(incidentId, '/events'), {
    anchor,
    at: o.at,
    reason: o.reason,
  });
  out.write(
    out.json
      ? JSON.stringify(r)
      : `${r.anchor} recorded at ${when(r.at)}; ${r.started.length ? `clocks started: ${r.started.join(', ')}` : 'no waiting clock started'}`,
  );
}

export async function assessRisk(api: CordonApi, incidentId: string, level: string, reasoning: string, out: Output): Promise<void> {
  const r = await api.request<AssessRiskResult>('POST', path(incidentId, '/risk'), { level, reasoning });
  const parts = [
    `risk ${r.level} recorded`,
    ...(r.added.length ? [`now applies: ${r.added.join(', ')}`] : []),
    ...(r.notRequired.length ? [`not required: ${r.notRequired.join(', ')}`] : []),
  ];
  out.write(out.json ? JSON.stringify(r) : parts.join('; '));
}

export async function setAwareness(api: CordonApi, incidentId: string, o: { at: string; reason: string }, out: Output): Promise<void> {
  const r = await api.request<{ awareAt: string }>('POST', path(incidentId, '/awareness'), { awareAt: o.at, reason: o.reason });
  out.write(out.json ? JSON.stringify(r) : `awareness recorded at ${when(r.awareAt)}; the clocks now run from it`);
}

export async function declareNotRequired(
  api: CordonApi,
  incidentId: string,
  o: { reason: string; obligation?: string[] },
  out: Output,
): Promise<void> {
  const r = await api.request<{ obligationIds: string[] }>('POST', path(incidentId, '/not-required'), {
    reasoning: o.reason,
    ...(o.obligation?.length ? { obligationIds: o.obligation } : {}),
  });
  out.write(
    out.json ? JSON.stringify(r) : `not required (recorded for the Art. 33(5) register): ${r.obligationIds.join(', ') || 'nothing open'}`,
  );
}

export async function classify(
  api: CordonApi,
  incidentId: string,
  kind: string,
  o: { at: string; awareAt?: string; reason: string; no?: boolean },
  out: Output,
): Promise<void> {
  const body = { kind, outcome: o.no ? 'no' : 'yes', at: o.at, reason: o.reason, ...(o.awareAt ? { awareAt: o.awareAt } : {}) };
  const r = await api.request<{ kind: string; outcome: string; started: string[]; notRequired: string[] }>(
    'POST',
    path(incidentId, '/classifications'),
    body,
  );
  const parts = [
    `${r.kind}: ${r.outcome} recorded`,
    ...(r.started.length ? [`clocks started: ${r.started.join(', ')}`] : []),
    ...(r.notRequired.length ? [`not required: ${r.notRequired.join(', ')}`] : []),
  ];
  out.write(out.json ? JSON.stringify(r) : parts.join('; '));
}

export interface DelayOptions {
  obligation: string[];
  basis: string;
  agency: string;
  official: string;
  from: string;
  until: string;
  reason: string;
}

export async function startDelay(api: CordonApi, incidentId: string, o: DelayOptions, out: Output): Promise<void> {
  const r = await api.request<{ delayId: string; obligationIds: string[] }>('POST', path(incidentId, '/delays'), {
    obligationIds: o.obligation,
    basis: o.basis,
    agency: o.agency,
    official: o.official,
    from: o.from,
    until: o.until,
    reason: o.reason,
  });
  out.write(out.json ? JSON.stringify(r) : `${r.delayId}: paused ${r.obligationIds.join(', ')} until ${when(o.until)} at the latest`);
}

export async function endDelay(
  api: CordonApi,
  incidentId: string,
  delayId: string,
  o: { at?: string; reason: string },
  out: Output,
): Promise<void> {
  const r = await api.request<{ delayId: string; endedAt: string }>(
    'POST',
    path(incidentId, `/delays/${encodeURIComponent(delayId)}/end`),
    { reason: o.reason, ...(o.at ? { at: o.at } : {}) },
  );
  out.write(out.json ? JSON.stringify(r) : `${r.delayId} ended at ${when(r.endedAt)}; the paused clocks run again`);
}

/** `clocks`, `anchor`, `classify`, `delay`, `end-delay`, `risk`, `aware`, `not-required` and `profile`, wired with the CLI's API context. */
export function registerNotificationCommands(program: Command, context: (cmd: Command) => { api: CordonApi; out: Output }): void {
  registerProfileCommand(program, context);
  program
    .command('classify <incident> <kind>')
    .description(
      "record a classification: nis2-significant, dora-major, sec-material or nydfs-cybersecurity-incident (starts that regime's clocks; --no closes them)",
    )
    .requiredOption('--at <iso>', 'when the classification / determination was made (ISO-8601 with offset)')
    .option(
      '--aware-at <iso>',
      'NIS2/DORA: when the entity became aware of the (significant / ICT-related) incident; default: the first alert',
    )
    .option('--no-classified', 'record that the incident is NOT so classified (its clocks become not required)')
    .requiredOption('--reason <text>', 'why (recorded with your name)')
    .action(async (id: string, kind: string, o: { at: string; awareAt?: string; reason: string; classified: boolean }, cmd: Command) => {
      const { api, out } = context(cmd);
      await classify(api, id, kind, { at: o.at, reason: o.reason, no: !o.classified, ...(o.awareAt ? { awareAt: o.awareAt } : {}) }, out);
    });
  program
    .command('delay <incident>')
    .description('record a law-enforcement / national-security delay: a time-boxed pause of named clocks (45 CFR 164.412, 8-K 1.05(c))')
    .requiredOption('--obligation <id...>', 'the clocks to pause')
    .requiredOption('--basis <basis>', 'written or oral')
    .requiredOption('--agency <name>', 'the agency that asked')
    .requiredOption('--official <name>', "the official's identity")
    .requiredOption('--from <iso>', 'when the statement was made')
    .requiredOption('--until <iso>', 'the end of the delay period (the time box)')
    .requiredOption('--reason <text>', 'what the agency stated')
    .action(async (id: string, o: DelayOptions, cmd: Command) => {
      const { api, out } = context(cmd);
      await startDelay(api, id, o, out);
    });
  program
    .command('end-delay <incident> <delay>')
    .description('a delay lifted before its time box ends: the paused clocks run again')
    .option('--at <iso>', 'when it was lifted (default: now)')
    .requiredOption('--reason <text>', 'why it ends')
    .action(async (id: string, delayId: string, o: { at?: string; reason: string }, cmd: Command) => {
      const { api, out } = context(cmd);
      await endDelay(api, id, delayId, o, out);
    });
  program
    .command('clocks <incident>')
    .description("one incident's regulatory clocks, and what each waiting clock needs recorded")
    .action(async (id: string, _o, cmd: Command) => {
      const { api, out } = context(cmd);
      await showClocks(api, id, out);
    });
  program
    .command('anchor <incident> <anchor>')
    .description('record an anchor event (e.g. classification, materiality, determination, request): the clocks waiting for it start')
    .requiredOption('--at <iso>', 'when it happened (ISO-8601 with offset, not in the future)')
    .requiredOption('--reason <text>', 'how it was established (recorded for the Art. 33(5) register)')
    .action(async (id: string, anchor: string, o: { at: string; reason: string }, cmd: Command) => {
      const { api, out } = context(cmd);
      await recordAnchor(api, id, anchor, o, out);
    });
  program
    .command('aware <incident>')
    .description('record when the controller became aware of the breach (the GDPR clocks run from it)')
    .requiredOption('--at <iso>', 'when (ISO-8601 with offset, not in the future)')
    .requiredOption('--reason <text>', 'what made the breach reasonably certain (recorded)')
    .action(async (id: string, o: { at: string; reason: string }, cmd: Command) => {
      const { api, out } = context(cmd);
      await setAwareness(api, id, o, out);
    });
  program
    .command('not-required <incident>')
    .description('declare notification not required (DPO; the reasoning is kept, Art. 33(5))')
    .requiredOption('--reason <text>', 'the risk-assessment reasoning (at least 20 characters)')
    .option('--obligation <id...>', 'only these obligations (default: every open one)')
    .action(async (id: string, o: { reason: string; obligation?: string[] }, cmd: Command) => {
      const { api, out } = context(cmd);
      await declareNotRequired(api, id, o, out);
    });
  program
    .command('risk <incident> <level>')
    .description("record the DPO's risk assessment: low, medium or high (high adds the Art. 34 communication)")
    .requiredOption('--reason <text>', 'the risk-assessment reasoning (at least 20 characters; kept in the register)')
    .action(async (id: string, level: string, o: { reason: string }, cmd: Command) => {
      const { api, out } = context(cmd);
      await assessRisk(api, id, level, o.reason, out);
    });
}
