/**
 * Anchor events of one breach: which events its obligations refer to, what each waiting clock
 * needs (an anchor event, awareness, or a prior submission) and how to record it, who may record
 * an event, and the refusals of the record-anchor update. Pure; the workflow, API and CLI share it.
 *
 * Invariants:
 * - Only events some obligation of this breach refers to can be recorded ("known anchors"), each
 *   once: a second record of the same event is refused (the clocks it started stay put), and so
 *   is a DORA classification or SEC materiality already decided by a classification record.
 * - Detection (the first alert) and awareness (its own update, GDPR 33(1)) are never recorded here.
 * - Legal determinations (SEC materiality, a US state's determination, Singapore's assessment,
 *   Australia's belief, …) need the dpo role; operational facts the incident manager knows
 *   (DORA classification as major, an authority's request, recovery, handling, discovery,
 *   suspicion) may also be recorded by an approver. Admin passes every check.
 */
import { ANCHOR_EVENTS, eventOf } from '../../src/regulatory/anchors';
import { anchorRefs } from '../../src/regulatory/deadlines';
import type { AnchorEvent, AnchorInstants, AnchorRef, Obligation } from '../../src/regulatory/types';
import { anchorDefaults, latestClassification } from './anchor-defaults';
import { blank, hasRole, instantProblem, type Refusal } from './refusals';
import type { AnchorEventRecord, AnchorStatus, AnchorWait, AwaitingClock, BreachRecord, RecordAnchor } from './types';

/** Events an approver may record besides the dpo: facts of incident handling, not legal determinations. */
export const OPERATIONAL_ANCHORS: readonly AnchorEvent[] = [
  'discovery',
  'suspicion',
  'classification',
  'request',
  'recovery',
  'handled',
  'doraAwareness',
  'extortionPayment',
];

export function anchorRoles(anchor: AnchorEvent): ('dpo' | 'approver')[] {
  return OPERATIONAL_ANCHORS.includes(anchor) ? ['dpo', 'approver'] : ['dpo'];
}

export const recordedAnchors = (r: BreachRecord): AnchorEventRecord[] => r.anchorEvents ?? [];

/** Every event the obligations refer to (directly, in a min() term, or as a year end), in order of first use. */
export function knownAnchors(obligations: readonly Obligation[]): AnchorEvent[] {
  const out: AnchorEvent[] = [];
  for (const o of obligations) {
    for (const ref of anchorRefs(o.anchor, o.requires)) {
      const e = eventOf(ref);
      if (e && !out.includes(e)) out.push(e);
    }
  }
  return out;
}

/** What each missing anchor reference needs, in words, with the way to record it. */
export function waitsFor(missing: readonly AnchorRef[]): AnchorWait[] {
  return missing.map((ref) => {
    const chained = /^(submitted|latestSubmitted):(.+)$/.exec(ref);
    if (chained) {
      const what = chained[1] === 'submitted' ? 'the submission' : 'the (latest updated) submission';
      return { anchor: ref, recordWith: 'submission', description: `${what} of ${chained[2]} is recorded` };
    }
    const e = eventOf(ref);
    if (!e) return { anchor: ref, recordWith: 'anchor', description: ref };
    const info = ANCHOR_EVENTS[e];
    const yearEnd = ref.startsWith('yearEnd:') ? 'the calendar year ends after ' : '';
    return {
      anchor: ref,
      recordWith: e === 'awareness' ? 'awareness' : 'anchor',
      description: `${yearEnd}${info.description}`,
      citation: info.citation,
    };
  });
}

/** One line per known anchor event: happened (recorded or by default) or missing, and who waits for it. */
export function anchorStatuses(r: BreachRecord, instants: AnchorInstants, awaiting: readonly AwaitingClock[]): AnchorStatus[] {
  const recorded = recordedAnchors(r);
  const defaults = anchorDefaults(r);
  return knownAnchors(r.obligations).map((anchor) => {
    const info = ANCHOR_EVENTS[anchor];
    const record = recorded.find((e) => e.anchor === anchor);
    const at = instants[anchor];
    const explicit = defaults[anchor] === undefined;
    const waiting = awaiting.filter((w) => w.missing.some((m) => eventOf(m) === anchor)).map((w) => w.obligationId);
    return {
      anchor,
      description: info.description,
      citation: info.citation,
      recordable: info.recordable,
      basis: at === undefined ? 'missing' : explicit ? 'recorded' : 'default',
      ...(at !== undefined ? { at } : {}),
      ...(record ? { record } : {}),
      waiting,
    };
  });
}

/** Why the record-anchor update must be refused, or undefined when it may proceed. */
export function refuseAnchor(r: BreachRecord, a: RecordAnchor, now: string): Refusal | undefined {
  const info = (ANCHOR_EVENTS as Partial<Record<string, { recordable: boolean }>>)[a.anchor];
  if (!info) return { type: 'InvalidRequest', message: `${a.anchor} is not an anchor event` };
  if (!info.recordable) {
    return {
      type: 'InvalidRequest',
      message:
        a.anchor === 'awareness'
          ? 'awareness has its own decision: set awareness (GDPR Art. 33(1))'
          : `${a.anchor} is set by the first alert`,
    };
  }
  const roles = anchorRoles(a.anchor);
  if (!hasRole(a.operator.roles, ...roles))
    return { type: 'Forbidden', message: `${a.operator.name} may not record ${a.anchor} (${[...roles, 'admin'].join(', ')})` };
  if (blank(a.reason))
    return { type: 'InvalidRequest', message: `say how and when ${ANCHOR_EVENTS[a.anchor].description} (the record must be demonstrable)` };
  const bad = instantProblem(a.at, 'at', now);
  if (bad) return bad;
  const known = knownAnchors(r.obligations);
  if (!known.includes(a.anchor)) {
    const usable = known.filter((k) => ANCHOR_EVENTS[k].recordable);
    return {
      type: 'Conflict',
      message: `no obligation of this breach starts at ${a.anchor}; recordable here: ${usable.join(', ') || 'none'}`,
    };
  }
  const previous = recordedAnchors(r).find((e) => e.anchor === a.anchor);
  if (previous) return { type: 'Conflict', message: `${a.anchor} was already recorded at ${previous.at} by ${previous.by}` };
  const kind = a.anchor === 'classification' ? 'dora-major' : a.anchor === 'materiality' ? 'sec-material' : undefined;
  const decided = kind ? latestClassification(r, kind) : undefined;
  if (decided)
    return {
      type: 'Conflict',
      message: `${a.anchor} follows from the ${kind} classification recorded by ${decided.by}; record a new classification instead`,
    };
  return undefined;
}
