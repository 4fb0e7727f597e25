import { draftArticle33, draftArticle34, renderDraftHtml, renderDraftMarkdown } from '../../../src/regulator-notification/draft';
import type { BreachFacts } from '../../../src/regulator-notification/facts';
import { RegulatoryInputError } from '../../../src/regulatory/deadlines';

const facts: BreachFacts = {
  incidentId: 'inc-42',
  resource: { account: '123456789012', region: 'eu-west-1', instanceId: 'i-0abc' },
  detectedAt: '2026-06-05T06:30:00Z',
  awareAt: '2026-06-05T07:00:00Z',
  preparedAt: '2026-06-06T07:00:00Z',
  displayZone: 'Europe/Dublin',
  controllerName: 'Example Ltd',
  supervisoryAuthority: 'Data Protection Commission (IE)',
  alerts: [{ title: 'Outbound traffic to known C2', severity: 'critical' }],
  breachType: ['confidentiality'],
  classification: {
    dataSubjectCategories: ['customers'],
    personalDataCategories: ['contact details', 'account credentials'],
    approxSubjects: 1200,
    approxRecords: 3400,
    estimateBasis: 'row counts of the affected tables',
  },
  dpo: { name: 'Dana Privacy', email: 'dpo@example.com', phone: '+353 1 000 0000' },
  measuresTaken: [
    { step: 'replaced', at: '2026-06-05T08:10:00Z', detail: 'Instance replaced from known-good image' },
    { step: 'quarantined', at: '2026-06-05T07:05:00Z', detail: 'Instance moved to quarantine security group' },
    { step: 'evidence sealed', at: '2026-06-05T07:40:00Z', detail: 'EBS snapshots taken and sealed' },
  ],
  proposedMeasures: ['Rotate all customer credentials', 'Enforce MFA'],
  likelyConsequences: ['Account takeover', 'Phishing aimed at customers'],
  risk: 'high',
  adviceToIndividuals: ['Change your password', 'Be wary of e-mails asking for your password'],
};

