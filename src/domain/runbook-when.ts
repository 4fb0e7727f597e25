/**
 * The `when:` language of runbook steps: a small expression over named facts, parsed by its
 * own recursive-descent parser and evaluated by walking the tree. No eval, no property access
 * beyond plain own data, no calls, no loops: an expression can only read values and compare them.
 * Grammar (lowest precedence first):
 *   expr := or;  or := and ('or' and)*;  and := not ('and' not)*;  not := 'not' not | cmp
 *   cmp  := value (('=='|'!='|'<'|'<='|'>'|'>='|'in') value)?
 *   value := '(' expr ')' | literal | path | '[' literal (',' literal)* ']'
 *   literal := number | 'text' | "text" | true | false | null;  path := root ('.' name)*
 * Roots are fixed (`alert`, `target`, `inputs`, `policy`); a missing path reads as null.
 * `<`/`>` compare two numbers or two strings, anything else is false; `in` asks membership of
 * a list. Limits (length, depth, list size) bound the work any input can cause.
 * Dependency-free: the workflow sandbox evaluates it.
 */

export const whenRoots = ['alert', 'target', 'inputs', 'policy'] as const;
export type WhenRoot = (typeof whenRoots)[number];
export type WhenValue = string | number | boolean | null | WhenValue[];

export type WhenNode =
  | { kind: 'literal'; value: WhenValue }
  | { kind: 'path'; root: WhenRoot; names: string[] }
  | { kind: 'not'; operand: WhenNode }
  | { kind: 'and' | 'or'; left: WhenNode; right: WhenNode }
  | { kind: 'compare'; op: CompareOp; left: WhenNode; right: WhenNode };
type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

export const whenLimits = { maxLength: 500, maxDepth: 24, maxListItems: 64 };

/** A parse failure with the 1-based column in the expression where it was found. */
export class WhenSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'WhenSyntaxError';
  }
}

type Token = { kind: 'num' | 'str' | 'name' | 'op' | 'punct' | 'end'; text: string; value?: string | number; at: number };

const forbiddenNames = new Set(['__proto__', 'prototype', 'constructor']);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
      continue;
    }
    const at = i + 1;
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ kind: 'num', text: m[0], value: Number(m[0]), at });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new WhenSyntaxError('unterminated string', at);
      out.push({ kind: 'str', text: src.slice(i, end + 1), value: src.slice(i + 1, end), at });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))!;
      out.push({ kind: 'name', text: m[0], at });
      i += m[0].length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>='].includes(two)) {
      out.push({ kind: 'op', text: two, at });
      i += 2;
      continue;
    }
    if (c === '<' || c === '>') {
      out.push({ kind: 'op', text: c, at });
      i += 1;
      continue;
    }
    if ('().,[]'.includes(c)) {
      out.push({ kind: 'punct', text: c, at });
      i += 1;
      continue;
    }
    throw new WhenSyntaxError(`unexpected character "${c}"`, at);
  }
  out.push({ kind: 'end', text: 'end of expression', at: src.length + 1 });
  return out;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private isName(text: string): boolean {
    return this.peek.kind === 'name' && this.peek.text === text;
  }
  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text || (t.kind !== 'punct' && t.kind !== 'op'))
      throw new WhenSyntaxError(`expected "${text}" but found "${t.text}"`, t.at);
  }

  parse(): WhenNode {
    const node = this.or();
    if (this.peek.kind !== 'end') throw new WhenSyntaxError(`unexpected "${this.peek.text}"`, this.peek.at);
    return node;
  }

  private nested<T>(at: number, f: () => T): T {
    this.depth += 1;
    if (this.depth > whenLimits.maxDepth) throw new WhenSyntaxError(`nested deeper than ${whenLimits.maxDepth}`, at);
    try {
      return f();
    } finally {
      this.depth -= 1;
    }
  }

  private or(): WhenNode {
    let left = this.and();
    while (this.isName('or')) {
      const at = this.next().at;
      const right = this.nested(at, () => this.and());
      left = { kind: 'or', left, right };
    }
    return left;
  }

  private and(): WhenNode {
    let left = this.not();
    while (this.isName('and')) {
      const at = this.next().at;
      const right = this.nested(at, () => this.not());
      left = { kind: 'and', left, right };
    }
    return left;
  }

  private not(): WhenNode {
    if (this.isName('not')) {
      const at = this.next().at;
      return this.nested(at, () => ({ kind: 'not', operand: this.not() }));
    }
    return this.compare();
  }

  private compare(): WhenNode {
    const left = this.value();
    const t = this.peek;
    if (t.kind === 'op' || (t.kind === 'name' && t.text === 'in')) {
      this.next();
      return { kind: 'compare', op: t.text as CompareOp, left, right: this.value() };
    }
    return left;
  }

  private value(): WhenNode {
    const t = this.next();
    if (t.kind === 'punct' && t.text === '(') {
      const inner = this.nested(t.at, () => this.or());
      this.expect(')');
      return inner;
    }
    if (t.kind === 'punct' && t.text === '[') return { kind: 'literal', value: this.list(t.at) };
    if (t.kind === 'num' || t.kind === 'str') return { kind: 'literal', value: t.value! };
    if (t.kind === 'name') {
      if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true' };
      if (t.text === 'null') return { kind: 'literal', value: null };
      if (['and', 'or', 'not', 'in'].includes(t.text)) throw new WhenSyntaxError(`expected a value but found "${t.text}"`, t.at);
      if (!(whenRoots as readonly string[]).includes(t.text))
        throw new WhenSyntaxError(`unknown name "${t.text}" (paths start with ${whenRoots.join(', ')})`, t.at);
      const names: string[] = [];
      while (this.peek.kind === 'punct' && this.peek.text === '.') {
        this.next();
        const n = this.next();
        if (n.kind !== 'name') throw new WhenSyntaxError(`expected a field name after "." but found "${n.text}"`, n.at);
        if (forbiddenNames.has(n.text)) throw new WhenSyntaxError(`"${n.text}" is not a field`, n.at);
        names.push(n.text);
      }
      return { kind: 'path', root: t.text as WhenRoot, names };
    }
    throw new WhenSyntaxError(`expected a value but found "${t.text}"`, t.at);
  }

  private list(at: number): WhenValue[] {
    const items: WhenValue[] = [];
    if (this.peek.kind === 'punct' && this.peek.text === ']') {
      this.next();
      return items;
    }
    for (;;) {
      const t = this.next();
      if (t.kind === 'num' || t.kind === 'str') items.push(t.value!);
      else if (t.kind === 'name' && (t.text === 'true' || t.text === 'false' || t.text === 'null'))
        items.push(t.text === 'null' ? null : t.text === 'true');
      else throw new WhenSyntaxError(`lists hold literals only; found "${t.text}"`, t.at);
      if (items.length > whenLimits.maxListItems) throw new WhenSyntaxError(`a list holds at most ${whenLimits.maxListItems} items`, at);
      const sep = this.next();
      if (sep.kind === 'punct' && sep.text === ']') return items;
      if (!(sep.kind === 'punct' && sep.text === ',')) throw new WhenSyntaxError(`expected "," or "]" but found "${sep.text}"`, sep.at);
    }
  }
}

