/**
 * Classifications, anchors per regime and law-enforcement delays in the breach workflow's state,
 * without Temporal. Every expected instant is computed by hand from the legal text named in the
 * test (REGULATORY.md section in brackets); `at(local, zone)` only converts the hand-computed
 * local time to UTC.
 */
import { DateTime } from 'luxon';
import { profileFromShorthand, type EntityProfile } from '../../../src/regulatory/profile';
import { BreachState } from '../../../workflows/regulator-notification/breach-state';
import type { BreachNotificationInput, ClockView, DataClassification } from '../../../workflows/regulator-notification/types';

const at = (local: string, zone = 'UTC') => DateTime.fromISO(local, { zone }).toUTC().toISO() as string;
const dpo = { name: 'dana', roles: ['dpo'] };
const approver = { name: 'bob', roles: ['approver'] };
const NO_PD: DataClassification = {
  personalData: false,
  subjectRegions: [],
  subjectCategories: [],
  recordCategories: [],
  specialCategories: [],
  estimateBasis: 'tags',
};
const PD_EU: DataClassification = {
  ...NO_PD,
  personalData: true,
  subjectRegions: ['EU'],
  subjectCategories: ['customers'],
  approxSubjects: 900,
};

function state(detectedAt: string, profile: Partial<EntityProfile>, classification: DataClassification = NO_PD): BreachState {
  const base = profileFromShorthand(['EU'], []);
  const input: BreachNotificationInput = {
    incidentId: 'inc-123456789012-eu-west-1-i-0123456789abcdef0',
    resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
    detectedAt,
    alerts: [{ title: 'C2', severity: 'high' }],
    classification,
    settings: {
      jurisdictions: ['EU'],
      sectors: [],
      reminderFractions: [0.5],
      escalateAfterMinutes: 0,
      contacts: ['a'],
      displayZone: 'UTC',
      profile: { ...base, ...profile, roles: { ...base.roles, ...profile.roles } },
    },
  };
  return new BreachState(input, detectedAt);
}
const clock = (s: BreachState, now: string, id: string): ClockView | undefined => s.view(now).clocks.find((c) => c.obligationId === id);
const NIS2_ESSENTIAL: Partial<EntityProfile> = { nis2: { entityClass: 'essential', trustServiceProvider: false } };

