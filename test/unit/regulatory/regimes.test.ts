import { DateTime } from 'luxon';
import {
  allRegimes,
  auAssessment,
  auIndividuals,
  auOaic,
  brAnpd,
  brazilObligations,
  brSupplement,
  caAttorneyGeneral,
  caIndividuals,
  computeDue,
  computeDueDetail,
  doraFinal,
  doraInitial,
  doraIntermediate,
  doraObligations,
  gdprArt33,
  gdprArt33Phased,
  gdprArt34,
  gdprAwareness,
  hipaaHhsAnnual,
  hipaaIndividuals,
  nis2EarlyWarning,
  nis2Final,
  nis2Notification,
  nis2Obligations,
  nydfs,
  nyIndividuals,
  sec8k,
  sgIndividuals,
  sgPdpc,
  txAttorneyGeneral,
  txIndividuals,
  ukArt33,
  validateObligation,
  type AnchorInstants,
  type Obligation,
} from '../../../src/regulatory';

const at = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toUTC().toISO() as string;

// At least one deadline vector per regime: obligation, anchors, expected due (local) in zone.
test.each([
  [
    'GDPR 33(1): 72 h from awareness',
    gdprArt33,
    { awareness: at('2026-06-05T09:00', 'Europe/Brussels') },
    '2026-06-08T09:00',
    'Europe/Brussels',
  ],
  ['UK GDPR 33(1): 72 h, ICO', ukArt33, { awareness: at('2026-06-05T09:00', 'Europe/London') }, '2026-06-08T09:00', 'Europe/London'],
  [
    'NIS2 23(4)(a): early warning 24 h from awareness of the significant incident',
    nis2EarlyWarning,
    { nis2Awareness: at('2026-06-05T09:00', 'Europe/Brussels') },
    '2026-06-06T09:00',
    'Europe/Brussels',
  ],
  [
    'NIS2 23(4)(b): notification 72 h',
    nis2Notification,
    { nis2Awareness: at('2026-06-05T09:00', 'Europe/Brussels') },
    '2026-06-08T09:00',
    'Europe/Brussels',
  ],
  [
    'DORA intermediate: 72 h from initial submission (Sat → Mon 12:00 relief)',
    doraIntermediate,
    { submitted: { 'dora.5.1.a': at('2026-03-04T10:00', 'Europe/Berlin') } },
    '2026-03-09T12:00',
    'Europe/Berlin',
  ],
  [
    'DORA RTS 2025/301 5(1)(c): final 1 month from the intermediate report',
    doraFinal,
    { submitted: { 'dora.5.1.b': at('2026-05-19T10:00', 'Europe/Berlin') } },
    '2026-06-19T23:59:59.999',
    'Europe/Berlin',
  ],
  [
    'HIPAA 164.404: 60 calendar days from discovery',
    hipaaIndividuals,
    { discovery: at('2026-03-01T10:00', 'America/New_York') },
    '2026-04-30T23:59:59.999',
    'America/New_York',
  ],
  [
    'HIPAA 164.408(c): <500 log → 1 March after the year',
    hipaaHhsAnnual,
    { discovery: at('2026-06-01T10:00', 'America/New_York') },
    '2027-03-01T23:59:59.999',
    'America/New_York',
  ],
  [
    'HIPAA 164.408(c): leap year → 29 February',
    hipaaHhsAnnual,
    { discovery: at('2027-12-31T10:00', 'America/New_York') },
    '2028-02-29T23:59:59.999',
    'America/New_York',
  ],
  [
    'SEC 8-K 1.05: 4 business days, 17:30 ET',
    sec8k,
    { materiality: at('2026-11-25T16:00', 'America/New_York') },
    '2026-12-02T17:30',
    'America/New_York',
  ],
  [
    'California: individuals 30 days from discovery',
    caIndividuals,
    { discovery: at('2026-02-10T10:00', 'America/Los_Angeles') },
    '2026-03-12T23:59:59.999',
    'America/Los_Angeles',
  ],
  [
    'California: AG 15 days after the individual notice',
    caAttorneyGeneral,
    { submitted: { [caIndividuals.id]: at('2026-03-01T10:00', 'America/Los_Angeles') } },
    '2026-03-16T23:59:59.999',
    'America/Los_Angeles',
  ],
  [
    'Texas: individuals 60th day after determination',
    txIndividuals,
    { determination: at('2026-01-05T10:00', 'America/Chicago') },
    '2026-03-06T23:59:59.999',
    'America/Chicago',
  ],
  [
    'Texas: AG 30 days after determination',
    txAttorneyGeneral,
    { determination: at('2026-01-05T10:00', 'America/Chicago') },
    '2026-02-04T23:59:59.999',
    'America/Chicago',
  ],
  [
    'New York: individuals 30 days from discovery',
    nyIndividuals,
    { discovery: at('2026-01-31T10:00', 'America/New_York') },
    '2026-03-02T23:59:59.999',
    'America/New_York',
  ],
  [
    'NY DFS 500.17(a): 72 h from the determination',
    nydfs,
    { nydfsDetermination: at('2026-11-27T16:00', 'America/New_York') },
    '2026-11-30T16:00',
    'America/New_York',
  ],
  [
    'Singapore 26D(1): 3 days after the assessment day',
    sgPdpc,
    { assessment: at('2026-05-01T09:00', 'Asia/Singapore') },
    '2026-05-04T23:59:59.999',
    'Asia/Singapore',
  ],
  [
    'Brazil: ANPD 3 business days',
    brAnpd,
    { awareness: at('2026-11-19T10:00', 'America/Sao_Paulo') },
    '2026-11-25T23:59:59.999',
    'America/Sao_Paulo',
  ],
  [
    'Brazil: supplement 20 business days from the ANPD communication',
    brSupplement,
    { submitted: { [brAnpd.id]: at('2026-12-01T10:00', 'America/Sao_Paulo') } },
    '2026-12-30T23:59:59.999',
    'America/Sao_Paulo',
  ],
  [
    'Australia 26WH: 30-day assessment',
    auAssessment,
    { suspicion: at('2026-01-15T10:00', 'Australia/Sydney') },
    '2026-02-14T23:59:59.999',
    'Australia/Sydney',
  ],
] as [string, Obligation, AnchorInstants, string, string][])('%s', (_n, o, anchors, dueLocal, zone) => {
  expect(computeDue(o, anchors)).toBe(at(dueLocal, zone));
});

