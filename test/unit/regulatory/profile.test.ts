/**
 * The entity profile: the file's zod schema (paths of bad fields, unknown keys refused), loading
 * it through the configuration, the env shorthand, the defaults it states, and the view the API
 * and `cordon profile` show. Also the pause arithmetic of law-enforcement delays.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEntityProfile } from '../../../src/config/entity-profile';
import { ConfigError, loadConfig } from '../../../src/config/schema';
import { pausedDue, profileAssumptions, profileFromShorthand, profileView } from '../../../src/regulatory';
import { profileReport } from '../../../src/cli/profile-command';

const BANK = `
name: Example Bank AG
jurisdictions: [EU, US-NY]
memberStates: [DE]
roles: { gdpr: controller }
nis2: { entityClass: essential }
dora: { entityType: credit-institution }
nydfsCoveredEntity: true
authorities:
  - { regime: dora, name: BaFin, memberState: DE, timeZone: Europe/Berlin }
  - { regime: nis2, name: BSI, memberState: DE, timeZone: Europe/Berlin }
  - { regime: gdpr, name: HmbBfDI, memberState: DE, timeZone: Europe/Berlin }
`;

test('a YAML profile parses with defaults filled in', () => {
  const r = parseEntityProfile(BANK, 'bank.yaml');
  expect(r).toEqual({
    profile: expect.objectContaining({
      name: 'Example Bank AG',
      source: 'file',
      secRegistrant: false,
      nydfsCoveredEntity: true,
      smallProcessingAgent: false,
      roles: { gdpr: 'controller', ukGdpr: 'controller', pdpa: 'organisation', lgpd: 'controller' },
      nis2: { entityClass: 'essential', trustServiceProvider: false },
      dora: { entityType: 'credit-institution', reliefWithdrawn: false },
    }),
  });
  if ('profile' in r) expect(profileAssumptions(r.profile)).toEqual([]);
});

test.each([
  ['an unknown key (a typo must not drop a role)', 'jurisdictions: [EU]\nrole: processor\n', /\(root\): Unrecognized key: "role"/],
  ['a DORA entity type outside Art. 2(1)', 'jurisdictions: [EU]\ndora: { entityType: bank }\n', /dora\.entityType: /],
  [
    'an unknown zone',
    'jurisdictions: [EU]\nauthorities: [{ regime: nis2, name: X, timeZone: Europe/Atlantis }]\n',
    /authorities\.0\.timeZone: not an IANA time zone/,
  ],
  [
    'two authorities for one regime',
    'jurisdictions: [EU]\nauthorities: [{ regime: dora, name: A, timeZone: Europe/Paris }, { regime: dora, name: B, timeZone: Europe/Paris }]\n',
    /authorities\.1\.regime: a second authority for dora/,
  ],
  ['NIS2 outside the EU', 'jurisdictions: [US]\nnis2: { entityClass: important }\n', /nis2: NIS2 and DORA need EU/],
  ['a NYDFS covered entity without US-NY', 'jurisdictions: [US]\nnydfsCoveredEntity: true\n', /nydfsCoveredEntity: .*US-NY/],
  ['not YAML at all', 'jurisdictions: [EU\n', /not valid YAML/],
])('refused: %s', (_n, text, message) => {
  const r = parseEntityProfile(text, 'p.yaml');
  expect('problems' in r && r.problems.join('\n')).toMatch(message);
});

test('CORDON_ENTITY_PROFILE_FILE is validated with the configuration: every problem listed, with its path in the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-profile-'));
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ jurisdictions: ['EU'], dora: { entityType: 'bank' }, secRegistrant: 'yes' }));
  try {
    loadConfig({ CORDON_ENTITY_PROFILE_FILE: bad });
    throw new Error('expected a ConfigError');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain(`CORDON_ENTITY_PROFILE_FILE: ${bad}: dora.entityType`);
    expect(problems).toContain(`${bad}: secRegistrant`);
  }
  expect(() => loadConfig({ CORDON_ENTITY_PROFILE_FILE: path.join(dir, 'missing.yaml') })).toThrow(/cannot read .*ENOENT/);
  const good = path.join(dir, 'bank.yaml');
  fs.writeFileSync(good, BANK);
  expect(loadConfig({ CORDON_ENTITY_PROFILE_FILE: good }).CORDON_ENTITY_PROFILE_FILE?.profile.dora?.entityType).toBe('credit-institution');
});

test('the env shorthand builds a profile and states every default it implies', () => {
  const p = profileFromShorthand(['EU', 'US-NY'], ['financial', 'essential-entity', 'health', 'sec-registrant']);
  expect(p).toMatchObject({
    source: 'shorthand',
    nis2: { entityClass: 'essential' },
    dora: { entityType: 'unspecified' },
    secRegistrant: true,
    nydfsCoveredEntity: true,
    roles: { hipaa: 'covered-entity' },
  });
  const said = profileAssumptions(p).join('\n');
  expect(said).toMatch(/DORA entity type not configured: no weekend relief/);
  expect(said).toMatch(/DORA competent authority not configured/);
  expect(said).toMatch(/NIS2 CSIRT not configured: month-based periods end at midnight Europe\/Brussels/);
  expect(said).toMatch(/HIPAA periods end in America\/New_York/);
});

test("the profile view lists each regime, whether it needs personal data, and each obligation's anchor, period and calendar", () => {
  const r = parseEntityProfile(BANK, 'bank.yaml');
  if (!('profile' in r)) throw new Error('bad fixture');
  const v = profileView(r.profile);
  expect(v.regimes.map((x) => [x.regime, x.needsPersonalData])).toEqual([
    ['gdpr', true],
    ['nis2', false],
    ['dora', false],
    ['us-ny', false],
  ]);
  const dora = v.regimes.find((x) => x.regime === 'dora')!.obligations;
  expect(dora.find((o) => o.id === 'dora.5.1.a')).toMatchObject({
    anchor: 'min(classification + 4h, doraAwareness + 24h)',
    calendar: 'Europe/Berlin, de-national',
    classification: 'dora-major',
  });
  expect(dora.find((o) => o.id === 'dora.5.1.c')).toMatchObject({
    anchor: 'latestSubmitted:dora.5.1.b',
    period: '1 month(s)',
    calendar: 'Europe/Berlin, de-national, weekend relief: noon next working day',
  });
  const report = profileReport(v);
  expect(report).toMatch(/^DORA\s+credit-institution$/m);
  expect(report).toMatch(/^dora\s+BaFin\s+DE\s+Europe\/Berlin/m);
  expect(report).toMatch(/^nis2\.23\.4\.a\s+classified nis2-significant\s+nis2Awareness\s+24h/m);
  expect(report).not.toMatch(/Defaults in use/);
  expect(profileReport(profileView(profileFromShorthand(['EU'], ['financial'])))).toMatch(
    /Defaults in use[\s\S]*DORA entity type not configured/,
  );
});

describe("pausedDue: a delay adds the time it covers between the clock's start and its due instant", () => {
  const start = '2026-03-01T00:00:00.000Z';
  const due = '2026-03-31T00:00:00.000Z';
  test.each([
    ['no pause', [], due, 0],
    ['10 days in the window', [{ from: '2026-03-10T00:00:00Z', until: '2026-03-20T00:00:00Z' }], '2026-04-10T00:00:00.000Z', 10],
    [
      'ended early: only the time it ran',
      [{ from: '2026-03-10T00:00:00Z', until: '2026-04-09T00:00:00Z', endedAt: '2026-03-12T00:00:00Z' }],
      '2026-04-02T00:00:00.000Z',
      2,
    ],
    [
      'overlapping pauses count once',
      [
        { from: '2026-03-10T00:00:00Z', until: '2026-03-20T00:00:00Z' },
        { from: '2026-03-15T00:00:00Z', until: '2026-03-25T00:00:00Z' },
      ],
      '2026-04-15T00:00:00.000Z',
      15,
    ],
    [
      'begun before the clock started: from the start only',
      [{ from: '2026-02-25T00:00:00Z', until: '2026-03-05T00:00:00Z' }],
      '2026-04-04T00:00:00.000Z',
      4,
    ],
    [
      'begun after the due instant: a missed deadline is not revived',
      [{ from: '2026-04-01T00:00:00Z', until: '2026-04-20T00:00:00Z' }],
      due,
      0,
    ],
    [
      'a second pause inside the extended window still counts',
      [
        { from: '2026-03-10T00:00:00Z', until: '2026-03-20T00:00:00Z' },
        { from: '2026-04-05T00:00:00Z', until: '2026-04-07T00:00:00Z' },
      ],
      '2026-04-12T00:00:00.000Z',
      12,
    ],
  ] as const)('%s', (_n, pauses, expected, days) => {
    expect(pausedDue(start, due, pauses)).toEqual({ due: expected, pausedMs: days * 86_400_000 });
  });
});
