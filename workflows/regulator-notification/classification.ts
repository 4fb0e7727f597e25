/**
 * Pure readings of the incident for the breach workflow: the target's data-classification tags
 * (src/local/demo-fleet.ts shows the keys) and the measures taken, from the runbook's steps.
 *
 * Invariants: unknown tag values are dropped, never guessed; counts are estimates (Art. 33(3)(a)
 * "approximate number"); a measure is listed only for a step that is `done`, at the instant the
 * step ended — the same instant as its timeline entry, so the draft matches the timeline.
 */
import type { StepState } from '../../src/domain/incident';
import type { Region } from '../../src/regulatory/profile';
import type { DataClassification, MeasureEntry } from './types';

const REGIONS: readonly Region[] = ['EU', 'UK', 'US', 'US-CA', 'US-TX', 'US-NY', 'SG', 'BR', 'AU'];
const list = (v: string | undefined) =>
  (v ?? '')
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
function count(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && v.trim() !== '' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** `CA=600;TX=20` (or `US-CA=600`) → { CA: 600, TX: 20 }; malformed entries are dropped. */
function stateCounts(v: string | undefined): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const item of list(v)) {
    const m = /^(?:US-)?([A-Za-z]{2})\s*=\s*(\d+)$/.exec(item);
    if (m) out[m[1]!.toUpperCase()] = Number(m[2]);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Reads `<prefix>personal`, `subject-regions`, `subject-categories`, `record-categories`,
 * `special-categories`, `subject-count`, `record-count`, `subject-counts` (US residents per State).
 */
export function classifyTags(tags: Record<string, string>, prefix: string): DataClassification {
  const tag = (k: string) => tags[`${prefix}${k}`];
  const special = list(tag('special-categories'));
  return {
    personalData: ['true', 'yes'].includes((tag('personal') ?? '').toLowerCase()) || special.length > 0,
    subjectRegions: list(tag('subject-regions'))
      .map((r) => r.toUpperCase())
      .filter((r): r is Region => (REGIONS as readonly string[]).includes(r)),
    subjectCategories: list(tag('subject-categories')),
    recordCategories: list(tag('record-categories')),
    specialCategories: special,
    ...(count(tag('subject-count')) !== undefined ? { approxSubjects: count(tag('subject-count')) } : {}),
    ...(count(tag('record-count')) !== undefined ? { approxRecords: count(tag('record-count')) } : {}),
    ...(stateCounts(tag('subject-counts')) ? { stateCounts: stateCounts(tag('subject-counts')) } : {}),
    estimateBasis: `data-classification tags (${prefix}subject-count, ${prefix}record-count) on the instance`,
  };
}

/** What each runbook step means as an Art. 33(3)(d) measure. */
const MEASURES: Record<string, string> = {
  'protect-evidence': 'Evidence preserved: termination protection on, volumes kept on termination',
  'leave-group': 'Instance taken out of its Auto Scaling group (no capacity lost)',
  'deregister-targets': 'Instance removed from every load balancer',
  isolate: 'Instance network-isolated (quarantine security group)',
  'cut-credentials': 'Instance credentials cut (instance profile removed)',
  'revoke-sessions': 'Sessions issued to the instance role before containment denied',
  'tag-quarantined': 'Instance quarantined',
  'verify-replacement': 'Instance replaced by a clean instance from the last known-good image',
  'instance-refresh': 'Whole group refreshed onto the known-good image',
};

/** Forensics steps (names set by the forensics work) count as "evidence sealed". */
const EVIDENCE_STEP = /snapshot|evidence-seal|seal|forensic|memory|capture/;

export function measuresFromSteps(steps: readonly StepState[]): MeasureEntry[] {
  const out: MeasureEntry[] = [];
  for (const s of steps) {
    if (s.status !== 'done' || !s.endedAt) continue;
    const text =
      MEASURES[s.name] ?? (EVIDENCE_STEP.test(s.name) && s.name !== 'protect-evidence' ? `Evidence sealed: ${s.title}` : undefined);
    if (text) out.push({ step: s.name, at: s.endedAt, detail: s.detail ? `${text} — ${s.detail}` : text });
  }
  return out;
}

export function isMeasureStep(name: string): boolean {
  return MEASURES[name] !== undefined || EVIDENCE_STEP.test(name);
}
