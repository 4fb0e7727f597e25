/**
 * Known-good image selection (issue 3 step 3): a table of fleets, each with the image the
 * selection must choose, or the reason it must stop for an operator.
 */
import type { ImageCandidate } from '../../../src/domain/incident';
import { selectKnownGoodImage, windowStart, type KnownGoodCriteria } from '../../../src/recovery/known-good-image';

const firstSeen = '2026-11-20T12:00:00.000Z';
const criteria: KnownGoodCriteria = {
  verifiedTag: 'cordon:verified',
  allowlist: [],
  firstSeen,
  lookbackHours: 24,
  suspectImageId: 'ami-suspect',
  trustSuspectImage: false,
};

function image(
  imageId: string,
  builtAt: string | undefined,
  tags: Record<string, string> = {},
  extra: Partial<ImageCandidate> = {},
): ImageCandidate {
  return {
    imageId,
    name: imageId.replace('ami-', 'web-'),
    state: 'available',
    tags: { ...(builtAt ? { 'cordon:built-at': builtAt } : {}), ...tags },
    usedBy: [],
    ...extra,
  };
}
const verified = { 'cordon:verified': 'true' };

type Row = [name: string, candidates: ImageCandidate[], overrides: Partial<KnownGoodCriteria>, expected: string, reasonPart: RegExp];

const table: Row[] = [
  [
    'the suspect image is the newest verified one: the previous verified image wins',
    [image('ami-suspect', '2026-11-01T00:00:00Z', verified), image('ami-old', '2026-10-01T00:00:00Z', verified)],
    {},
    'ami-old',
    /rejected ami-suspect: the accused instance's image/,
  ],
  [
    'no verified image at all: stop for an operator',
    [image('ami-a', '2026-10-01T00:00:00Z'), image('ami-b', '2026-09-01T00:00:00Z')],
    {},
    'none',
    /ami-a: not verified/,
  ],
  [
    'a verified image built inside the compromise window is refused; the older one wins',
    [image('ami-new', '2026-11-20T06:00:00Z', verified), image('ami-older', '2026-11-10T00:00:00Z', verified)],
    {},
    'ami-older',
    /ami-new: built 2026-11-20T06:00:00.000Z, inside the compromise window/,
  ],
  [
    'the only verified image is inside the window: none, and never the suspect',
    [image('ami-new', '2026-11-20T06:00:00Z', verified), image('ami-suspect', '2026-10-01T00:00:00Z', verified)],
    {},
    'none',
    /never falls back to the suspect image/,
  ],
  [
    'a longer look-back moves the window before a recent build',
    [image('ami-week', '2026-11-15T00:00:00Z', verified), image('ami-month', '2026-10-20T00:00:00Z', verified)],
    { lookbackHours: 24 * 7 },
    'ami-month',
    /window starts 2026-11-13T12:00:00.000Z/,
  ],
  [
    'images of several groups and templates (the same image listed twice) are merged; newest verified wins',
    [
      image('ami-a', '2026-10-01T00:00:00Z', verified, { usedBy: ['lt-1:1'] }),
      image('ami-a', undefined, {}, { usedBy: ['lt-2:4'] }),
      image('ami-b', '2026-10-05T00:00:00Z', verified, { usedBy: ['lt-2:5'] }),
      image('ami-c', '2026-11-01T00:00:00Z', {}, { usedBy: ['lt-1:2'] }),
    ],
    {},
    'ami-b',
    /3 candidate\(s\) considered/,
  ],
  [
    'an allowlisted image counts as verified without the tag',
    [image('ami-allowed', '2026-10-01T00:00:00Z'), image('ami-x', '2026-10-02T00:00:00Z')],
    { allowlist: ['ami-allowed'] },
    'ami-allowed',
    /allowlisted/,
  ],
  [
    'policy may trust the accused image',
    [image('ami-suspect', '2026-10-01T00:00:00Z', verified)],
    { trustSuspectImage: true },
    'ami-suspect',
    /cordon:verified=true/,
  ],
  [
    'an image that is not available is refused',
    [image('ami-gone', '2026-10-03T00:00:00Z', verified, { state: 'deregistered' }), image('ami-ok', '2026-10-01T00:00:00Z', verified)],
    {},
    'ami-ok',
    /ami-gone: image state deregistered/,
  ],
  [
    'CreationDate is used when no built-at tag exists',
    [image('ami-dated', undefined, verified, { creationDate: '2026-09-01T10:00:00.000Z' })],
    {},
    'ami-dated',
    /built 2026-09-01T10:00:00.000Z/,
  ],
  ['no build time at all is refused', [image('ami-undated', undefined, verified)], {}, 'none', /ami-undated: no build time/],
  [
    'equal build times: the lowest image id wins, deterministically',
    [image('ami-2', '2026-10-01T00:00:00Z', verified), image('ami-1', '2026-10-01T00:00:00Z', verified)],
    {},
    'ami-1',
    /ami-1/,
  ],
  ['no candidates at all', [], {}, 'none', /0 candidate\(s\) considered/],
];

test.each(table)('%s', (_name, candidates, overrides, expected, reasonPart) => {
  const choice = selectKnownGoodImage(candidates, { ...criteria, ...overrides });
  expect(choice.kind === 'chosen' ? choice.imageId : 'none').toBe(expected);
  expect(choice.reason).toMatch(reasonPart);
});

test('the compromise window starts at the first alert minus the look-back', () => {
  expect(windowStart(firstSeen, 24)).toBe('2026-11-19T12:00:00.000Z');
  expect(windowStart(firstSeen, 0)).toBe(firstSeen);
});

test('the choice does not depend on the order candidates arrive in', () => {
  const candidates = [
    image('ami-a', '2026-10-01T00:00:00Z', verified),
    image('ami-b', '2026-10-05T00:00:00Z', verified),
    image('ami-suspect', '2026-11-01T00:00:00Z', verified),
  ];
  const forward = selectKnownGoodImage(candidates, criteria);
  const backward = selectKnownGoodImage([...candidates].reverse(), criteria);
  expect(backward).toEqual(forward);
});
