/** The `when:` language: what it evaluates to, what it refuses (with the column), and that hostile text can do nothing but fail to parse. */
import fc from 'fast-check';
import { evaluateWhen, parseWhen, whenLimits, whenRootsOf, WhenSyntaxError } from '../../../src/domain/runbook-when';

const facts = {
  alert: { source: 'guardduty', severity: 'high', activeThreat: true, score: 7.5, findingType: 'Backdoor:EC2/C&CActivity.B' },
  target: { state: 'running', tags: { env: 'prod' }, volumes: [1, 2] },
  inputs: { memory: false, budget: 3, team: 'web' },
  policy: { revokeSessions: true, imageSuspect: false },
};
const holds = (src: string) => evaluateWhen(parseWhen(src), facts);

test.each([
  ['alert.activeThreat', true],
  ['not alert.activeThreat', false],
  ['policy.revokeSessions and not policy.imageSuspect', true],
  ['policy.imageSuspect or inputs.memory', false],
  ["alert.source == 'guardduty'", true],
  ['alert.source != "guardduty"', false],
  ['alert.score > 7', true],
  ['alert.score >= 7.5 and alert.score <= 7.5', true],
  ['inputs.budget < 3', false],
  ['-1 < inputs.budget', true],
  ["alert.severity in ['high', 'critical']", true],
  ['inputs.team in []', false],
  ["target.tags.env == 'prod'", true],
  ['target.tags.missing == null', true],
  ['target.nothing.deeper', false],
  ['not (alert.activeThreat and policy.imageSuspect)', true],
  ['alert.activeThreat and (policy.imageSuspect or policy.revokeSessions)', true],
  // Comparisons across types are false, never coerced.
  ["inputs.budget == '3'", false],
  ['alert.source > 3', false],
  ['target.volumes == target.volumes', false],
  ['true', true],
  ['null', false],
])('%s → %s', (src, expected) => {
  expect(holds(src)).toBe(expected);
});

test('the roots an expression reads decide when it can be answered', () => {
  expect([...whenRootsOf(parseWhen("alert.activeThreat and target.state == 'running'"))].sort()).toEqual(['alert', 'target']);
  expect([...whenRootsOf(parseWhen('not policy.memory'))]).toEqual(['policy']);
});

test.each([
  ['', 'empty expression', 1],
  ['alert.', 'expected a field name', 7],
  ['process.exit', 'unknown name "process"', 1],
  ['alert.__proto__', '"__proto__" is not a field', 7],
  ['alert.constructor', '"constructor" is not a field', 7],
  ["alert.source == 'x", 'unterminated string', 17],
  ['alert.activeThreat ; policy.memory', 'unexpected character ";"', 20],
  ['(alert.activeThreat', 'expected ")"', 20],
  ['alert.a and', 'expected a value', 12],
  ['alert.a or or', 'expected a value', 12],
  ['[alert.source]', 'lists hold literals only', 2],
  ['alert.source()', 'unexpected "("', 13],
  ['alert.source == `x`', 'unexpected character "`"', 17],
  ['policy.memory = true', 'unexpected character "="', 15],
])('%j is refused: %s at character %i', (src, message, column) => {
  let err: unknown;
  try {
    parseWhen(src);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(WhenSyntaxError);
  expect((err as Error).message).toContain(message);
  expect((err as WhenSyntaxError).column).toBe(column);
});

test('limits bound the work: length, nesting depth and list size', () => {
  expect(() => parseWhen(`alert.a == '${'x'.repeat(whenLimits.maxLength)}'`)).toThrow(/longer than/);
  expect(() => parseWhen(`${'('.repeat(whenLimits.maxDepth + 1)}true${')'.repeat(whenLimits.maxDepth + 1)}`)).toThrow(/nested deeper/);
  expect(() => parseWhen(`${'not '.repeat(whenLimits.maxDepth + 1)}true`)).toThrow(/nested deeper/);
  expect(() => parseWhen(`alert.a in [${Array.from({ length: whenLimits.maxListItems + 1 }, (_, i) => i).join(',')}]`)).toThrow(/at most/);
});

test('a path never reaches inherited properties: prototype members read as null', () => {
  expect(holds('alert.toString == null')).toBe(true);
  expect(holds('alert.hasOwnProperty')).toBe(false);
  expect(evaluateWhen(parseWhen('inputs.x'), { inputs: Object.create({ x: true }) })).toBe(false);
});

test('hostile text: any string either parses or fails with WhenSyntaxError; nothing else is thrown and evaluation returns a boolean', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.stringMatching(/^[a-z.() '"=!<>\[\],0-9-]{0,80}$/)), (src) => {
      let node;
      try {
        node = parseWhen(src);
      } catch (err) {
        expect(err).toBeInstanceOf(WhenSyntaxError);
        return;
      }
      expect(typeof evaluateWhen(node, facts)).toBe('boolean');
    }),
    { numRuns: 3000 },
  );
});

test('evaluation has no side effects on the facts it reads', () => {
  const before = JSON.stringify(facts);
  holds("alert.source == 'guardduty' and target.tags.env in ['prod'] or not inputs.memory");
  expect(JSON.stringify(facts)).toBe(before);
});
