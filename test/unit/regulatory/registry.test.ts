import {
  applicableObligations,
  applicableRegimes,
  findObligation,
  hipaaMediaApplies,
  nonPersonalDataRegimes,
  profileFromShorthand,
  type ApplicabilityContext,
  type EntityProfile,
  type EntityRoles,
  type Region,
  type Sector,
} from '../../../src/regulatory';

/** A table row: the shorthand (jurisdictions, sectors), role and profile overrides, and the incident's facts. */
interface Row extends Partial<Omit<ApplicabilityContext, 'profile'>> {
  jurisdictions?: Region[];
  sectors?: Sector[];
  roles?: Partial<EntityRoles>;
  profile?: Partial<EntityProfile>;
}
const ctxOf = (r: Row): ApplicabilityContext => {
  const { jurisdictions = [], sectors = [], roles = {}, profile = {}, ...facts } = r;
  const base = profileFromShorthand(jurisdictions, sectors);
  return { dataSubjectsRegions: [], personalData: true, ...facts, profile: { ...base, ...profile, roles: { ...base.roles, ...roles } } };
};
const ids = (r: Row) =>
  applicableObligations(ctxOf(r))
    .map((o) => o.id)
    .sort();
const NYDFS = ['us-ny.nydfs.500.17', 'us-ny.nydfs.500.17.c.justification', 'us-ny.nydfs.500.17.c.notice'];

test.each([
  [
    'EU controller, risk not yet assessed: Art. 33 + register, no Art. 34',
    { jurisdictions: ['EU'] },
    ['gdpr.33.1', 'gdpr.33.4', 'gdpr.33.5'],
  ],
  ['EU controller, high risk adds Art. 34', { jurisdictions: ['EU'], risk: 'high' }, ['gdpr.33.1', 'gdpr.33.4', 'gdpr.33.5', 'gdpr.34.1']],
  [
    'EU controller, risk unlikely: register only (Art. 33(5) applies to all breaches)',
    { jurisdictions: ['EU'], risk: 'unlikely' },
    ['gdpr.33.5'],
  ],
  [
    'non-EU controller with EU data subjects (Art. 3(2))',
    { jurisdictions: ['US'], dataSubjectsRegions: ['EU'] },
    ['gdpr.33.1', 'gdpr.33.4', 'gdpr.33.5'],
  ],
  ['GDPR 33(2): EU processor notifies its controller only', { jurisdictions: ['EU'], roles: { gdpr: 'processor' } }, ['gdpr.33.2']],
  ['UK controller', { jurisdictions: ['UK'], risk: 'high' }, ['uk-gdpr.33.1', 'uk-gdpr.33.5', 'uk-gdpr.34.1']],
  [
    'GDPR 33(2) + UK GDPR 33(2): UK and EU processor',
    { jurisdictions: ['UK'], dataSubjectsRegions: ['EU'], roles: { gdpr: 'processor', ukGdpr: 'processor' } },
    ['gdpr.33.2', 'uk-gdpr.33.2'],
  ],
  [
    'roles are per regime: GDPR processor, UK GDPR controller',
    { jurisdictions: ['UK'], dataSubjectsRegions: ['EU'], roles: { gdpr: 'processor' } },
    ['gdpr.33.2', 'uk-gdpr.33.1', 'uk-gdpr.33.5'],
  ],
  ['no personal data: no privacy regimes', { jurisdictions: ['EU', 'UK', 'SG', 'BR', 'AU'], personalData: false }, []],
  [
    'NIS2 essential entity, no personal data',
    { jurisdictions: ['EU'], sectors: ['essential-entity'], personalData: false },
    ['nis2.23.1', 'nis2.23.4.a', 'nis2.23.4.b', 'nis2.23.4.c', 'nis2.23.4.d', 'nis2.23.4.e'],
  ],
  [
    'DORA financial entity, no personal data',
    { jurisdictions: ['EU'], sectors: ['financial'], personalData: false },
    ['dora.5.1.a', 'dora.5.1.b', 'dora.5.1.b-upd', 'dora.5.1.c'],
  ],
  ['SEC registrant', { sectors: ['sec-registrant'], personalData: false }, ['sec.8k.1.05', 'sec.8k.1.05.amend', 'sec.materiality']],
  [
    'HIPAA covered entity, count unknown: media + HHS contemporaneous',
    { jurisdictions: ['US'], sectors: ['health'] },
    ['hipaa.164.404', 'hipaa.164.406', 'hipaa.164.408.b'],
  ],
  [
    'HIPAA, 499 affected: annual log, no media',
    { jurisdictions: ['US'], sectors: ['health'], affectedCounts: { US: 499 } },
    ['hipaa.164.404', 'hipaa.164.408.c'],
  ],
  [
    'HIPAA, exactly 500: HHS now, no media (media needs more than 500)',
    { jurisdictions: ['US'], sectors: ['health'], affectedCounts: { US: 500 } },
    ['hipaa.164.404', 'hipaa.164.408.b'],
  ],
  ['HIPAA 164.410: business associate', { jurisdictions: ['US-NY'], roles: { hipaa: 'business-associate' } }, ['hipaa.164.410']],
  [
    'HIPAA business associate that is also a PDPA data intermediary',
    { jurisdictions: ['US', 'SG'], roles: { hipaa: 'business-associate', pdpa: 'data-intermediary' } },
    ['hipaa.164.410', 'sg.26C.3.a'],
  ],
  [
    'California residents, count unknown: AG copy listed',
    { dataSubjectsRegions: ['US-CA'] },
    ['us-ca.1798.82.ag', 'us-ca.1798.82.individuals'],
  ],
  [
    'California, exactly 500: no AG copy (needs more than 500)',
    { dataSubjectsRegions: ['US-CA'], affectedCounts: { 'US-CA': 500 } },
    ['us-ca.1798.82.individuals'],
  ],
  [
    'Texas, 250: AG notice (250 or more)',
    { dataSubjectsRegions: ['US-TX'], affectedCounts: { 'US-TX': 250 } },
    ['us-tx.521.053.ag', 'us-tx.521.053.individuals'],
  ],
  ['Texas, 249: individuals only', { dataSubjectsRegions: ['US-TX'], affectedCounts: { 'US-TX': 249 } }, ['us-tx.521.053.individuals']],
  ['New York residents', { dataSubjectsRegions: ['US-NY'] }, ['us-ny.899-aa.individuals', 'us-ny.899-aa.regulators']],
  [
    '23 NYCRR 500.17: DFS covered entity, no personal data (incident notice + extortion payment)',
    { jurisdictions: ['US-NY'], sectors: ['financial'], personalData: false },
    NYDFS,
  ],
  ['Singapore controller', { jurisdictions: ['SG'] }, ['sg.26C.2', 'sg.26D.1', 'sg.26D.2']],
  ['PDPA 26C(3)(a): Singapore data intermediary', { dataSubjectsRegions: ['SG'], roles: { pdpa: 'data-intermediary' } }, ['sg.26C.3.a']],
  ['LGPD: a processor has no ANPD duty of its own', { dataSubjectsRegions: ['BR'], roles: { lgpd: 'processor' } }, []],
  ['Brazilian data subjects', { dataSubjectsRegions: ['BR'] }, ['br.res15.anpd', 'br.res15.subjects', 'br.res15.supplement']],
  ['Australia', { jurisdictions: ['AU'] }, ['au.26WH', 'au.26WK', 'au.26WL']],
] as [string, Row, string[]][])('%s', (_n, ctx, expected) => {
  expect(ids(ctx)).toEqual([...expected].sort());
});