describe('NIS2 Art. 23 at an essential entity with no personal data [§5]', () => {
  const T0 = at('2026-06-01T08:00:00Z');
  test('the NIS2 clocks wait for the significance classification; the breach is not complete while undecided', () => {
    const s = state(T0, NIS2_ESSENTIAL);
    const v = s.view(at('2026-06-01T09:00:00Z'));
    expect(v.clocks).toEqual([]);
    expect(v.awaiting.map((w) => w.obligationId)).toEqual(expect.arrayContaining(['nis2.23.4.a', 'nis2.23.4.b', 'nis2.23.1']));
    expect(s.complete(at('2026-06-01T09:00:00Z'))).toBe(false);
    expect(s.nextEventAt(at('2026-06-01T09:00:00Z'))).toBeUndefined();
  });

  test('NIS2 23(4)(a)/(b): classified significant, aware 1 June 10:00Z → early warning 2 June 10:00Z, notification 4 June 10:00Z', () => {
    const s = state(T0, NIS2_ESSENTIAL);
    const refused = s.refuseClassification(
      {
        kind: 'nis2-significant',
        outcome: 'yes',
        at: at('2026-06-01T12:00:00Z'),
        reason: 'x',
        operator: { name: 'al', roles: ['responder'] },
      },
      at('2026-06-01T13:00:00Z'),
    );
    expect(refused?.type).toBe('Forbidden');
    expect(
      s.refuseClassification(
        { kind: 'dora-major', outcome: 'yes', at: at('2026-06-01T12:00:00Z'), reason: 'x', operator: dpo },
        at('2026-06-01T13:00:00Z'),
      )?.type,
    ).toBe('Conflict');
    expect(
      s.refuseClassification(
        {
          kind: 'nis2-significant',
          outcome: 'yes',
          at: at('2026-06-01T12:00:00Z'),
          awareAt: at('2026-06-01T12:30:00Z'),
          reason: 'x',
          operator: approver,
        },
        at('2026-06-01T13:00:00Z'),
      )?.message,
    ).toMatch(/after the classification/);
    const ok = {
      kind: 'nis2-significant' as const,
      outcome: 'yes' as const,
      at: at('2026-06-01T12:00:00Z'),
      awareAt: at('2026-06-01T10:00:00Z'),
      reason: 'severe operational disruption: payments down',
      operator: approver,
    };
    expect(s.refuseClassification(ok, at('2026-06-01T13:00:00Z'))).toBeUndefined();
    const r = s.recordClassification(ok, at('2026-06-01T13:00:00Z'));
    expect(r.started).toEqual(expect.arrayContaining(['nis2.23.4.a', 'nis2.23.4.b', 'nis2.23.1']));
    expect(clock(s, at('2026-06-01T13:00:00Z'), 'nis2.23.4.a')).toMatchObject({
      state: 'open',
      dueAt: at('2026-06-02T10:00:00Z'),
      conservative: false,
    });
    expect(clock(s, at('2026-06-01T13:00:00Z'), 'nis2.23.4.b')).toMatchObject({
      dueAt: at('2026-06-04T10:00:00Z'),
      openQuestions: [expect.stringMatching(/becomes aware of the significant incident/)],
    });
    expect(s.refuseClassification(ok, at('2026-06-01T13:00:00Z'))).toMatchObject({
      type: 'Conflict',
      message: expect.stringMatching(/already classified/),
    });
  });

  test('without an awareness instant the clock runs from the first alert and says so', () => {
    const s = state(T0, NIS2_ESSENTIAL);
    s.recordClassification(
      { kind: 'nis2-significant', outcome: 'yes', at: at('2026-06-01T12:00:00Z'), reason: 'significant', operator: approver },
      at('2026-06-01T13:00:00Z'),
    );
    expect(clock(s, at('2026-06-01T13:00:00Z'), 'nis2.23.4.a')).toMatchObject({
      dueAt: at('2026-06-02T08:00:00Z'),
      conservative: true,
      anchorNotes: [expect.stringMatching(/first alert/)],
    });
  });

  test('classified not significant: every NIS2 obligation is not required with the reasoning, and the breach completes', () => {
    const s = state(T0, NIS2_ESSENTIAL);
    const r = s.recordClassification(
      {
        kind: 'nis2-significant',
        outcome: 'no',
        at: at('2026-06-01T12:00:00Z'),
        reason: 'no service impact, contained in minutes',
        operator: approver,
      },
      at('2026-06-01T13:00:00Z'),
    );
    expect(r.notRequired).toEqual(expect.arrayContaining(['nis2.23.4.a', 'nis2.23.4.b', 'nis2.23.4.d']));
    expect(s.view(at('2026-06-01T13:00:00Z')).awaiting).toEqual([]);
    expect(s.complete(at('2026-06-01T13:00:00Z'))).toBe(true);
  });

  test('NIS2 23(4)(e): a progress report stands in for the final report; the final is due one month after handling', () => {
    const s = state(T0, NIS2_ESSENTIAL);
    s.recordClassification(
      { kind: 'nis2-significant', outcome: 'yes', at: at('2026-06-01T12:00:00Z'), awareAt: T0, reason: 'significant', operator: approver },
      at('2026-06-01T13:00:00Z'),
    );
    s.recordSubmission(
      {
        obligationId: 'nis2.23.4.b',
        phase: 'initial',
        reference: 'CSIRT-1',
        submittedAt: at('2026-06-03T09:00', 'Europe/Brussels'),
        operator: dpo,
      },
      at('2026-06-03T08:00:00Z'),
    );
    // 23(4)(d): one calendar month after the submission, ending in the CSIRT's zone (Brussels by default).
    expect(clock(s, at('2026-06-03T08:00:00Z'), 'nis2.23.4.d')).toMatchObject({ dueAt: at('2026-07-03T23:59:59.999', 'Europe/Brussels') });
    expect(
      s.refuseSubmission(
        { obligationId: 'nis2.23.4.b', phase: 'progress', reference: 'x', submittedAt: at('2026-06-03T08:00:00Z'), operator: dpo },
        at('2026-06-03T08:00:00Z'),
      )?.type,
    ).toBe('InvalidRequest');
    s.recordSubmission(
      { obligationId: 'nis2.23.4.d', phase: 'progress', reference: 'CSIRT-2', submittedAt: at('2026-07-02T10:00:00Z'), operator: dpo },
      at('2026-07-02T10:00:00Z'),
    );
    expect(clock(s, at('2026-07-02T10:00:00Z'), 'nis2.23.4.d')).toMatchObject({ state: 'met', resolved: true });
    expect(s.view(at('2026-07-02T10:00:00Z')).awaiting.find((w) => w.obligationId === 'nis2.23.4.e')?.missing).toEqual(['handled']);
    s.recordAnchor(
      { anchor: 'handled', at: at('2026-07-20T15:00', 'Europe/Brussels'), reason: 'incident closed', operator: approver },
      at('2026-07-21T00:00:00Z'),
    );
    expect(clock(s, at('2026-07-21T00:00:00Z'), 'nis2.23.4.e')).toMatchObject({
      state: 'open',
      dueAt: at('2026-08-20T23:59:59.999', 'Europe/Brussels'),
    });
  });
});

