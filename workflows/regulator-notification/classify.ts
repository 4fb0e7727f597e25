/**
 * Classification decisions of one breach (NIS2 significant, DORA major, SEC material, NYDFS
 * cybersecurity incident): who may record each, the refusals of the record-classification update,
 * and the words that explain them. Pure; the workflow, API and CLI share it.
 *
 * Invariants: a classification is refused unless some obligation of this breach depends on it;
 * repeating the governing outcome is refused (a reclassification must change it); `awareAt` is
 * only taken where the regime counts from awareness (NIS2, DORA) and never after the decision;
 * SEC materiality and the NYDFS determination are legal determinations (dpo), NIS2 significance
 * and DORA major classification also the incident manager's (approver). Admin passes every check.
 */
import type { ClassificationKind } from '../../src/regulatory/types';
import { latestClassification } from './anchor-defaults';
import { blank, hasRole, instantProblem, type Refusal } from './refusals';
import type { BreachRecord, RecordClassification } from './types';

export interface ClassificationInfo {
  /** "significant incident (NIS2 Art. 23(3))". */
  label: string;
  citation: string;
  roles: ('dpo' | 'approver')[];
  /** The regime counts from awareness: `awareAt` may be recorded with the decision. */
  awareness: boolean;
}

export const CLASSIFICATIONS: Readonly<Record<ClassificationKind, ClassificationInfo>> = {
  'nis2-significant': { label: 'significant incident', citation: 'NIS2 Art. 23(3)', roles: ['dpo', 'approver'], awareness: true },
  'dora-major': {
    label: 'major ICT-related incident',
    citation: 'DORA Art. 18; RTS 2024/1772',
    roles: ['dpo', 'approver'],
    awareness: true,
  },
  'sec-material': { label: 'material cybersecurity incident', citation: 'Form 8-K Item 1.05', roles: ['dpo'], awareness: false },
  'nydfs-cybersecurity-incident': {
    label: 'cybersecurity incident (determined to have occurred)',
    citation: '23 NYCRR 500.17(a)',
    roles: ['dpo'],
    awareness: false,
  },
};

export const CLASSIFICATION_KINDS = Object.keys(CLASSIFICATIONS) as ClassificationKind[];

export const isClassificationKind = (s: string): s is ClassificationKind => Object.prototype.hasOwnProperty.call(CLASSIFICATIONS, s);

/** The kinds some obligation of this breach depends on. */
export function usableClassifications(r: BreachRecord): ClassificationKind[] {
  return CLASSIFICATION_KINDS.filter((k) => r.obligations.some((o) => o.classification === k || o.decidedBy === k));
}

export function refuseClassification(r: BreachRecord, c: RecordClassification, now: string): Refusal | undefined {
  if (!isClassificationKind(c.kind))
    return { type: 'InvalidRequest', message: `${String(c.kind)} is not a classification (${CLASSIFICATION_KINDS.join(', ')})` };
  const info = CLASSIFICATIONS[c.kind];
  if (!hasRole(c.operator.roles, ...info.roles))
    return { type: 'Forbidden', message: `${c.operator.name} may not classify ${c.kind} (${[...info.roles, 'admin'].join(', ')})` };
  if (c.outcome !== 'yes' && c.outcome !== 'no') return { type: 'InvalidRequest', message: 'outcome must be yes or no' };
  if (blank(c.reason))
    return {
      type: 'InvalidRequest',
      message: `say why the incident is${c.outcome === 'no' ? ' not' : ''} a ${info.label} (${info.citation}): the decision is recorded`,
    };
  const bad = instantProblem(c.at, 'at', now);
  if (bad) return bad;
  if (c.awareAt !== undefined) {
    if (!info.awareness) return { type: 'InvalidRequest', message: `${c.kind} counts from the decision itself; awareAt does not apply` };
    const badAware = instantProblem(c.awareAt, 'awareAt', now);
    if (badAware) return badAware;
    if (Date.parse(c.awareAt) > Date.parse(c.at)) return { type: 'InvalidRequest', message: 'awareAt lies after the classification' };
  }
  const usable = usableClassifications(r);
  if (!usable.includes(c.kind))
    return {
      type: 'Conflict',
      message: `no obligation of this breach depends on ${c.kind}; classifiable here: ${usable.join(', ') || 'none'}`,
    };
  const anchor = c.kind === 'dora-major' ? 'classification' : c.kind === 'sec-material' ? 'materiality' : undefined;
  const event = anchor ? (r.anchorEvents ?? []).find((e) => e.anchor === anchor) : undefined;
  if (event) return { type: 'Conflict', message: `${anchor} was already recorded as an anchor event at ${event.at} by ${event.by}` };
  const previous = latestClassification(r, c.kind);
  if (previous?.outcome === c.outcome)
    return { type: 'Conflict', message: `already classified ${c.kind}: ${c.outcome} by ${previous.by} at ${previous.at}` };
  return undefined;
}
