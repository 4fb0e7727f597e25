/**
 * Which obligations one breach carries: the entity profile (configured, or built from the env
 * shorthand) applied to the incident's data-classification facts, and the starting point of the
 * Art. 33(3)(c) consequences. Pure.
 *
 * Invariant: per-State counts feed the CA/TX/NY thresholds and HIPAA's per-State media rule; the
 * breakdown counts as complete only when it accounts for every affected US resident.
 */
import { profileFromShorthand, type EntityProfile, type Region } from '../../src/regulatory/profile';
import { applicableObligations } from '../../src/regulatory/registry';
import type { Obligation } from '../../src/regulatory/types';
import type { BreachNotificationInput, BreachSettings, RiskLevel } from './types';

/** The configured profile, or the one the env shorthand (jurisdictions, sectors) stands for. */
export const profileOf = (settings: BreachSettings): EntityProfile =>
  settings.profile ?? profileFromShorthand(settings.jurisdictions, settings.sectors, settings.displayZone);

export function obligationsFor(
  input: Pick<BreachNotificationInput, 'classification' | 'settings'>,
  risk: RiskLevel | undefined,
): Obligation[] {
  const c = input.classification;
  const counts: Partial<Record<Region, number>> =
    c.subjectRegions.length === 1 && c.approxSubjects !== undefined ? { [c.subjectRegions[0]!]: c.approxSubjects } : {};
  const states = c.stateCounts ?? {};
  for (const [st, n] of Object.entries(states))
    if (`US-${st}` === 'US-CA' || `US-${st}` === 'US-TX' || `US-${st}` === 'US-NY') counts[`US-${st}` as Region] = n;
  const stateTotal = Object.values(states).reduce((a, b) => a + b, 0);
  const usTotal = counts.US;
  return applicableObligations({
    profile: profileOf(input.settings),
    dataSubjectsRegions: c.subjectRegions,
    personalData: c.personalData,
    ...(risk ? { risk } : {}),
    affectedCounts: counts,
    // The per-State breakdown is complete when it accounts for every affected US resident.
    ...(Object.keys(states).length ? { stateCounts: { counts: states, complete: usTotal !== undefined && stateTotal >= usTotal } } : {}),
  });
}

/** A starting point for Art. 33(3)(c) from the classification (Recital 85 harms); a person confirms or rewrites it. */
export function suggestedConsequences(c: BreachNotificationInput['classification']): string[] {
  if (!c.personalData) return [];
  const data = [...c.recordCategories, ...c.specialCategories].join(', ') || 'personal data';
  return [
    `Suggested, to be confirmed: loss of confidentiality of ${data}; phishing, fraud or identity theft aimed at the data subjects (Recital 85)`,
  ];
}
