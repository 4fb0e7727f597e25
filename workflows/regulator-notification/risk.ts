/**
 * The DPO's risk assessment of a breach (GDPR Art. 33(1), 34(1); REGULATORY.md §1.3): low,
 * medium or high with reasoning, mapped onto the two GDPR thresholds — low = "unlikely to result
 * in a risk" (no Art. 33 notification), medium = a risk (notify the SA), high = "likely to result
 * in a high risk" (also communicate to data subjects, Art. 34).
 *
 * Invariants: an assessment never removes an obligation from the record — one that no longer
 * applies is kept and shown as not required with the assessment's reasoning (Art. 33(5): the
 * decision is documented); one already submitted is never turned into "not required"; a later
 * assessment supersedes the earlier one, so raising the risk again reopens what lowering closed.
 */
import type { Obligation } from '../../src/regulatory/types';
import { hasRole, type Refusal } from './refusals';
import type { AssessRisk, BreachRecord, RiskAssessmentLevel, RiskLevel } from './types';

export const RISK_OF: Readonly<Record<RiskAssessmentLevel, RiskLevel>> = { low: 'unlikely', medium: 'risk', high: 'high' };

/** Same floor as a "not required" declaration: a reason someone can check later. */
export const MIN_REASONING = 20;

export function refuseRiskAssessment(a: AssessRisk): Refusal | undefined {
  if (!hasRole(a.operator.roles, 'dpo'))
    return { type: 'Forbidden', message: `${a.operator.name} may not assess the risk of a breach (dpo or admin)` };
  if (!Object.prototype.hasOwnProperty.call(RISK_OF, a.level))
    return { type: 'InvalidRequest', message: 'level must be low, medium or high' };
  if (typeof a.reasoning !== 'string' || a.reasoning.trim().length < MIN_REASONING)
    return { type: 'InvalidRequest', message: 'give the risk-assessment reasoning (Art. 33(5): it is recorded in the register)' };
  return undefined;
}

/**
 * What an assessment changes, given the obligations that apply at its level: the ones to add
 * (Art. 34 when the risk becomes high) and the unsubmitted ones it makes not required.
 */
export function riskEffect(r: BreachRecord, applicable: readonly Obligation[]): { added: Obligation[]; notRequired: string[] } {
  const applies = new Set(applicable.map((o) => o.id));
  const submitted = new Set(r.submissions.map((s) => s.obligationId));
  return {
    added: applicable.filter((o) => !r.obligations.some((x) => x.id === o.id)),
    notRequired: r.obligations.filter((o) => !applies.has(o.id) && !submitted.has(o.id)).map((o) => o.id),
  };
}

/** The register's words for the notification and Art. 34 decisions that a risk assessment made. */
export function riskDecisionText(level: RiskAssessmentLevel, by: string, reasoning: string): string {
  const effect =
    level === 'low'
      ? 'unlikely to result in a risk: Art. 33(1) notification not required'
      : level === 'medium'
        ? 'a risk but not a high risk: notify the SA; Art. 34(1) communication not required'
        : 'likely high risk: notify the SA and communicate to the data subjects (Art. 34(1))';
  return `risk assessed ${level} by ${by} (${effect}): ${reasoning}`;
}