describe('draftArticle33', () => {
  const d = draftArticle33(facts);

  test('carries every Art. 33(3) item (a)–(d) with its citation', () => {
    expect(d.nature.citation).toBe('GDPR Art. 33(3)(a)');
    expect(d.nature.dataSubjects).toEqual({
      categories: ['customers'],
      approximateNumber: { value: 1200, estimate: true, basis: 'row counts of the affected tables' },
    });
    expect(d.nature.records).toMatchObject({
      categories: ['contact details', 'account credentials'],
      approximateNumber: { value: 3400, estimate: true },
    });
    expect(d.contactPoint).toEqual({
      citation: 'GDPR Art. 33(3)(b)',
      name: 'Dana Privacy',
      email: 'dpo@example.com',
      phone: '+353 1 000 0000',
    });
    expect(d.likelyConsequences).toEqual({ citation: 'GDPR Art. 33(3)(c)', items: ['Account takeover', 'Phishing aimed at customers'] });
    expect(d.measures.citation).toBe('GDPR Art. 33(3)(d)');
    expect(d.measures.proposed).toEqual(['Rotate all customer credentials', 'Enforce MFA']);
  });

  test('measures taken are a timeline in time order', () => {
    expect(d.measures.taken.map((m) => m.step)).toEqual(['quarantined', 'evidence sealed', 'replaced']);
  });

  test('nature names the resource and the alerts', () => {
    expect(d.nature.summary).toContain('i-0abc');
    expect(d.nature.summary).toContain('Outbound traffic to known C2 (critical)');
    expect(d.nature.resource).toEqual(facts.resource);
  });

  test('in time, from recorded awareness: 72 h limit, no reasons needed, nothing for a person', () => {
    expect(d.clock).toMatchObject({
      awareAt: facts.awareAt,
      basis: 'recorded',
      conservative: false,
      dueAt: '2026-06-08T07:00:00.000Z',
      late: false,
    });
    expect(d.reasonsForDelay).toEqual({ citation: 'GDPR Art. 33(1)', required: false, text: null });
    expect(d.needsHuman).toEqual([]);
  });

  test('without awareness the clock runs from the first alert and a person is asked to confirm', () => {
    const x = draftArticle33({ ...facts, awareAt: undefined });
    expect(x.clock).toMatchObject({
      awareAt: facts.detectedAt,
      basis: 'first-alert',
      conservative: true,
      dueAt: '2026-06-08T06:30:00.000Z',
    });
    expect(x.clock.note).toMatch(/conservatively from the first alert/);
    expect(x.needsHuman.some((n) => n.startsWith('clock.awareAt:'))).toBe(true);
  });

  test('late: reasons for the delay are required and flagged when missing (Art. 33(1))', () => {
    const late = draftArticle33({ ...facts, preparedAt: '2026-06-08T07:00:01Z' });
    expect(late.reasonsForDelay).toMatchObject({ required: true, text: null });
    expect(late.needsHuman).toEqual([expect.stringMatching(/^reasonsForDelay\.text: .*Art\. 33\(1\)/)]);
    const given = draftArticle33({ ...facts, preparedAt: '2026-06-08T07:00:01Z', reasonsForDelay: 'Forensics required' });
    expect(given.reasonsForDelay).toMatchObject({ required: true, text: 'Forensics required' });
    expect(given.needsHuman).toEqual([]);
  });

  test('every missing item is listed for a person, with a reason', () => {
    const bare = draftArticle33({
      ...facts,
      awareAt: undefined,
      controllerName: undefined,
      supervisoryAuthority: ' ',
      risk: undefined,
      breachType: undefined,
      dpo: undefined,
      classification: { dataSubjectCategories: [], personalDataCategories: [] },
      measuresTaken: [],
      proposedMeasures: [],
      likelyConsequences: [],
    });
    const fields = bare.needsHuman.map((n) => n.split(':')[0]);
    expect(fields).toEqual(
      expect.arrayContaining([
        'clock.awareAt',
        'controller',
        'recipient.authority',
        'risk',
        'nature.breachType',
        'nature.dataSubjects.categories',
        'nature.dataSubjects.approximateNumber',
        'nature.records.categories',
        'nature.records.approximateNumber',
        'contactPoint.name',
        'contactPoint.email',
        'contactPoint.phone',
        'likelyConsequences.items',
        'measures.taken',
        'measures.proposed',
      ]),
    );
    expect(bare.needsHuman.every((n) => /^[\w.]+: \S.{10,}/.test(n))).toBe(true);
    expect(bare.nature.dataSubjects.approximateNumber).toBeNull();
    expect(bare.contactPoint).toMatchObject({ name: null, email: null, phone: null });
  });

  test('refuses a "now" that is not an instant, rather than guessing lateness', () => {
    expect(() => draftArticle33({ ...facts, preparedAt: 'now' })).toThrow(RegulatoryInputError);
    expect(() => draftArticle33({ ...facts, awareAt: '5 June' })).toThrow(RegulatoryInputError);
  });

  test('processor notice is the default awareness, flagged for confirmation', () => {
    const x = draftArticle33({ ...facts, awareAt: undefined, processorNoticeAt: '2026-06-05T09:00:00Z' });
    expect(x.clock).toMatchObject({ basis: 'processor-notice', dueAt: '2026-06-08T09:00:00.000Z', conservative: false });
    expect(x.needsHuman).toEqual([expect.stringMatching(/^clock\.awareAt: defaulted to the processor/)]);
  });
});