test("NIS2 Art. 23(4)(d): the month ends at midnight in the CSIRT's zone (Helsinki), not Brussels [§5, §17.2]", () => {
  const s = state(at('2026-01-28T08:00:00Z'), {
    ...NIS2_ESSENTIAL,
    authorities: [{ regime: 'nis2', name: 'NCSC-FI', memberState: 'FI', timeZone: 'Europe/Helsinki' }],
  });
  s.recordClassification(
    {
      kind: 'nis2-significant',
      outcome: 'yes',
      at: at('2026-01-28T09:00:00Z'),
      awareAt: at('2026-01-28T08:00:00Z'),
      reason: 'significant',
      operator: approver,
    },
    at('2026-01-28T09:00:00Z'),
  );
  s.recordSubmission(
    {
      obligationId: 'nis2.23.4.b',
      phase: 'initial',
      reference: 'FI-1',
      submittedAt: at('2026-01-31T11:00', 'Europe/Helsinki'),
      operator: dpo,
    },
    at('2026-01-31T10:00:00Z'),
  );
  // 31 January + 1 month → 28 February (clamped), end of that day in Helsinki = 21:59:59.999Z.
  expect(clock(s, at('2026-02-01T00:00:00Z'), 'nis2.23.4.d')?.dueAt).toBe('2026-02-28T21:59:59.999Z');
});

describe('detection ≠ awareness: each regime reads its own anchor (issue item 2)', () => {
  const detected = at('2026-06-01T08:00:00Z');
  const s = state(
    detected,
    {
      jurisdictions: ['EU', 'US'],
      roles: { ...profileFromShorthand(['EU'], []).roles, hipaa: 'covered-entity' },
      hipaaTimeZone: 'America/New_York',
      nis2: { entityClass: 'essential', trustServiceProvider: false },
      dora: { entityType: 'investment-firm', reliefWithdrawn: false },
    },
    { ...PD_EU, subjectRegions: ['EU', 'US'] },
  );
  s.setAwareness(
    { awareAt: at('2026-06-03T08:00:00Z'), reason: 'forensics confirmed customer rows were read', operator: dpo },
    at('2026-06-03T09:00:00Z'),
  );
  s.recordClassification(
    {
      kind: 'nis2-significant',
      outcome: 'yes',
      at: at('2026-06-01T11:00:00Z'),
      awareAt: at('2026-06-01T10:00:00Z'),
      reason: 'significant',
      operator: approver,
    },
    at('2026-06-03T09:00:00Z'),
  );
  s.recordClassification(
    { kind: 'dora-major', outcome: 'yes', at: at('2026-06-01T20:00:00Z'), reason: 'major per RTS 2024/1772', operator: approver },
    at('2026-06-03T09:00:00Z'),
  );
  const now = at('2026-06-03T09:00:00Z');
  test('GDPR 33(1): 72 h from the recorded awareness (3 June) → 6 June 08:00Z', () => {
    expect(clock(s, now, 'gdpr.33.1')).toMatchObject({ dueAt: at('2026-06-06T08:00:00Z'), conservative: false });
  });
  test('NIS2 23(4)(a): 24 h from awareness of the significant incident (1 June 10:00Z) → 2 June 10:00Z, not 4 June', () => {
    expect(clock(s, now, 'nis2.23.4.a')).toMatchObject({ dueAt: at('2026-06-02T10:00:00Z'), state: 'overdue' });
  });
  test('DORA RTS 5(1)(a): min(classification + 4 h, detection + 24 h) → 2 June 00:00Z, flagged: DORA awareness defaults to detection', () => {
    expect(clock(s, now, 'dora.5.1.a')).toMatchObject({
      dueAt: at('2026-06-02T00:00:00Z'),
      conservative: true,
      anchorNotes: [expect.stringMatching(/ICT-related incident not recorded/)],
    });
    // classification + 4 h (00:00Z) beats detection + 24 h (08:00Z); the governing term is the recorded classification.
  });
  test('HIPAA 164.404: 60 days from discovery, which defaults to detection (1 June) and says so → 31 July end of day ET', () => {
    expect(clock(s, now, 'hipaa.164.404')).toMatchObject({
      dueAt: at('2026-07-31T23:59:59.999', 'America/New_York'),
      conservative: true,
      anchorNotes: [expect.stringMatching(/discovery not recorded/)],
    });
  });
});