test('RTS 2025/301 Art. 5(5): a NIS2 entity that is also a DORA financial entity loses relief on initial and intermediate reports', () => {
  const obs = applicableObligations(
    ctxOf({
      personalData: false,
      jurisdictions: ['EU'],
      sectors: ['financial', 'important-entity'],
      profile: { dora: { entityType: 'payment-institution', reliefWithdrawn: false } },
    }),
  );
  const relief = Object.fromEntries(obs.filter((o) => o.regime === 'dora').map((o) => [o.id, o.calendar.weekendRelief ?? null]));
  expect(relief).toEqual({
    'dora.5.1.a': null,
    'dora.5.1.b': null,
    'dora.5.1.b-upd': 'noonNextWorkingDay',
    'dora.5.1.c': 'noonNextWorkingDay',
  });
});

test.each([
  ['credit-institution', null],
  ['ccp', null],
  ['trading-venue', null],
  ['payment-institution', 'noonNextWorkingDay'],
  ['insurance-undertaking', 'noonNextWorkingDay'],
  ['unspecified', null],
] as const)('RTS 2025/301 Art. 5(4)–(5): DORA %s → initial-report relief %s', (entityType, relief) => {
  const o = applicableObligations(
    ctxOf({ personalData: false, jurisdictions: ['EU'], profile: { dora: { entityType, reliefWithdrawn: false } } }),
  ).find((x) => x.id === 'dora.5.1.a');
  expect(o?.calendar.weekendRelief ?? null).toBe(relief);
});

test('RTS 2025/301 Art. 5(6): relief withdrawn by the authority', () => {
  const o = applicableObligations(
    ctxOf({ personalData: false, jurisdictions: ['EU'], profile: { dora: { entityType: 'investment-firm', reliefWithdrawn: true } } }),
  ).find((x) => x.id === 'dora.5.1.a');
  expect(o?.calendar.weekendRelief).toBeUndefined();
});

test('trust service providers get the 24 h NIS2 notification', () => {
  const o = applicableObligations(ctxOf({ jurisdictions: ['EU'], sectors: ['essential-entity', 'trust-service'] })).find(
    (x) => x.id === 'nis2.23.4.b',
  );
  expect(o?.offset).toEqual({ amount: 24, unit: 'hours' });
});