describe('draftArticle34', () => {
  test('only for high risk, and not when a 34(3)(a)/(b) exemption is claimed', () => {
    expect(draftArticle34({ ...facts, risk: 'risk' })).toBeNull();
    expect(draftArticle34({ ...facts, risk: undefined })).toBeNull();
    expect(draftArticle34({ ...facts, art34Exemption: '34_3_a_protected' })).toBeNull();
    expect(draftArticle34({ ...facts, art34Exemption: '34_3_b_mitigated' })).toBeNull();
  });

  test('carries the Art. 34(2) items in plain language', () => {
    const d = draftArticle34(facts);
    expect(d).not.toBeNull();
    if (!d) return;
    expect(d.channel).toBe('individual');
    expect(d.whatHappened).toBe(
      'On 5 June 2026 we detected a security incident on one of our systems. Your personal data may have been affected.',
    );
    expect(d.whatHappened).not.toContain('i-0abc'); // no infrastructure detail for the public
    expect(d.contactPoint).toEqual({ name: 'Dana Privacy', email: 'dpo@example.com', phone: '+353 1 000 0000' });
    expect(d.likelyConsequences).toEqual(facts.likelyConsequences);
    expect(d.measuresTaken).toEqual([
      'Instance moved to quarantine security group',
      'EBS snapshots taken and sealed',
      'Instance replaced from known-good image',
    ]);
    expect(d.measuresProposed).toEqual(facts.proposedMeasures);
    expect(d.whatYouCanDo).toEqual(facts.adviceToIndividuals);
    expect(d.citations).toEqual({
      nature: 'GDPR Art. 34(2)',
      contactPoint: 'GDPR Art. 33(3)(b)',
      likelyConsequences: 'GDPR Art. 33(3)(c)',
      measures: 'GDPR Art. 33(3)(d)',
    });
  });

  test('disproportionate effort (34(3)(c)) turns it into a public communication', () => {
    expect(draftArticle34({ ...facts, art34Exemption: '34_3_c_disproportionate' })?.channel).toBe('public');
  });

  test('missing advice and contact details are flagged', () => {
    const d = draftArticle34({ ...facts, adviceToIndividuals: [], dpo: { name: 'Dana' } });
    expect(d?.needsHuman.map((n) => n.split(':')[0])).toEqual(
      expect.arrayContaining(['whatYouCanDo', 'contactPoint.email', 'contactPoint.phone']),
    );
  });
});

describe('rendering', () => {
  const hostile: BreachFacts = {
    ...facts,
    alerts: [{ title: '<script>alert("x")</script> & <img src=x onerror=alert(1)>', severity: 'high' }],
    dpo: { name: "O'Brien & <b>Sons</b>", email: 'dpo@example.com', phone: '1' },
    proposedMeasures: ['[click](javascript:alert(1)) *now*\n# heading'],
  };

  test('markdown shows every Art. 33(3) section and the dates in the display zone', () => {
    const md = renderDraftMarkdown(draftArticle33(facts));
    for (const s of ['(a)', '(b)', '(c)', '(d)']) expect(md).toContain(`GDPR Art. 33(3)${s}`);
    expect(md).toContain('Mon 8 Jun 2026, 08:00 +01:00 (Europe/Dublin)');
    expect(md).toContain('approx. 1200 (estimate; row counts of the affected tables)');
    expect(md).toContain('Instance moved to quarantine security group');
    expect(md).not.toContain('Needs a person');
    expect(md).not.toContain('Reasons for the delay');
  });

  test('markdown flags what needs a person and marks missing items', () => {
    const md = renderDraftMarkdown(draftArticle33({ ...facts, dpo: undefined, preparedAt: '2026-06-09T00:00:00Z' }));
    expect(md).toMatch(/Needs a person before sending \(4\)/);
    expect(md).toContain('Reasons for the delay');
    expect(md).toContain('\\[to be completed\\]');
  });

  test('markdown escapes inline syntax and cannot start new blocks', () => {
    const md = renderDraftMarkdown(draftArticle33(hostile));
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>');
    expect(md).toContain('\\[click\\](javascript:alert(1)) \\*now\\* \\# heading');
    expect(md.split('\n').some((l) => l.startsWith('# heading'))).toBe(false);
  });

  test('HTML escapes every value', () => {
    const html = renderDraftHtml(draftArticle33(hostile));
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;');
    expect(html.startsWith('<article class="breach-draft" data-kind="gdpr-art33">')).toBe(true);
    for (const s of ['(a)', '(b)', '(c)', '(d)']) expect(html).toContain(`GDPR Art. 33(3)${s}`);
  });

  test('Art. 34 renders in both formats, escaped', () => {
    const d = draftArticle34(hostile);
    expect(d).not.toBeNull();
    if (!d) return;
    const html = renderDraftHtml(d);
    expect(html).toContain('data-kind="gdpr-art34"');
    expect(html).toContain('What you can do');
    expect(html).toContain('O&#39;Brien');
    expect(renderDraftMarkdown(d)).toContain('## What this may mean for you');
  });
});