test('RTS 2025/301 Art. 5(5): a credit institution classified major on a Friday evening owes the initial notification on Saturday, an investment firm on Monday noon', () => {
  const detected = at('2026-03-06T01:00:00Z'); // Friday
  const classify = (s: BreachState) =>
    s.recordClassification(
      { kind: 'dora-major', outcome: 'yes', at: at('2026-03-06T21:00:00Z'), reason: 'major', operator: approver },
      at('2026-03-06T22:00:00Z'),
    );
  const bank = state(detected, { dora: { entityType: 'credit-institution', reliefWithdrawn: false } });
  const firm = state(detected, { dora: { entityType: 'investment-firm', reliefWithdrawn: false } });
  classify(bank);
  classify(firm);
  // min(21:00Z + 4 h, 01:00Z + 24 h) = Saturday 7 March 01:00Z for both; relief moves the firm's to Monday 9 March 12:00 Berlin (11:00Z).
  expect(clock(bank, at('2026-03-06T22:00:00Z'), 'dora.5.1.a')?.dueAt).toBe(at('2026-03-07T01:00:00Z'));
  expect(clock(firm, at('2026-03-06T22:00:00Z'), 'dora.5.1.a')?.dueAt).toBe(at('2026-03-09T12:00', 'Europe/Berlin'));
});

test("RTS 2025/301 Art. 5(4): relief on the competent authority's Member State calendar — 8 May is a holiday in France, not in Germany", () => {
  const run = (authority: EntityProfile['authorities']) => {
    const s = state(at('2026-05-05T06:00:00Z'), {
      dora: { entityType: 'investment-firm', reliefWithdrawn: false },
      authorities: authority,
    });
    s.recordClassification(
      { kind: 'dora-major', outcome: 'yes', at: at('2026-05-05T07:00:00Z'), reason: 'major', operator: approver },
      at('2026-05-05T08:00:00Z'),
    );
    s.recordSubmission(
      {
        obligationId: 'dora.5.1.a',
        phase: 'initial',
        reference: 'A-1',
        submittedAt: at('2026-05-05T10:00', 'Europe/Paris'),
        operator: dpo,
      },
      at('2026-05-05T09:00:00Z'),
    );
    return clock(s, at('2026-05-05T09:00:00Z'), 'dora.5.1.b')?.dueAt;
  };
  // Intermediate: 72 h after Tue 5 May 10:00 → Fri 8 May 10:00 Paris. AMF (FR): Victoire 1945 → Mon 11 May 12:00 Paris.
  expect(run([{ regime: 'dora', name: 'AMF', memberState: 'FR', timeZone: 'Europe/Paris' }])).toBe(at('2026-05-11T12:00', 'Europe/Paris'));
  expect(run([{ regime: 'dora', name: 'BaFin', memberState: 'DE', timeZone: 'Europe/Berlin' }])).toBe(
    at('2026-05-08T10:00', 'Europe/Paris'),
  );
});

