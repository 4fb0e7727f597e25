/**
 * How far Cordon trusts each alert source's claims (README "Trust model"). Two knobs per source:
 *  - a severity ceiling: the alert keeps what it claimed, but the runbook policy follows at most
 *    the ceiling's severity, so a sender whose severity is caller-chosen (generic, Alertmanager,
 *    CloudWatch alarm descriptions) cannot make containment or replacement skip a person;
 *  - may tighten: whether its later alerts may raise an open incident's policy.
 * Operators (a bearer identity with a responder or admin role) are uncapped and may tighten.
 * Pure: the API calls it per alert; every cap is reported as a note for the incident's timeline.
 */
import { severityRank, type Severity } from '../domain/incident';
import type { Requester } from '../domain/provenance';
import type { RunbookPolicy } from '../domain/runbook-policy';

const severities: Severity[] = ['low', 'medium', 'high', 'critical'];

export interface SourceTrust {
  /** Highest severity each source's alerts may invoke; a source left out is uncapped. */
  ceilings: Partial<Record<string, Severity>>;
  mayTighten: ReadonlySet<string>;
}

/** The highest severity whose containment still waits for a person (or records only); `low` when every severity contains automatically. */
export function approvalCeiling(policies: Record<Severity, RunbookPolicy>): Severity {
  const gated = severities.filter(
    (s) => policies[s].contain === 'record-only' || (policies[s].contain as { mode: string }).mode !== 'auto',
  );
  return gated.length ? gated[gated.length - 1]! : 'low';
}

/** From the validated settings (`generic=approval,alertmanager=high`, `guardduty,securityhub`). */
export function parseSourceTrust(ceilingSetting: string, tightenSetting: string, policies: Record<Severity, RunbookPolicy>): SourceTrust {
  const ceilings: Partial<Record<string, Severity>> = {};
  for (const pair of ceilingSetting
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [source, value] = pair.split('=').map((p) => p.trim()) as [string, string];
    if (value === 'none') delete ceilings[source];
    else ceilings[source] = value === 'approval' ? approvalCeiling(policies) : (value as Severity);
  }
  return {
    ceilings,
    mayTighten: new Set(
      tightenSetting
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  };
}

export interface SenderJudgement {
  /** The severity whose policy applies. */
  severity: Severity;
  mayTighten: boolean;
  notes: string[];
}

export function judgeSender(requester: Requester, claimed: Severity, trust: SourceTrust): SenderJudgement {
  if (requester.kind === 'operator') return { severity: claimed, mayTighten: true, notes: [] };
  const ceiling = trust.ceilings[requester.source];
  const mayTighten = trust.mayTighten.has(requester.source);
  if (!ceiling || severityRank[claimed] <= severityRank[ceiling]) return { severity: claimed, mayTighten, notes: [] };
  return {
    severity: ceiling,
    mayTighten,
    notes: [
      `${requester.source} alert from ${requester.name} claimed ${claimed}; ${requester.source} is capped at ${ceiling} (CORDON_SOURCE_SEVERITY_CEILING), so ${ceiling}'s policy applies`,
    ],
  };
}
