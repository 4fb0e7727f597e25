import type { BreachFacts } from '../../../src/regulator-notification/facts';
import {
  csvField,
  REGISTER_COLUMNS,
  registerEntryFromFacts,
  registerToCsv,
  registerToJson,
  type BreachRegisterEntry,
} from '../../../src/regulator-notification/register';

const entry: BreachRegisterEntry = {
  incidentId: 'inc-1',
  recordedAt: '2026-06-06T10:00:00Z',
  detectedAt: '2026-06-05T06:30:00Z',
  cause: 'Exposed SSH key',
  whatHappened: 'Attacker ran "miner", then exfiltrated, maybe',
  dataCategories: ['contact details', 'credentials'],
  specialCategories: [],
  approxSubjects: 1200,
  effects: 'Line one\r\nline two',
  remedialActions: ['quarantined', 'replaced'],
  notifiedSupervisoryAuthority: true,
  notificationDecisionReason: 'risk to customers',
  communicatedToDataSubjects: 'planned',
  art34DecisionReason: 'high risk',
  communications: [],
  relatedIncidents: [],
};

/** A small RFC 4180 reader, to check the writer round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [],
    field = '',
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

test.each([
  ['plain', 'plain'],
  ['a,b', '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ['two\nlines', '"two\nlines"'],
  ['cr\rhere', '"cr\rhere"'],
  ['', ''],
])('csvField(%j) = %j', (raw, out) => {
  expect(csvField(raw)).toBe(out);
});

test.each([
  ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
  ['+1', "'+1"],
  ['-2', "'-2"],
  ['@SUM(A1)', "'@SUM(A1)"],
])('formula cells are neutralised: %j', (raw, out) => {
  expect(csvField(raw)).toBe(out);
  expect(csvField(raw, false)).not.toMatch(/^'/);
});

test('CSV has a header, CRLF rows, and round-trips through an RFC 4180 reader', () => {
  const csv = registerToCsv([entry, { ...entry, incidentId: 'inc-2', cause: '=cmd|x' }]);
  expect(csv.endsWith('\r\n')).toBe(true);
  const rows = parseCsv(csv);
  expect(rows).toHaveLength(3);
  expect(rows[0]).toEqual([...REGISTER_COLUMNS]);
  const rec = Object.fromEntries(REGISTER_COLUMNS.map((c, i) => [c, rows[1][i]]));
  expect(rec).toMatchObject({
    incidentId: 'inc-1',
    whatHappened: 'Attacker ran "miner", then exfiltrated, maybe',
    effects: 'Line one\r\nline two',
    dataCategories: 'contact details; credentials',
    approxSubjects: '1200',
    approxRecords: '',
    notifiedSupervisoryAuthority: 'true',
    communicatedToDataSubjects: 'planned',
    awareAt: '',
  });
  expect(rows[2][REGISTER_COLUMNS.indexOf('cause')]).toBe("'=cmd|x");
});

test('every row has as many fields as the header', () => {
  const rows = parseCsv(registerToCsv([entry]));
  expect(rows.every((r) => r.length === REGISTER_COLUMNS.length)).toBe(true);
});

test('JSON export keeps the entries intact', () => {
  const parsed = JSON.parse(registerToJson([entry]));
  expect(parsed).toEqual({ kind: 'gdpr-art33-5-register', entries: [entry] });
});

test('registerEntryFromFacts carries the Art. 33(5) facts, effects and remedial action', () => {
  const facts: BreachFacts = {
    incidentId: 'inc-9',
    resource: { account: '1', region: 'eu-west-1', instanceId: 'i-9' },
    detectedAt: '2026-06-05T06:30:00Z',
    preparedAt: '2026-06-06T00:00:00Z',
    alerts: [{ title: 'C2 beacon', severity: 'high' }],
    classification: { dataSubjectCategories: ['staff'], personalDataCategories: ['e-mail'], approxRecords: 50 },
    measuresTaken: [{ step: 'quarantined', at: '2026-06-05T07:00:00Z', detail: 'isolated' }],
    proposedMeasures: [],
    likelyConsequences: [],
    reasonsForDelay: 'waited for forensics',
  };
  const e = registerEntryFromFacts(facts, {
    recordedAt: '2026-06-06T00:00:00Z',
    cause: 'phished credentials',
    effects: 'none observed',
    notifiedSupervisoryAuthority: false,
    notificationDecisionReason: 'unlikely to result in a risk: data encrypted',
    communicatedToDataSubjects: 'no',
    art34DecisionReason: 'no high risk',
  });
  expect(e).toMatchObject({
    incidentId: 'inc-9',
    whatHappened: 'C2 beacon on i-9 (1/eu-west-1)',
    effects: 'none observed',
    remedialActions: ['2026-06-05T07:00:00Z quarantined: isolated'],
    dataCategories: ['e-mail'],
    approxRecords: 50,
    delayReasons: 'waited for forensics',
    notifiedSupervisoryAuthority: false,
  });
  expect(e).not.toHaveProperty('awareAt');
});
