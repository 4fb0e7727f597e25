/**
 * A runbook as data: the validated shape of a runbook file (src/runbooks/ reads and checks
 * files), the pinned copy an incident carries in its input (name, version, content hash, steps),
 * and the resolution of its step list against the facts known at incident start.
 * Resolution: a step whose `when:` reads only `alert`, `inputs` or `policy` is decided at start
 * (left out when false); one that reads `target` stays in the list and is decided just before it
 * runs (skipped when false), since the target is described by the runbook's first step.
 * Plain data and pure functions: the workflow resolves the list itself, so a replay needs nothing else.
 */
import type { GateTimeoutOutcome } from './gate';
import type { IncidentAlert, ResourceKind, Severity } from './incident';
import { catalogueEntry, type StepName } from './runbook-catalogue';
import type { RunbookPolicy } from './runbook-policy';
import { evaluateWhen, parseWhen, whenRootsOf, type WhenFacts } from './runbook-when';

export type ParamValue = string | number | boolean;

/** `policy`: the severity policy's gate for this step; `auto`/`record-only`; or an approval gate of its own. */
export type RunbookGate =
  | 'policy'
  | 'auto'
  | 'record-only'
  | {
      mode: 'approve' | 'two-person';
      approverRoles: string[];
      forbidSelfApproval: boolean;
      timeoutMinutes: number;
      onTimeout: GateTimeoutOutcome;
      notify?: string[];
    };

export interface RunbookStepSpec {
  step: StepName;
  when?: string;
  gate?: RunbookGate;
  alongside?: boolean;
  params?: Record<string, ParamValue>;
  /** False switches the step's compensation off (only steps that have one). */
  compensate?: boolean;
}

export interface RunbookMatch {
  /** Alert sources (guardduty, securityhub, …); absent: any. */
  sources?: string[];
  /** Finding type patterns, `*` for any run of characters (e.g. `Backdoor:EC2/*`); absent: any. */
  findingTypes?: string[];
  resourceKind: ResourceKind;
  /** Severities it answers; absent: any. */
  severities?: Severity[];
}

export type RunbookInputSpec =
  | { type: 'boolean'; default: boolean; description?: string }
  | { type: 'number'; default: number; description?: string }
  | { type: 'string'; default: string; description?: string };

export interface RunbookDefinition {
  name: string;
  version: string;
  description?: string;
  matches: RunbookMatch;
  inputs: Record<string, RunbookInputSpec>;
  steps: RunbookStepSpec[];
}

/** What an incident runs: the definition as it was when the incident opened, and where it came from. */
export interface PinnedRunbook {
  name: string;
  version: string;
  /** sha256 of the file's bytes. */
  sha256: string;
  inputs: Record<string, ParamValue>;
  steps: RunbookStepSpec[];
}

/** What the incident shows of its runbook. */
export type RunbookRef = Pick<PinnedRunbook, 'name' | 'version' | 'sha256'>;

/** The alert facts `when:` reads (`alert.*`). */
export function alertFacts(alerts: readonly IncidentAlert[], severity: Severity): Record<string, unknown> {
  const first = alerts[0];
  const exfiltration = alerts.some((a) => a.indicators?.exfiltration === true);
  const commandAndControl = alerts.some((a) => a.indicators?.commandAndControl === true);
  return {
    source: first?.source ?? null,
    findingType: first?.findingType ?? null,
    title: first?.title ?? null,
    severity,
    exfiltration,
    commandAndControl,
    activeThreat: exfiltration || commandAndControl,
  };
}

/** The policy switches `when:` reads (`policy.*`). */
export function policyFacts(p: RunbookPolicy): Record<string, unknown> {
  return {
    contain: p.contain === 'record-only' ? 'record-only' : p.contain.mode,
    replace: p.replace.mode,
    isolateFirstOnActiveThreat: p.isolateFirstOnActiveThreat,
    leaveGroup: p.leaveGroup ?? 'detach',
    revokeSessions: !!p.revokeSessions && p.revokeSessions !== 'off',
    imageSuspect: !!p.imageSuspect,
    memory: p.forensics?.memory === true,
    trustAccusedImage: p.trustAccusedImage === true,
  };
}

/** True when the step's condition must wait for the described target. */
export function decidedAtRun(spec: RunbookStepSpec): boolean {
  return spec.when !== undefined && whenRootsOf(parseWhen(spec.when)).has('target');
}

/** Whether the step's `when:` holds (a step without one always runs). */
export function whenHolds(spec: RunbookStepSpec, facts: WhenFacts): boolean {
  return spec.when === undefined || evaluateWhen(parseWhen(spec.when), facts);
}

/** Two entries (variants) of one step both hold for an incident's facts: the runbook cannot say which one runs. */
export class RunbookVariantsOverlap extends Error {
  constructor(
    readonly step: StepName,
    /** Indexes of the two entries in the runbook's `steps`. */
    readonly entries: [number, number],
  ) {
    super(`step "${step}" holds twice for these facts: its variants' when: conditions overlap`);
    this.name = 'RunbookVariantsOverlap';
  }
}

/** A pinned runbook that cannot start for an incident's facts: the API refuses the request and starts nothing. */
export class RunbookCannotStart extends Error {
  constructor(
    readonly runbook: RunbookRef,
    readonly overlap: RunbookVariantsOverlap,
  ) {
    super(
      `runbook ${runbook.name} ${runbook.version}: steps.${overlap.entries[0]} and steps.${overlap.entries[1]} ("${overlap.step}") both hold for this alert — their when: conditions overlap, so the runbook cannot say which one runs; nothing was started: make the conditions exclusive`,
    );
    this.name = 'RunbookCannotStart';
  }
}

/** Resolves the pinned runbook for these facts as the workflow will; throws RunbookCannotStart when its variants overlap. */
export function checkRunbookStarts(runbook: PinnedRunbook, facts: WhenFacts): RunbookStepSpec[] {
  try {
    return resolveRunbookSteps(runbook.steps, facts);
  } catch (err) {
    if (err instanceof RunbookVariantsOverlap)
      throw new RunbookCannotStart({ name: runbook.name, version: runbook.version, sha256: runbook.sha256 }, err);
    throw err;
  }
}

/**
 * The steps this incident runs, in order: conditions over alert, inputs and policy decided now.
 * Throws RunbookVariantsOverlap when two entries for the same step both hold (a file whose variants overlap).
 */
export function resolveRunbookSteps(steps: readonly RunbookStepSpec[], facts: WhenFacts): RunbookStepSpec[] {
  const out: RunbookStepSpec[] = [];
  const index: number[] = [];
  steps.forEach((spec, i) => {
    if (!decidedAtRun(spec) && !whenHolds(spec, facts)) return;
    const earlier = out.findIndex((s) => s.step === spec.step);
    if (earlier >= 0) throw new RunbookVariantsOverlap(spec.step, [index[earlier]!, i]);
    out.push(spec);
    index.push(i);
  });
  return out;
}

/** Title of a step as the incident shows it. */
export function stepTitle(name: StepName): string {
  return catalogueEntry(name).title;
}
