/**
 * The anchor instants of one breach, regime by regime, and which of them are defaults. Pure.
 *
 * Each regime reads its own anchor (REGULATORY.md §1.2, §5, §6, §7, §8, §9):
 * - detection: the first alert.
 * - awareness (GDPR, LGPD): recorded; else the first alert.
 * - discovery (HIPAA, CA, NY): recorded; else the first alert — known or knowable with reasonable
 *   diligence cannot be later than the first alert Cordon received.
 * - determination (Texas), suspicion (Australia, Singapore assessment duty): recorded; else the
 *   first alert.
 * - nis2Awareness: only once the incident is classified significant (`nis2-significant: yes`);
 *   the classification's `awareAt`, else the first alert.
 * - doraAwareness: recorded (event or a `dora-major` classification's `awareAt`); else the first alert.
 * - classification (DORA major), materiality (SEC), nydfsDetermination: the latest "yes"
 *   classification of that kind (or, for the first two, a recorded anchor event) — never assumed.
 * - progressReported: the first NIS2 submission in the `progress` phase.
 * - submitted / latestSubmitted: first and latest submission per obligation; an obligation with
 *   `updatesOf` feeds the latest of the one it updates (DORA updated intermediate reports).
 *
 * Invariant: every instant taken from the first alert in place of a recorded anchor appears in
 * `anchorDefaults` with a note a person can act on; nothing else is assumed. Records without
 * `rules: 2` (workflows started before anchors per regime) keep the legacy defaults.
 */
import type { AnchorEvent, AnchorInstants, ClassificationKind } from '../../src/regulatory/types';
import type { BreachRecord, ClassificationRecord } from './types';

export const classificationsOf = (r: BreachRecord): ClassificationRecord[] => r.classifications ?? [];

/** The governing (latest) classification of a kind. */
export function latestClassification(r: BreachRecord, kind: ClassificationKind): ClassificationRecord | undefined {
  const all = classificationsOf(r).filter((c) => c.kind === kind);
  return all[all.length - 1];
}

const yes = (r: BreachRecord, kind: ClassificationKind) => {
  const c = latestClassification(r, kind);
  return c?.outcome === 'yes' ? c : undefined;
};

const recorded = (r: BreachRecord): Partial<Record<AnchorEvent, string>> => {
  const out: Partial<Record<AnchorEvent, string>> = {};
  for (const e of r.anchorEvents ?? []) out[e.anchor] = e.at;
  return out;
};

const FROM_ALERT = 'runs from the first alert (the earliest plausible instant)';

/** Anchor events taken from the first alert because their own instant is not recorded: event → note. */
export function anchorDefaults(r: BreachRecord): Partial<Record<AnchorEvent, string>> {
  const rec = recorded(r);
  const out: Partial<Record<AnchorEvent, string>> = {};
  if (!r.awareness)
    out.awareness = `awareness not recorded: ${FROM_ALERT}; record when the controller became reasonably certain personal data was compromised`;
  if (r.rules !== 2) {
    if (!r.awareness && !rec.discovery) out.discovery = `discovery not recorded: runs from awareness (${FROM_ALERT})`;
    return out;
  }
  for (const e of ['discovery', 'determination', 'suspicion'] as const) {
    if (!rec[e]) out[e] = `${e} not recorded: ${FROM_ALERT}; record it with \`cordon anchor\``;
  }
  const dora = latestClassification(r, 'dora-major');
  if (!rec.doraAwareness && !dora?.awareAt)
    out.doraAwareness = `awareness of the ICT-related incident not recorded: the 24 h cap ${FROM_ALERT}`;
  const nis2 = yes(r, 'nis2-significant');
  if (nis2 && !nis2.awareAt)
    out.nis2Awareness = `awareness of the significant incident not recorded with the classification: ${FROM_ALERT}`;
  return out;
}

export function anchorsOf(r: BreachRecord): AnchorInstants {
  const rec = recorded(r);
  const detection = r.detectedAt;
  const submitted: Record<string, string> = {};
  const latestSubmitted: Record<string, string> = {};
  let progressReported: string | undefined;
  for (const s of r.submissions) {
    if (submitted[s.obligationId] === undefined) submitted[s.obligationId] = s.submittedAt;
    const family = r.obligations.find((o) => o.id === s.obligationId)?.updatesOf ?? s.obligationId;
    if (latestSubmitted[family] === undefined || Date.parse(s.submittedAt) > Date.parse(latestSubmitted[family]!))
      latestSubmitted[family] = s.submittedAt;
    if (s.phase === 'progress' && progressReported === undefined) progressReported = s.submittedAt;
  }
  const nis2 = yes(r, 'nis2-significant');
  const dora = yes(r, 'dora-major');
  const sec = yes(r, 'sec-material');
  const nydfs = yes(r, 'nydfs-cybersecurity-incident');
  const doraAware = rec.doraAwareness ?? latestClassification(r, 'dora-major')?.awareAt ?? detection;
  const classification = rec.classification ?? dora?.at;
  const materiality = rec.materiality ?? sec?.at;
  if (r.rules !== 2) {
    // Legacy rules (legacy-rules.ts): discovery defaults to awareness; determination and suspicion wait.
    const aware = r.awareness?.at ?? detection;
    return {
      ...rec,
      detection,
      awareness: aware,
      discovery: rec.discovery ?? aware,
      ...(progressReported ? { progressReported } : {}),
      submitted,
      latestSubmitted,
    };
  }
  return {
    ...rec,
    detection,
    awareness: r.awareness?.at ?? detection,
    discovery: rec.discovery ?? detection,
    determination: rec.determination ?? detection,
    suspicion: rec.suspicion ?? detection,
    doraAwareness: doraAware,
    ...(classification ? { classification } : {}),
    ...(materiality ? { materiality } : {}),
    ...(nis2 ? { nis2Awareness: nis2.awareAt ?? detection } : {}),
    ...(nydfs ? { nydfsDetermination: nydfs.at } : {}),
    ...(progressReported ? { progressReported } : {}),
    submitted,
    latestSubmitted,
  };
}
