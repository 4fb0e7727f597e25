import { applicableObligations, applicableRegimes, findObligation, type ApplicabilityContext } from '../../../src/regulatory';

const base: ApplicabilityContext = { jurisdictions: [], sectors: [], dataSubjectsRegions: [], personalData: true };
const ids = (ctx: Partial<ApplicabilityContext>) => applicableObligations({ ...base, ...ctx }).map((o) => o.id).sort();

test.each([
  ['EU controller, risk not yet assessed: Art. 33 + register, no Art. 34', { jurisdictions: ['EU'] }, ['gdpr.33.1', 'gdpr.33.4', 'gdpr.33.5']],
  ['EU controller, high risk adds Art. 34', { jurisdictions: ['EU'], risk: 'high' }, ['gdpr.33.1', 'gdpr.33.4', 'gdpr.33.5', 'gdpr.34.1']],
  ['EU controller, risk unlikely: register only (Art. 33(5) applies to all breaches)', { jurisdictions: ['EU'], risk: 'unlikely' }, ['gdpr.33.5']],
  ['non-EU controller with EU data subjects (Art. 3(2))', { jurisdictions: ['US'], dataSubjectsRegions: ['EU'] }, ['gdpr.33.1', 'gdpr.33.4', 'gdpr.33.5']],
  ['EU processor notifies its controller only', { jurisdictions: ['EU'], role: 'processor' }, ['gdpr.33.2']],
  ['UK controller', { jurisdictions: ['UK'], risk: 'high' }, ['uk-gdpr.33.1', 'uk-gdpr.33.5', 'uk-gdpr.34.1']],
  ['UK and EU processor', { jurisdictions: ['UK'], dataSubjectsRegions: ['EU'], role: 'processor' }, ['gdpr.33.2', 'uk-gdpr.33.2']],
  ['no personal data: no privacy regimes', { jurisdictions: ['EU', 'UK', 'SG', 'BR', 'AU'], personalData: false }, []],
  ['NIS2 essential entity, no personal data', { jurisdictions: ['EU'], sectors: ['essential-entity'], personalData: false }, ['nis2.23.1', 'nis2.23.4.a', 'nis2.23.4.b', 'nis2.23.4.c', 'nis2.23.4.d', 'nis2.23.4.e']],
  ['DORA financial entity, no personal data', { jurisdictions: ['EU'], sectors: ['financial'], personalData: false }, ['dora.5.1.a', 'dora.5.1.b', 'dora.5.1.b-upd', 'dora.5.1.c']],
  ['SEC registrant', { sectors: ['sec-registrant'], personalData: false }, ['sec.8k.1.05', 'sec.8k.1.05.amend', 'sec.materiality']],
  ['HIPAA covered entity, count unknown: media + HHS contemporaneous', { jurisdictions: ['US'], sectors: ['health'] }, ['hipaa.164.404', 'hipaa.164.406', 'hipaa.164.408.b']],
  ['HIPAA, 499 affected: annual log, no media', { jurisdictions: ['US'], sectors: ['health'], affectedCounts: { US: 499 } }, ['hipaa.164.404', 'hipaa.164.408.c']],
  ['HIPAA, exactly 500: HHS now, no media (media needs more than 500)', { jurisdictions: ['US'], sectors: ['health'], affectedCounts: { US: 500 } }, ['hipaa.164.404', 'hipaa.164.408.b']],
  ['HIPAA business associate', { jurisdictions: ['US-NY'], sectors: ['health'], role: 'processor' }, ['hipaa.164.410']],
  ['California residents, count unknown: AG copy listed', { dataSubjectsRegions: ['US-CA'] }, ['us-ca.1798.82.ag', 'us-ca.1798.82.individuals']],
  ['California, exactly 500: no AG copy (needs more than 500)', { dataSubjectsRegions: ['US-CA'], affectedCounts: { 'US-CA': 500 } }, ['us-ca.1798.82.individuals']],
  ['Texas, 250: AG notice (250 or more)', { dataSubjectsRegions: ['US-TX'], affectedCounts: { 'US-TX': 250 } }, ['us-tx.521.053.ag', 'us-tx.521.053.individuals']],
  ['Texas, 249: individuals only', { dataSubjectsRegions: ['US-TX'], affectedCounts: { 'US-TX': 249 } }, ['us-tx.521.053.individuals']],
  ['New York residents', { dataSubjectsRegions: ['US-NY'] }, ['us-ny.899-aa.individuals', 'us-ny.899-aa.regulators']],
  ['NY DFS-regulated financial entity, no personal data', { jurisdictions: ['US-NY'], sectors: ['financial'], personalData: false }, ['us-ny.nydfs.500.17']],
  ['Singapore controller', { jurisdictions: ['SG'] }, ['sg.26C.2', 'sg.26D.1', 'sg.26D.2']],
  ['Singapore data intermediary', { dataSubjectsRegions: ['SG'], role: 'processor' }, ['sg.26C.3.a']],
  ['Brazilian data subjects', { dataSubjectsRegions: ['BR'] }, ['br.res15.anpd', 'br.res15.subjects', 'br.res15.supplement']],
  ['Australia', { jurisdictions: ['AU'] }, ['au.26WH', 'au.26WK', 'au.26WL']],
] as [string, Partial<ApplicabilityContext>, string[]][])('%s', (_n, ctx, expected) => {
  expect(ids(ctx)).toEqual([...expected].sort());
});