/** Parses an expression; throws WhenSyntaxError with the column of the first problem. */
export function parseWhen(src: string): WhenNode {
  if (typeof src !== 'string') throw new WhenSyntaxError('expected the expression as text', 1);
  if (src.length > whenLimits.maxLength)
    throw new WhenSyntaxError(`longer than ${whenLimits.maxLength} characters`, whenLimits.maxLength + 1);
  if (!src.trim()) throw new WhenSyntaxError('empty expression', 1);
  return new Parser(tokenize(src)).parse();
}

/** The roots an expression reads (a `target` root can only be answered once the target is described). */
export function whenRootsOf(node: WhenNode, into = new Set<WhenRoot>()): Set<WhenRoot> {
  switch (node.kind) {
    case 'path':
      into.add(node.root);
      break;
    case 'not':
      whenRootsOf(node.operand, into);
      break;
    case 'and':
    case 'or':
    case 'compare':
      whenRootsOf(node.left, into);
      whenRootsOf(node.right, into);
      break;
    default:
      break;
  }
  return into;
}

export type WhenFacts = Partial<Record<WhenRoot, unknown>>;

function read(facts: WhenFacts, root: WhenRoot, names: string[]): WhenValue {
  let v: unknown = Object.prototype.hasOwnProperty.call(facts, root) ? facts[root] : undefined;
  for (const n of names) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, n)) return null;
    v = (v as Record<string, unknown>)[n];
  }
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return null;
  // Objects read as themselves only for `in` over arrays; any other object compares as not equal to literals.
  return v as WhenValue;
}

function equal(a: WhenValue, b: WhenValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return false;
  return a === b;
}

function evaluate(node: WhenNode, facts: WhenFacts): WhenValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'path':
      return read(facts, node.root, node.names);
    case 'not':
      return !truthy(evaluate(node.operand, facts));
    case 'and':
      return truthy(evaluate(node.left, facts)) && truthy(evaluate(node.right, facts));
    case 'or':
      return truthy(evaluate(node.left, facts)) || truthy(evaluate(node.right, facts));
    case 'compare': {
      const l = evaluate(node.left, facts);
      const r = evaluate(node.right, facts);
      switch (node.op) {
        case '==':
          return equal(l, r);
        case '!=':
          return !equal(l, r);
        case 'in':
          return Array.isArray(r) && r.some((x) => equal(l, x));
        default: {
          const comparable = (typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string');
          if (!comparable) return false;
          return node.op === '<' ? l < r : node.op === '<=' ? l <= r : node.op === '>' ? l > r : l >= r;
        }
      }
    }
  }
}

/** True for true, non-zero numbers, non-empty strings and lists; false for false, 0, '', null, []. */
function truthy(v: WhenValue): boolean {
  return Array.isArray(v) ? v.length > 0 : Boolean(v);
}

/** Whether the expression holds for these facts. */
export function evaluateWhen(node: WhenNode, facts: WhenFacts): boolean {
  return truthy(evaluate(node, facts));
}
