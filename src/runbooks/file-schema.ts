/**
 * The zod schema of a runbook file (YAML, one runbook per file; README "Runbooks as data").
 * It checks the shape and, against the step catalogue, each step's name, gate, `alongside:`,
 * `compensate:` and typed parameters, and each `when:` expression's syntax; the engine's
 * invariants over the whole step list are in invariants.ts. Every issue carries the path of
 * the field it is about, so the loader can name its line and column.
 */
import { z } from 'zod';
import { catalogueEntry, isStepName, stepNames, type StepParam } from '../domain/runbook-catalogue';
import type { RunbookDefinition, RunbookGate } from '../domain/runbook-definition';
import { parseWhen, WhenSyntaxError } from '../domain/runbook-when';
import { resourceKinds } from '../domain/incident';

const severities = ['low', 'medium', 'high', 'critical'] as const;
const sources = ['guardduty', 'securityhub', 'cloudwatch-sns', 'alertmanager', 'generic'] as const;
const paramValue = z.union([z.string(), z.number(), z.boolean()]);

const gateSchema = z.union([
  z.enum(['policy', 'auto', 'record-only']),
  z
    .object({
      mode: z.enum(['approvers', 'two-person']),
      roles: z.array(z.string().min(1)).min(1).default(['approver']),
      timeoutMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(30),
      onTimeout: z.enum(['escalate', 'proceed', 'abort']).default('escalate'),
      selfApproval: z.enum(['forbidden', 'allowed']).default('forbidden'),
      notify: z.array(z.string().min(1)).optional(),
    })
    .strict(),
]);

function toGate(g: z.infer<typeof gateSchema>): RunbookGate {
  if (typeof g === 'string') return g;
  return {
    mode: g.mode === 'approvers' ? 'approve' : 'two-person',
    approverRoles: g.roles,
    forbidSelfApproval: g.selfApproval === 'forbidden',
    timeoutMinutes: g.timeoutMinutes,
    onTimeout: g.onTimeout,
    ...(g.notify ? { notify: g.notify } : {}),
  };
}

function paramIssue(p: StepParam, v: z.infer<typeof paramValue>): string | undefined {
  if (p.type === 'boolean') return typeof v === 'boolean' ? undefined : `expected true or false`;
  if (p.type === 'number')
    return typeof v === 'number' && v >= p.min && v <= p.max ? undefined : `expected a number from ${p.min} to ${p.max}`;
  return typeof v === 'string' && p.values.includes(v) ? undefined : `expected one of ${p.values.join(', ')}`;
}

const stepSchema = z
  .object({
    step: z.string(),
    when: z.string().optional(),
    gate: gateSchema.optional(),
    alongside: z.boolean().optional(),
    compensate: z.boolean().optional(),
    params: z.record(z.string(), paramValue).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!isStepName(s.step)) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: `no step "${s.step}" in the catalogue (steps: ${stepNames.join(', ')})` });
      return;
    }
    const entry = catalogueEntry(s.step);
    if (s.when !== undefined) {
      try {
        parseWhen(s.when);
      } catch (err) {
        if (!(err instanceof WhenSyntaxError)) throw err;
        ctx.addIssue({
          code: 'custom',
          path: ['when'],
          message: `when: ${err.message} (at character ${err.column})`,
          params: { column: err.column },
        });
      }
    }
    if (s.gate === 'policy' && !entry.policyGate)
      ctx.addIssue({
        code: 'custom',
        path: ['gate'],
        message: `"${s.step}" has no gate in the severity policy; give its gate as auto, record-only or { mode: approvers | two-person, … }`,
      });
    if (s.alongside && !entry.alongside)
      ctx.addIssue({
        code: 'custom',
        path: ['alongside'],
        message: `"${s.step}" cannot run alongside the chain (only forensics captures can)`,
      });
    if (s.compensate !== undefined && !entry.compensation)
      ctx.addIssue({ code: 'custom', path: ['compensate'], message: `"${s.step}" has no compensation` });
    for (const [name, value] of Object.entries(s.params ?? {})) {
      const p = entry.params.find((q) => q.name === name);
      if (!p) {
        const image = /image/i.test(name) && entry.effects.includes('uses-known-good');
        ctx.addIssue({
          code: 'custom',
          path: ['params', name],
          message: image
            ? `"${s.step}" takes no image: a replacement comes only from the known-good choice (the known-good step)`
            : `"${s.step}" has no parameter "${name}"${entry.params.length ? ` (parameters: ${entry.params.map((q) => q.name).join(', ')})` : ' (it takes none)'}`,
        });
        continue;
      }
      const problem = paramIssue(p, value);
      if (problem) ctx.addIssue({ code: 'custom', path: ['params', name], message: problem });
    }
  });

const inputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('boolean'), default: z.boolean(), description: z.string().optional() }).strict(),
  z.object({ type: z.literal('number'), default: z.number(), description: z.string().optional() }).strict(),
  z.object({ type: z.literal('string'), default: z.string(), description: z.string().optional() }).strict(),
]);

export const runbookFileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'expected lower-case letters, digits and dashes (2 to 63 characters)'),
    version: z.union([z.string().min(1), z.number()]).transform(String),
    description: z.string().optional(),
    matches: z
      .object({
        resourceKind: z.enum(resourceKinds, { error: `expected one of ${resourceKinds.join(', ')}` }),
        sources: z.array(z.enum(sources)).min(1).optional(),
        findingTypes: z.array(z.string().min(1).max(200)).min(1).optional(),
        severities: z.array(z.enum(severities)).min(1).optional(),
      })
      .strict(),
    inputs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a name of letters, digits and _'), inputSchema).default({}),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

/** The file's data as the engine keeps it (catalogue names typed, gates in the engine's terms). */
export function toDefinition(f: z.infer<typeof runbookFileSchema>): RunbookDefinition {
  return {
    name: f.name,
    version: f.version,
    ...(f.description ? { description: f.description } : {}),
    matches: f.matches,
    inputs: f.inputs,
    steps: f.steps.map((s) => ({
      step: s.step as RunbookDefinition['steps'][number]['step'],
      ...(s.when !== undefined ? { when: s.when } : {}),
      ...(s.gate !== undefined ? { gate: toGate(s.gate) } : {}),
      ...(s.alongside !== undefined ? { alongside: s.alongside } : {}),
      ...(s.compensate !== undefined ? { compensate: s.compensate } : {}),
      ...(s.params ? { params: s.params } : {}),
    })),
  };
}