test('a NIS2 entity that is also a DORA financial entity loses relief on initial and intermediate reports', () => {
  const obs = applicableObligations({ ...base, personalData: false, jurisdictions: ['EU'], sectors: ['financial', 'important-entity'] });
  const relief = Object.fromEntries(obs.filter((o) => o.regime === 'dora').map((o) => [o.id, o.calendar.weekendRelief ?? null]));
  expect(relief).toEqual({ 'dora.5.1.a': null, 'dora.5.1.b': null, 'dora.5.1.b-upd': 'noonNextWorkingDay', 'dora.5.1.c': 'noonNextWorkingDay' });
});

test('trust service providers get the 24 h NIS2 notification', () => {
  const o = applicableObligations({ ...base, jurisdictions: ['EU'], sectors: ['essential-entity', 'trust-service'] }).find((x) => x.id === 'nis2.23.4.b');
  expect(o?.offset).toEqual({ amount: 24, unit: 'hours' });
});

test('EU zone override applies to GDPR and NIS2, not to DORA', () => {
  const obs = applicableObligations({ ...base, jurisdictions: ['EU'], sectors: ['financial', 'essential-entity'], euTimeZone: 'Europe/Helsinki' });
  const zones = new Set(obs.map((o) => `${o.regime}:${o.calendar.timeZone}`));
  expect(zones).toEqual(new Set(['gdpr:Europe/Helsinki', 'nis2:Europe/Helsinki', 'dora:Europe/Berlin']));
});

test('asOf drops obligations not yet in force (California SB 446 from 1 Jan 2026)', () => {
  expect(ids({ dataSubjectsRegions: ['US-CA'], asOf: '2025-12-31T23:00:00Z' })).toEqual([]);
  expect(ids({ dataSubjectsRegions: ['US-CA'], asOf: '2026-01-01T00:00:00Z' })).toHaveLength(2);
});

test('applicableRegimes explains each choice', () => {
  const r = applicableRegimes({ ...base, jurisdictions: ['EU'], dataSubjectsRegions: ['US-CA'] });
  expect(r.map((x) => x.regime)).toEqual(['gdpr', 'us-ca']);
  expect(r.every((x) => x.because.length > 0 && x.obligations.length > 0)).toBe(true);
});

test('findObligation', () => {
  expect(findObligation('nis2.23.4.d')?.anchor).toBe('submitted:nis2.23.4.b');
  expect(findObligation('nope')).toBeUndefined();
});