test("each regime ends its periods in its own authority's zone; DORA relief on the authority's Member State calendar", () => {
  const profile: Partial<EntityProfile> = {
    nis2: { entityClass: 'essential', trustServiceProvider: false },
    dora: { entityType: 'investment-firm', reliefWithdrawn: false },
    authorities: [
      { regime: 'gdpr', name: 'Tietosuojavaltuutettu', memberState: 'FI', timeZone: 'Europe/Helsinki' },
      { regime: 'nis2', name: 'NCSC-FI', memberState: 'FI', timeZone: 'Europe/Helsinki' },
      { regime: 'dora', name: 'AMF', memberState: 'FR', timeZone: 'Europe/Paris' },
    ],
  };
  const obs = applicableObligations(ctxOf({ jurisdictions: ['EU'], profile }));
  const zones = new Set(obs.map((o) => `${o.regime}:${o.calendar.timeZone}:${o.calendar.holidays ?? '-'}`));
  expect(zones).toEqual(new Set(['gdpr:Europe/Helsinki:-', 'nis2:Europe/Helsinki:-', 'dora:Europe/Paris:fr-national']));
});

test('a DORA authority whose Member State has no calendar in Cordon: weekends only, stated', () => {
  const obs = applicableObligations(
    ctxOf({
      jurisdictions: ['EU'],
      personalData: false,
      profile: {
        dora: { entityType: 'investment-firm', reliefWithdrawn: false },
        authorities: [{ regime: 'dora', name: 'CSSF', memberState: 'LU', timeZone: 'Europe/Luxembourg' }],
      },
    }),
  );
  expect(obs.find((o) => o.id === 'dora.5.1.a')?.calendar).toEqual({ timeZone: 'Europe/Luxembourg', weekendRelief: 'noonNextWorkingDay' });
});

test('45 CFR 164.406: media notice per State (more than 500 residents of one State), not the US-wide count', () => {
  expect(hipaaMediaApplies({ affectedCounts: { US: 600 }, stateCounts: { counts: { CA: 300, TX: 300 }, complete: true } })).toBe(false);
  expect(hipaaMediaApplies({ affectedCounts: { US: 600 }, stateCounts: { counts: { CA: 501 }, complete: false } })).toBe(true);
  expect(hipaaMediaApplies({ affectedCounts: { US: 600 }, stateCounts: { counts: { CA: 300 }, complete: false } })).toBe(true); // 300 unaccounted for
  expect(hipaaMediaApplies({ affectedCounts: { US: 500 } })).toBe(false);
  expect(hipaaMediaApplies({})).toBe(true);
  const row = {
    jurisdictions: ['US'] as Region[],
    roles: { hipaa: 'covered-entity' as const },
    affectedCounts: { US: 600 },
    stateCounts: { counts: { CA: 300, TX: 300 }, complete: true },
  };
  expect(ids(row)).toEqual(['hipaa.164.404', 'hipaa.164.408.b']); // HHS: 500 or more in total
});

test("HIPAA periods end in the covered entity's zone from the profile", () => {
  const obs = applicableObligations(
    ctxOf({ jurisdictions: ['US'], roles: { hipaa: 'covered-entity' }, profile: { hipaaTimeZone: 'America/Los_Angeles' } }),
  );
  expect(new Set(obs.map((o) => o.calendar.timeZone))).toEqual(new Set(['America/Los_Angeles']));
});

test('regimes that apply without personal data: NIS2, DORA, SEC, NYDFS — not the privacy regimes', () => {
  const p = ctxOf({ jurisdictions: ['EU', 'US-NY', 'UK'], sectors: ['financial', 'essential-entity', 'sec-registrant', 'health'] }).profile;
  expect(nonPersonalDataRegimes(p)).toEqual(['nis2', 'dora', 'sec', 'us-ny']);
  expect(nonPersonalDataRegimes(profileFromShorthand(['EU', 'UK'], []))).toEqual([]);
});

test('asOf drops obligations not yet in force (California SB 446 from 1 Jan 2026)', () => {
  expect(ids({ dataSubjectsRegions: ['US-CA'], asOf: '2025-12-31T23:00:00Z' })).toEqual([]);
  expect(ids({ dataSubjectsRegions: ['US-CA'], asOf: '2026-01-01T00:00:00Z' })).toHaveLength(2);
});

test('applicableRegimes explains each choice', () => {
  const r = applicableRegimes(ctxOf({ jurisdictions: ['EU'], dataSubjectsRegions: ['US-CA'] }));
  expect(r.map((x) => x.regime)).toEqual(['gdpr', 'us-ca']);
  expect(r.every((x) => x.because.length > 0 && x.obligations.length > 0)).toBe(true);
});

test('findObligation', () => {
  expect(findObligation('nis2.23.4.d')?.anchor).toBe('submitted:nis2.23.4.b');
  expect(findObligation('nope')).toBeUndefined();
});