test('RTS 2025/301 Art. 5(1)(c): the final report runs from the latest updated intermediate report', () => {
  const s = state(at('2026-03-02T08:00:00Z'), { dora: { entityType: 'investment-firm', reliefWithdrawn: false } });
  s.recordClassification(
    { kind: 'dora-major', outcome: 'yes', at: at('2026-03-02T09:00:00Z'), reason: 'major', operator: approver },
    at('2026-03-02T09:00:00Z'),
  );
  s.recordSubmission(
    { obligationId: 'dora.5.1.a', phase: 'initial', reference: 'I', submittedAt: at('2026-03-02T10:00:00Z'), operator: dpo },
    at('2026-03-02T10:00:00Z'),
  );
  s.recordSubmission(
    { obligationId: 'dora.5.1.b', phase: 'initial', reference: 'M1', submittedAt: at('2026-03-10T10:00', 'Europe/Berlin'), operator: dpo },
    at('2026-03-10T10:00:00Z'),
  );
  // From the intermediate report alone: 10 April (Friday), end of day Berlin.
  expect(clock(s, at('2026-03-11T00:00:00Z'), 'dora.5.1.c')?.dueAt).toBe(at('2026-04-10T23:59:59.999', 'Europe/Berlin'));
  s.recordAnchor(
    { anchor: 'recovery', at: at('2026-04-14T08:00:00Z'), reason: 'services restored', operator: approver },
    at('2026-04-14T09:00:00Z'),
  );
  s.recordSubmission(
    {
      obligationId: 'dora.5.1.b-upd',
      phase: 'initial',
      reference: 'M2',
      submittedAt: at('2026-04-15T10:00', 'Europe/Berlin'),
      operator: dpo,
    },
    at('2026-04-15T09:00:00Z'),
  );
  // Latest updated intermediate report 15 April → 15 May (Friday), end of day Berlin.
  expect(clock(s, at('2026-04-15T09:00:00Z'), 'dora.5.1.c')?.dueAt).toBe(at('2026-05-15T23:59:59.999', 'Europe/Berlin'));
});

describe('45 CFR 164.412: a law-enforcement delay pauses the HIPAA clock and it resumes [§7]', () => {
  const NY = 'America/New_York';
  const hipaa = () => {
    const s = state(
      at('2026-03-01T10:00', NY),
      { jurisdictions: ['US'], roles: { ...profileFromShorthand([], []).roles, hipaa: 'covered-entity' }, hipaaTimeZone: NY },
      { ...PD_EU, subjectRegions: ['US'], approxSubjects: 400 },
    );
    s.recordAnchor(
      { anchor: 'discovery', at: at('2026-03-01T10:00', NY), reason: 'privacy officer informed', operator: approver },
      at('2026-03-01T11:00', NY),
    );
    return s;
  };
  const delay = {
    obligationIds: ['hipaa.164.404'],
    basis: 'oral' as const,
    agency: 'FBI Field Office NY',
    official: 'SA J. Doe',
    from: at('2026-03-11T10:00', NY),
    until: at('2026-04-10T10:00', NY),
    reason: 'notice would impede the investigation',
    operator: dpo,
  };
  test('refusals: role, a notice the law gives no delay for, an oral delay beyond 30 days', () => {
    const s = hipaa();
    const now = at('2026-03-11T11:00', NY);
    expect(s.refuseStartDelay({ ...delay, operator: approver }, now)?.type).toBe('Forbidden');
    expect(s.refuseStartDelay({ ...delay, obligationIds: ['gdpr.33.1'] }, now)?.type).toBe('Conflict');
    expect(s.refuseStartDelay({ ...delay, until: at('2026-04-10T10:01', NY) }, now)?.message).toMatch(/at most 30 days/);
    expect(s.refuseStartDelay({ ...delay, official: ' ' }, now)?.type).toBe('InvalidRequest');
    expect(s.refuseStartDelay(delay, now)).toBeUndefined();
  });
  test('paused from 11 March, lifted 21 March: the due instant moves by 10 days, 30 April → 10 May end of day ET', () => {
    const s = hipaa();
    expect(clock(s, at('2026-03-05T00:00', NY), 'hipaa.164.404')).toMatchObject({
      state: 'open',
      dueAt: at('2026-04-30T23:59:59.999', NY),
    });
    const { delayId } = s.startDelay(delay, at('2026-03-11T11:00', NY));
    const paused = clock(s, at('2026-03-15T00:00', NY), 'hipaa.164.404');
    expect(paused).toMatchObject({ state: 'paused', dueAt: at('2026-05-30T23:59:59.999', NY), delays: [{ id: delayId, active: true }] }); // the full time box, provisionally
    expect(s.takeDueEvents(at('2026-04-01T00:00', NY), 'wf').filter((e) => e.obligationId === 'hipaa.164.404')).toEqual([]); // nothing paged while paused
    expect(s.nextEventAt(at('2026-03-15T00:00', NY))).toBe(delay.until);
    expect(
      s.refuseEndDelay({ delayId, at: at('2026-03-21T10:00', NY), reason: 'agency lifted it', operator: dpo }, at('2026-03-21T11:00', NY)),
    ).toBeUndefined();
    s.endDelay({ delayId, at: at('2026-03-21T10:00', NY), reason: 'agency lifted it', operator: dpo });
    expect(clock(s, at('2026-03-22T00:00', NY), 'hipaa.164.404')).toMatchObject({
      state: 'open',
      dueAt: at('2026-05-10T23:59:59.999', NY),
      pausedMs: 10 * 86_400_000,
    });
    expect(
      s.refuseEndDelay({ delayId, at: at('2026-03-22T10:00', NY), reason: 'again', operator: dpo }, at('2026-03-22T11:00', NY))?.type,
    ).toBe('Conflict');
  });
});