describe('NIS2 final report (chained anchor)', () => {
  const aware = at('2026-01-28T15:00', 'Europe/Brussels');
  test('has no due instant until the 72 h notification is submitted', () => {
    expect(computeDueDetail(nis2Final, { awareness: aware })).toEqual({ status: 'pending', missing: ['submitted:nis2.23.4.b'] });
  });
  test('runs one calendar month from the submission, not from awareness, clamped to month end', () => {
    const anchors = { awareness: aware, submitted: { 'nis2.23.4.b': at('2026-01-31T11:00', 'Europe/Brussels') } };
    expect(computeDue(nis2Final, anchors)).toBe(at('2026-02-28T23:59:59.999', 'Europe/Brussels'));
    expect(computeDue(nis2Final, anchors)).not.toBe(at('2026-02-27T23:59:59.999', 'Europe/Brussels')); // not awareness + 30 days
  });
  test('trust service providers get the 24 h notification under the same id', () => {
    const tsp = nis2Obligations(true).find((o) => o.id === 'nis2.23.4.b');
    expect(tsp?.offset).toEqual({ amount: 24, unit: 'hours' });
    expect(nis2Obligations(false).find((o) => o.id === 'nis2.23.4.b')?.offset).toEqual({ amount: 72, unit: 'hours' });
  });
});

describe('DORA initial notification = min(classification + 4 h, awareness + 24 h)', () => {
  const z = 'Europe/Berlin';
  const noRelief = doraObligations({ entityType: 'credit-institution' }).find((o) => o.id === doraInitial.id) as Obligation;
  test.each([
    ['classification early: classification + 4 h wins', '2026-03-03T09:00', '2026-03-03T11:00', '2026-03-03T15:00'],
    ['classification late in the window: awareness + 24 h wins', '2026-03-03T09:00', '2026-03-04T07:00', '2026-03-04T09:00'],
    ['classification after the 24 h window: classification + 4 h (Art. 5(2))', '2026-03-03T09:00', '2026-03-05T10:00', '2026-03-05T14:00'],
    ['classification exactly at the cap: classification + 4 h', '2026-03-03T09:00', '2026-03-04T09:00', '2026-03-04T13:00'],
  ])('%s', (_n, aware, classified, dueLocal) => {
    expect(computeDue(noRelief, { doraAwareness: at(aware, z), classification: at(classified, z) })).toBe(at(dueLocal, z));
  });
  test('needs both anchors: classification creates the duty, awareness caps it', () => {
    expect(computeDueDetail(doraInitial, { doraAwareness: at('2026-03-03T09:00', z) })).toEqual({
      status: 'pending',
      missing: ['classification'],
    });
    expect(computeDueDetail(doraInitial, { classification: at('2026-03-03T09:00', z) })).toEqual({
      status: 'pending',
      missing: ['doraAwareness'],
    });
    // GDPR's awareness is not DORA's: it does not cap the DORA initial notification.
    expect(computeDueDetail(doraInitial, { awareness: at('2026-03-03T09:00', z), classification: at('2026-03-03T10:00', z) })).toEqual({
      status: 'pending',
      missing: ['doraAwareness'],
    });
  });
  test('weekend relief for other entities, none for credit institutions (Art. 5(4)–(5))', () => {
    const anchors = { doraAwareness: at('2026-03-06T10:00', z), classification: at('2026-03-07T08:00', z) };
    expect(computeDue(doraInitial, anchors)).toBe(at('2026-03-09T12:00', z));
    expect(computeDue(noRelief, anchors)).toBe(at('2026-03-07T10:00', z));
  });
  test('the final report keeps the relief for every entity type', () => {
    const final = doraObligations({ entityType: 'credit-institution' }).find((o) => o.id === doraFinal.id) as Obligation;
    expect(final.calendar.weekendRelief).toBe('noonNextWorkingDay');
    expect(computeDue(final, { submitted: { 'dora.5.1.b': at('2026-02-07T10:00', z) } })).toBe(at('2026-03-09T12:00', z));
  });
  test('the authority calendar can be switched', () => {
    const o = doraObligations({ entityType: 'investment-firm', timeZone: 'America/Sao_Paulo', holidays: 'br-national' }).find(
      (x) => x.id === doraIntermediate.id,
    ) as Obligation;
    expect(o.calendar).toEqual({ timeZone: 'America/Sao_Paulo', holidays: 'br-national', weekendRelief: 'noonNextWorkingDay' });
  });
});

