/**
 * The rules breach workflows started before the entity profile keep on replay (`rules` absent in
 * their record; the workflow's `patched('entity-profile-clocks')` marker is missing from their
 * history): one awareness anchor for GDPR, NIS2 and DORA, NYDFS on the generic determination,
 * DORA's final report from the first intermediate report, DORA relief unless a NIS2 sector,
 * Brussels and Berlin calendars, discovery defaulting to awareness, and no wait for a
 * classification before completing. Running incidents keep the timers they planned, so replay
 * issues the same commands; new breach workflows use the current rules.
 *
 * Invariant: only used when `rules` is absent; never applied to a workflow started since.
 */
import { DORA_DEFAULT_CALENDAR } from '../../src/regulatory/dora';
import { EU_DEFAULT_ZONE } from '../../src/regulatory/gdpr';
import type { AnchorRef, Obligation } from '../../src/regulatory/types';
import type { BreachSettings } from './types';

const LEGACY_ANCHOR: Readonly<Record<string, AnchorRef>> = {
  nis2Awareness: 'awareness',
  doraAwareness: 'awareness',
  nydfsDetermination: 'determination',
};
const NEW_OBLIGATIONS = new Set(['us-ny.nydfs.500.17.c.notice', 'us-ny.nydfs.500.17.c.justification']);

const legacyRef = (a: AnchorRef): AnchorRef =>
  LEGACY_ANCHOR[a] ?? (a.startsWith('latestSubmitted:') ? `submitted:${a.slice('latestSubmitted:'.length)}` : a);

export function legacyObligations(obligations: readonly Obligation[], settings: BreachSettings): Obligation[] {
  const nis2Sector = settings.sectors.includes('essential-entity') || settings.sectors.includes('important-entity');
  return obligations
    .filter((o) => !NEW_OBLIGATIONS.has(o.id))
    .map((o) => {
      const { classification: _c, decidedBy: _d, requires: _r, updatesOf: _u, ...rest } = o;
      void _c;
      void _d;
      void _r;
      void _u;
      const anchor =
        typeof o.anchor === 'string'
          ? legacyRef(o.anchor)
          : { earliestOf: o.anchor.earliestOf.map((t) => ({ ...t, anchor: legacyRef(t.anchor) })), trigger: legacyRef(o.anchor.trigger) };
      let calendar = o.calendar;
      if (o.regime === 'gdpr' || o.regime === 'nis2') calendar = { ...o.calendar, timeZone: EU_DEFAULT_ZONE };
      if (o.regime === 'dora') {
        calendar = { ...DORA_DEFAULT_CALENDAR };
        if (nis2Sector && (o.id === 'dora.5.1.a' || o.id === 'dora.5.1.b')) delete calendar.weekendRelief;
      }
      return { ...rest, anchor, calendar };
    });
}