test("45 CFR 164.404: HIPAA periods end in the covered entity's zone — discovery late on 15 March in Los Angeles → 14 May PT, earlier than New York's 15 May", () => {
  const make = (zone: string) =>
    state(
      at('2026-03-15T22:00', 'America/Los_Angeles'),
      { jurisdictions: ['US'], roles: { ...profileFromShorthand([], []).roles, hipaa: 'covered-entity' }, hipaaTimeZone: zone },
      { ...PD_EU, subjectRegions: ['US'] },
    );
  expect(clock(make('America/Los_Angeles'), at('2026-03-16T12:00:00Z'), 'hipaa.164.404')?.dueAt).toBe(
    at('2026-05-14T23:59:59.999', 'America/Los_Angeles'),
  );
  expect(clock(make('America/New_York'), at('2026-03-16T12:00:00Z'), 'hipaa.164.404')?.dueAt).toBe(
    at('2026-05-15T23:59:59.999', 'America/New_York'),
  );
});

test("GDPR 33(2): a processor gets the processor's qualitative duty to its controller, never the controller's 72 h clock", () => {
  const s = state(at('2026-06-01T08:00:00Z'), { roles: { ...profileFromShorthand(['EU'], []).roles, gdpr: 'processor' } }, PD_EU);
  const v = s.view(at('2026-06-01T10:00:00Z'));
  expect(v.clocks.map((c) => c.obligationId)).toEqual(['gdpr.33.2']);
  expect(v.clocks[0]).toMatchObject({ state: 'elapsed', recipient: 'controller', standard: 'qualitative' });
});

test('23 NYCRR 500.17: the 72 h notice runs from the determination; an extortion payment starts 24 h and 30-day clocks [§9]', () => {
  const NY = 'America/New_York';
  const s = state(at('2026-11-20T09:00', NY), { jurisdictions: ['US-NY'], nydfsCoveredEntity: true });
  expect(s.view(at('2026-11-20T10:00', NY)).awaiting.map((w) => w.obligationId)).toEqual([
    'us-ny.nydfs.500.17',
    'us-ny.nydfs.500.17.c.notice',
    'us-ny.nydfs.500.17.c.justification',
  ]);
  expect(
    s.refuseClassification(
      { kind: 'nydfs-cybersecurity-incident', outcome: 'yes', at: at('2026-11-20T16:00', NY), reason: 'ransomware', operator: approver },
      at('2026-11-20T17:00', NY),
    )?.type,
  ).toBe('Forbidden');
  s.recordClassification(
    { kind: 'nydfs-cybersecurity-incident', outcome: 'yes', at: at('2026-11-20T16:00', NY), reason: 'ransomware deployed', operator: dpo },
    at('2026-11-20T17:00', NY),
  );
  expect(clock(s, at('2026-11-20T17:00', NY), 'us-ny.nydfs.500.17')?.dueAt).toBe(at('2026-11-23T16:00', NY));
  s.recordAnchor(
    { anchor: 'extortionPayment', at: at('2026-11-24T13:00', NY), reason: 'ransom paid after board approval', operator: approver },
    at('2026-11-24T14:00', NY),
  );
  expect(clock(s, at('2026-11-24T14:00', NY), 'us-ny.nydfs.500.17.c.notice')?.dueAt).toBe(at('2026-11-25T13:00', NY));
  expect(clock(s, at('2026-11-24T14:00', NY), 'us-ny.nydfs.500.17.c.justification')?.dueAt).toBe(at('2026-12-24T23:59:59.999', NY));
});