test.each([
  ['GDPR Art. 34', gdprArt34, { awareness: '2026-06-05T07:00:00Z' }],
  ['GDPR Art. 33(4) phased', gdprArt33Phased, { submitted: { 'gdpr.33.1': '2026-06-05T07:00:00Z' } }],
  ['Singapore individuals', sgIndividuals, { submitted: { 'sg.26D.1': '2026-06-05T07:00:00Z' } }],
  ['Australia OAIC statement', auOaic, { belief: '2026-06-05T07:00:00Z' }],
  ['Australia individuals', auIndividuals, { submitted: { 'au.26WK': '2026-06-05T07:00:00Z' } }],
] as [string, Obligation, AnchorInstants][])('qualitative standard never yields a due date: %s', (_n, o, anchors) => {
  expect(o.standard).toBe('qualitative');
  expect(computeDue(o, anchors)).toBeNull();
  expect(computeDueDetail(o, anchors)).toMatchObject({ status: 'qualitative', startedAt: '2026-06-05T07:00:00.000Z', phrase: o.phrase });
});

test('Brazil small processing agents get doubled ANPD/subject periods, not a doubled supplement', () => {
  const small = brazilObligations(true);
  expect(small.find((o) => o.id === 'br.res15.anpd')?.offset).toEqual({ amount: 6, unit: 'businessDays' });
  expect(small.find((o) => o.id === 'br.res15.subjects')?.offset).toEqual({ amount: 6, unit: 'businessDays' });
  expect(small.find((o) => o.id === 'br.res15.supplement')?.offset).toEqual({ amount: 20, unit: 'businessDays' });
});

test.each([
  [
    'recorded awareness wins',
    { awareAt: 'A', processorNoticeAt: 'P', detectedAt: 'D' },
    { at: 'A', basis: 'recorded', conservative: false },
  ],
  [
    'processor notice is the default (§1.2)',
    { processorNoticeAt: 'P', detectedAt: 'D' },
    { at: 'P', basis: 'processor-notice', conservative: false },
  ],
  ['else the first alert, flagged conservative', { detectedAt: 'D' }, { at: 'D', basis: 'first-alert', conservative: true }],
] as const)('gdprAwareness: %s', (_n, facts, expected) => {
  expect(gdprAwareness(facts)).toEqual(expected);
});

describe('registry data', () => {
  const obligations = allRegimes.flatMap((r) => r.obligations);
  test.each(obligations.map((o) => [o.id, o] as const))('%s satisfies the type invariants', (_id, o) => {
    expect(validateObligation(o)).toEqual([]);
  });
  test('obligation ids are unique and each regime has a fixed or qualitative obligation', () => {
    expect(new Set(obligations.map((o) => o.id)).size).toBe(obligations.length);
    for (const r of allRegimes) expect(r.obligations.every((o) => o.regime === r.id)).toBe(true);
  });
  test('chained anchors point at obligations that exist', () => {
    const ids = new Set(obligations.map((o) => o.id));
    const chained = obligations.flatMap((o) =>
      typeof o.anchor === 'string' && o.anchor.startsWith('submitted:') ? [o.anchor.slice(10)] : [],
    );
    expect(chained.length).toBeGreaterThan(5);
    for (const id of chained) expect(ids.has(id)).toBe(true);
  });
  test('validateObligation catches a qualitative obligation with an offset and business days without holidays', () => {
    expect(validateObligation({ ...gdprArt34, offset: { amount: 1, unit: 'hours' } })).toContain(
      'qualitative obligations have no offset and a single anchor',
    );
    expect(validateObligation({ ...brAnpd, calendar: { timeZone: 'UTC' } })).toContain('business days need a holiday calendar');
  });
});
