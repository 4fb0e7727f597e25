/**
 * The inputs an operator gives a runbook (a manual run, or a plan of a runbook file), checked
 * against the runbook's `inputs:` declarations: each value of its declared type (a boolean as
 * true/false or "true"/"false", a number as a number or its decimal text, so the CLI's `k=v`
 * text arrives typed), no undeclared name, defaults for the rest. Every refusal names its path
 * (`inputs.<name>`).
 * And what inputs may not decide: whether a person must agree. An input read by a `when:` of a
 * gate step (`contain`, `replace`, …), or of any entry of a step that has a gate of its own other
 * than `auto` (its variants included), decides a gate; a manual run may not set it to anything but
 * its default, so a manual run gets exactly the gates an alert would (README "Runbooks as data").
 */
import { z } from 'zod';
import { catalogueEntry } from '../domain/runbook-catalogue';
import type { ParamValue, RunbookDefinition, RunbookInputSpec } from '../domain/runbook-definition';
import { parseWhen } from '../domain/runbook-when';
import { inputNames } from './invariants';

const numberText = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

function valueSchema(spec: RunbookInputSpec): z.ZodType<ParamValue> {
  if (spec.type === 'boolean')
    return z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'expected true or false' });
  if (spec.type === 'number')
    return z.union([z.number().finite(), z.string().regex(numberText).transform(Number)], { error: 'expected a number' });
  return z.string({ error: 'expected text' }).max(1000);
}

/** The zod schema of a runbook's inputs: declared names only, each optional, typed as declared. */
export function inputsSchema(def: RunbookDefinition): z.ZodType<Record<string, ParamValue | undefined>> {
  const shape = Object.fromEntries(Object.entries(def.inputs).map(([name, spec]) => [name, valueSchema(spec).optional()]));
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `not an input of ${def.name} (inputs: ${Object.keys(def.inputs).join(', ') || 'none'})`
        : undefined,
  }) as unknown as z.ZodType<Record<string, ParamValue | undefined>>;
}

/** Where an input decides a gate: the first step entry whose `when:` reads it. */
export interface GateInput {
  input: string;
  index: number;
  step: string;
  when: string;
}

/** Every input that decides whether a person must agree (module docblock), with the step entry that reads it. */
export function gateInputs(def: RunbookDefinition): GateInput[] {
  const gated = new Set(
    def.steps.filter((s) => catalogueEntry(s.step).kind === 'gate' || (s.gate !== undefined && s.gate !== 'auto')).map((s) => s.step),
  );
  const out: GateInput[] = [];
  def.steps.forEach((s, index) => {
    if (!gated.has(s.step) || s.when === undefined) return;
    for (const input of inputNames(parseWhen(s.when)))
      if (!out.some((g) => g.input === input)) out.push({ input, index, step: s.step, when: s.when });
  });
  return out;
}

export type InputsCheck =
  | { ok: true; inputs: Record<string, ParamValue> }
  | { ok: false; kind: 'invalid' | 'decides-gate'; issues: { path: string; message: string }[] };

/**
 * The inputs as the run will see them (defaults filled in), or why not: a bad value or name
 * (`invalid`), or — for a manual run — a value other than the default for an input that decides a gate.
 */
export function checkInputs(def: RunbookDefinition, given: unknown, opts: { manual: boolean }): InputsCheck {
  const parsed = inputsSchema(def).safeParse(given ?? {});
  if (!parsed.success)
    return {
      ok: false,
      kind: 'invalid',
      issues: parsed.error.issues.flatMap((i) =>
        i.code === 'unrecognized_keys'
          ? i.keys.map((k) => ({ path: `inputs.${k}`, message: i.message }))
          : [{ path: ['inputs', ...i.path.map(String)].join('.'), message: i.message }],
      ),
    };
  const inputs = Object.fromEntries(Object.entries(def.inputs).map(([k, spec]) => [k, parsed.data[k] ?? spec.default]));
  if (opts.manual) {
    const forced = gateInputs(def).filter((g) => inputs[g.input] !== def.inputs[g.input]!.default);
    if (forced.length)
      return {
        ok: false,
        kind: 'decides-gate',
        issues: forced.map((g) => ({
          path: `inputs.${g.input}`,
          message: `decides whether a person must agree (steps.${g.index} "${g.step}" when: ${g.when}); a manual run keeps its default (${String(def.inputs[g.input]!.default)})`,
        })),
      };
  }
  return { ok: true, inputs };
}