test('Form 8-K Item 1.05: the materiality determination starts the 8-K clock and fulfils the duty to determine; 1.05(c) delay moves it 30 days', () => {
  const NY = 'America/New_York';
  const s = state(at('2026-11-02T09:00', NY), { secRegistrant: true, jurisdictions: ['US'] });
  expect(clock(s, at('2026-11-02T10:00', NY), 'sec.materiality')).toMatchObject({ state: 'elapsed', resolved: false, conservative: true });
  s.recordClassification(
    { kind: 'sec-material', outcome: 'yes', at: at('2026-11-05T15:00', NY), reason: 'disclosure committee minute 12', operator: dpo },
    at('2026-11-05T16:00', NY),
  );
  expect(clock(s, at('2026-11-05T16:00', NY), 'sec.materiality')?.resolved).toBe(true);
  // Thu 5 Nov → Fri 6, Mon 9, Tue 10, Thu 12 (Wed 11 Nov is Veterans Day) at 17:30 ET.
  expect(clock(s, at('2026-11-05T16:00', NY), 'sec.8k.1.05')?.dueAt).toBe(at('2026-11-12T17:30', NY));
  s.startDelay(
    {
      obligationIds: ['sec.8k.1.05'],
      basis: 'written',
      agency: 'US Department of Justice',
      official: 'Deputy AG',
      from: at('2026-11-06T09:00', NY),
      until: at('2026-12-06T09:00', NY),
      reason: 'substantial risk to national security',
      operator: dpo,
    },
    at('2026-11-06T10:00', NY),
  );
  expect(clock(s, at('2026-12-07T00:00', NY), 'sec.8k.1.05')).toMatchObject({ state: 'open', dueAt: at('2026-12-12T17:30', NY) });
});

test('a breach workflow started before anchors per regime keeps its old rules on replay (legacy-rules.ts; replayed in test/replay)', () => {
  const T0 = at('2026-06-01T08:00:00Z');
  const input: BreachNotificationInput = {
    incidentId: 'inc-123456789012-eu-west-1-i-0123456789abcdef0',
    resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
    detectedAt: T0,
    alerts: [{ title: 'C2', severity: 'high' }],
    classification: PD_EU,
    settings: {
      jurisdictions: ['EU'],
      sectors: ['financial', 'essential-entity'],
      reminderFractions: [0.5],
      escalateAfterMinutes: 0,
      contacts: ['a'],
      displayZone: 'Europe/Berlin',
    },
  };
  const legacy = new BreachState(input, T0, 1);
  expect(legacy.record().rules).toBeUndefined();
  // NIS2 ran from the one awareness (here the first alert) without a classification; DORA's final from the first intermediate report.
  expect(clock(legacy, at('2026-06-01T09:00:00Z'), 'nis2.23.4.a')).toMatchObject({ state: 'open', dueAt: at('2026-06-02T08:00:00Z') });
  expect(legacy.record().obligations.find((o) => o.id === 'dora.5.1.c')?.anchor).toBe('submitted:dora.5.1.b');
  const current = new BreachState(input, T0);
  expect(current.record().rules).toBe(2);
  expect(clock(current, at('2026-06-01T09:00:00Z'), 'nis2.23.4.a')).toBeUndefined();
});
