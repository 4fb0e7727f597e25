/**
 * The incident runbook: one workflow per accused instance while the incident is open.
 * Order: the runbook pinned in the input when the API chose one (runbook/definition-run.ts), else the
 * built-in order (DESIGN.md, AWS.md §1.2, runbook/step-order.ts): record state → gate "contain" →
 * the quarantine chain → gate "replace" → durable verification of the clean replacement (with
 * compensation) → optional gated instance refresh; then the incident stays open, tallying late
 * alerts, until an operator closes it. Plan mode (`dryRun`) returns the full plan at once.
 * Deterministic: all side effects are activities; time comes from the workflow clock. The
 * quarantine chain runs as local activities: it is latency-critical and every step is idempotent,
 * so re-running a step after a lost workflow task is safe. The chain runs inside a reservation
 * from the group's fleet guard (runbook/fleet-steps.ts: asked by a local activity beside the
 * chain's first steps as soon as containment is approved, returned by a regular activity).
 * Snapshots and memory start inside the chain (before isolation) and finish beside it
 * (runbook/forensics-steps.ts `startInChain`). Every evidence chain head an activity returns or
 * the API signals is kept as an anchor (runbook/evidence-anchors.ts, `evidenceHeadsQuery`) and
 * carried through continue-as-new.
 */
import {
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  log,
  proxyActivities,
  proxyLocalActivities,
  patched,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { CordonActivities } from '../activities';
import { ErrorType } from '../src/domain/errors';
import type { IncidentAlert, IncidentSnapshot } from '../src/domain/incident';
import { requesterIdentity } from '../src/domain/provenance';
import { profiles } from './activity-profiles';
import {
  alertReceivedSignal,
  alertsReceivedSignal,
  closeIncidentUpdate,
  decideStepUpdate,
  evidenceHeadSignal,
  evidenceHeadsQuery,
  incidentStateQuery,
  type EvidenceAnchorCarry,
  type IncidentInput,
} from './definitions';
import { type OperatorIdentity, type StepDecision } from '../src/domain/gate';
import { carriedRunbook, resolvePinned } from './runbook/definition-run';
import { EvidenceAnchors, registerEvidenceAnchors } from './runbook/evidence-anchors';
import { startInChain } from './runbook/forensics-steps';
import { askFleetEarly } from './runbook/fleet-steps';
import { GateKeeper } from './runbook/gate-keeper';
import { IncidentState, type StepDefinition } from './runbook/incident-state';
import { SeverityEscalation } from './people-notices/escalation';
import { Pager } from './people-notices/pager';
import { outcomeSummary, runStep, type RunContext } from './runbook/runner';
import { recoverySteps, runbookStepNames, stepTitles, type StepName } from './runbook/step-order';
import { stepRegistry } from './runbook/step-registry';
import { BreachHook } from './regulator-notification/incident-hook';
import { AuditFlusher, flushAudit, registerAuditFlusher } from './runbook/audit-flush';
import { refusal, refuse } from './refusal';

const read = proxyActivities<CordonActivities>(profiles.awsRead);
const mutate = proxyActivities<CordonActivities>(profiles.awsMutation);
const chain = proxyLocalActivities<CordonActivities>({ ...profiles.awsMutation, localRetryThreshold: '10s' });
const people = proxyActivities<CordonActivities>(profiles.notify);

/** The default runbook's steps (no active-threat indicators), for callers that list them. */
export const incidentSteps: StepDefinition[] = runbookStepNames(
  {
    contain: 'record-only',
    replace: { mode: 'auto', approverRoles: [], forbidSelfApproval: false, timeoutMinutes: 1, onTimeout: 'abort' },
    isolateFirstOnActiveThreat: false,
  },
  { activeThreat: false },
).map((name) => ({ name, title: stepTitles[name] }));

const nowIso = (): string => new Date().toISOString();
/** Who hears of a failed step: every contact the policy's gates name. */
const responders = (policy: IncidentInput['policy']): string[] => [
  ...new Set([policy.contain, policy.replace].flatMap((g) => (g === 'record-only' ? [] : [...(g.notify ?? []), ...(g.escalateTo ?? [])]))),
];
/** Continue-as-new well before Temporal's history limits during an alert storm (unless the API's input sets another count). */
const CONTINUE_AFTER_EVENTS = 10_000;
/** Longest an open incident's new timeline entries wait to reach the audit trail together. */
const AUDIT_COALESCE_MS = 1000;

export async function incidentWorkflow(input: IncidentInput & EvidenceAnchorCarry): Promise<IncidentSnapshot> {
  // The starting alert arrives with signal-with-start; its indicators decide the order, so it is held until the state exists.
  const early: IncidentAlert[] = [];
  let state: IncidentState | undefined;
  const receive = (alert: IncidentAlert) => {
    if (state) state.recordAlert(alert);
    else early.push(alert);
  };
  setHandler(alertReceivedSignal, receive);
  // The runbook reads its policy from `live`: a later, more severe alert may tighten it (people-notices/escalation.ts).
  const live: IncidentInput = { ...input };
  const escalation = new SeverityEscalation(live);
  // Every sender of an alert for this incident asked for its actions: four-eyes refuses their approval.
  const requesters: string[] = input.requesters
    ? [...input.requesters]
    : [input.provenance ? requesterIdentity(input.provenance.requestedBy) : input.openedBy];
  const notes: string[] = [];
  let onSender: ((identity: string) => void) | undefined;
  setHandler(alertsReceivedSignal, (alerts, hint) => {
    for (const alert of alerts) receive(alert);
    if (hint?.requestedBy)
      (
        onSender ??
        ((id: string) => {
          if (!requesters.includes(id)) requesters.push(id);
        })
      )(requesterIdentity(hint.requestedBy));
    for (const message of hint?.notes ?? []) {
      if (state) state.log({ at: nowIso(), kind: 'note', message });
      else notes.push(message);
    }
    escalation.offer(hint);
  });
  const activeThreat = early.some((a) => a.indicators?.exfiltration || a.indicators?.commandAndControl);
  // After continue-as-new the carried steps are the runbook (their order and the steps that existed when it opened);
  // a second pass after an escalation must walk those, not today's list. Histories without the marker replay today's list.
  const carriedNames = input.carried?.steps?.map((s) => s.name as StepName);
  // A pinned runbook (chosen by the API at start, carried in the input) decides the steps; histories without the
  // 'runbook-definition' marker never carried one and replay the built-in order.
  const pinned = input.runbook && patched('runbook-definition') ? resolvePinned(input.runbook, input, early, () => live) : undefined;
  const names =
    carriedNames && patched('carried-step-names')
      ? carriedNames
      : pinned
        ? pinned.specs.map((s) => s.step)
        : runbookStepNames(input.policy, { activeThreat });
  if (input.runbook && pinned) live.runbook = carriedRunbook(input.runbook, pinned.specs);
  const incident = new IncidentState(
    input,
    names.map((name) => ({ name, title: stepTitles[name] })),
    nowIso(),
  );
  state = incident;
  // The timeline's hash-chained export to the evidence store (runbook/audit-flush.ts).
  const audit = registerAuditFlusher(incident, new AuditFlusher(input.incidentId, incident, !input.dryRun, input.carried));
  const anchors = registerEvidenceAnchors(incident, new EvidenceAnchors(input.evidenceAnchors));
  setHandler(evidenceHeadsQuery, () => anchors.snapshot());
  setHandler(evidenceHeadSignal, (head) => anchors.note(head.log, head, head.via, nowIso()));
  // The incidents list reads phase, severity and pending approvals from the memo, not by querying every workflow.
  // Histories without the 'incident-summary-memo' marker replay without memo updates.
  if (patched('incident-summary-memo')) incident.onSummaryChange((summary) => upsertMemo({ ...summary }));
  for (const alert of early) incident.recordAlert(alert);
  for (const message of notes) incident.log({ at: nowIso(), kind: 'note', message });
  if (input.runbook && pinned && !input.carried) {
    const r = input.runbook;
    incident.log({
      at: nowIso(),
      kind: 'note',
      message: `runbook ${r.name} ${r.version} (sha256 ${r.sha256.slice(0, 12)}…) pinned at start: ${names.length} steps`,
      data: { name: r.name, version: r.version, sha256: r.sha256, steps: names },
    });
  }
  const isolatesFirst = pinned
    ? names.indexOf('isolate') >= 0 && names.indexOf('isolate') < names.indexOf('protect-evidence')
    : input.policy.isolateFirstOnActiveThreat;
  if (activeThreat && isolatesFirst && !input.carried)
    incident.log({
      at: nowIso(),
      kind: 'note',
      message: 'alert shows exfiltration or command-and-control: isolating first (AWS.md §1.2 step 7 note)',
    });

  const pager = new Pager(incident, {
    incidentId: input.incidentId,
    severity: () => incident.snapshot().severity,
    notify: input.dryRun ? undefined : (notice) => people.notifyPeople(notice),
  });
  const gates = new GateKeeper(incident, { requesters, pager, rehearse: false });
  onSender = (identity) => gates.addRequester(identity);
  escalation.attach(incident, gates);
  let closeRequested = false;
  setHandler(incidentStateQuery, () => incident.snapshot());
  setHandler(decideStepUpdate, (d: StepDecision) => gates.decide(d), {
    validator: (d: StepDecision) => {
      refuse(gates.refuse(d));
    },
  });
  setHandler(
    closeIncidentUpdate,
    ({ operator, reason }) => {
      closeRequested = true;
      gates.close();
      incident.log({ at: nowIso(), kind: 'note', actor: operator.name, message: `closed by ${operator.name}: ${reason}` });
      return { closed: true };
    },
    {
      validator: ({ operator, reason }: { operator: OperatorIdentity; reason: string }) => {
        if (!operator.roles.some((r) => ['responder', 'approver', 'admin'].includes(r)))
          throw refusal(ErrorType.Forbidden, `${operator.name} may not close incidents`);
        if (!reason.trim()) throw refusal(ErrorType.ReasonRequired, 'a reason is required to close an incident');
      },
    },
  );

  const breach = new BreachHook(input, incident);
  /** One pass over the runbook's steps (a second one only after an escalation from record-only). */
  const runRunbook = async (): Promise<void> => {
    // A failed step pages the gates' contacts with its reason (e.g. a permanent AWS error and what to grant).
    // Histories without the 'page-on-step-failure' marker replay without the page.
    const onStepFailed = (step: StepName, reason: string) => {
      if (patched('page-on-step-failure'))
        pager.page({ step, kind: 'step-failed', round: 0, to: responders(live.policy), message: `${stepTitles[step]} failed: ${reason}` });
    };
    const ctx: RunContext = {
      input: live,
      state: incident,
      gates,
      facts: {},
      chain,
      read,
      mutate,
      onStepFailed,
      runbook: pinned?.behaviour,
      onGateWaiting: () => flushAudit(incident),
    };
    const status = (n: StepName) => (incident.hasStep(n) ? incident.step(n).status : undefined);
    // AWS.md §1.2 step 8: snapshots (and the hypervisor's console output) need no network from the instance, so they
    // run beside the quarantine chain instead of delaying isolation; the runbook waits for them before recovery.
    // Histories without the 'forensics-alongside-chain' marker replay them inline.
    // Snapshots and memory start in the chain and finish beside it (AWS.md §1.2: CreateSnapshots right after evidence
    // protection, memory within its budget before isolation). Histories without 'evidence-start-in-chain' replay without the chain half.
    const startFirst = patched('evidence-start-in-chain');
    const builtIn: StepName[] = patched('forensics-alongside-chain')
      ? ['snapshot-volumes', 'capture-console', ...(startFirst ? ['capture-memory' as const] : [])]
      : [];
    // A pinned runbook says which steps run alongside (`alongside: true`).
    const alongside = new Set<StepName>(pinned ? pinned.specs.filter((s) => s.alongside).map((s) => s.step) : builtIn);
    const running: Promise<void>[] = [];
    for (const name of names) {
      if (alongside.has(name)) {
        if (startFirst) await startInChain(name, ctx);
        running.push(runStep(ctx, stepRegistry.get(name)!).then(() => breach.afterStep(name, ctx.facts.target ?? ctx.facts.principal)));
        continue;
      }
      if (recoverySteps.includes(name)) await Promise.all(running);
      const phase = incident.phase;
      incident.applyPhaseRules('before', name, nowIso());
      await runStep(ctx, stepRegistry.get(name)!);
      incident.applyPhaseRules('after', name, nowIso());
      // Containment approved: the group's fleet reservation is asked now, so it overlaps the chain's first steps.
      if (name === 'contain' && status('contain') === 'done') askFleetEarly(ctx);
      if (incident.phase !== phase) void audit.flush();
      // Breach assessment after the quarantine chain; later steps feed the notice's measures taken.
      await breach.afterStep(name, ctx.facts.target ?? ctx.facts.principal);
    }
    await Promise.all(running);
    const outcome = outcomeSummary(incident);
    incident.log({ at: nowIso(), kind: 'note', message: outcome.message, data: { done: outcome.done, notDone: outcome.notDone } });
  };
  if (!input.carried) await runRunbook();

  // Plan mode returns the plan at once: the incident id is per resource, so a lingering dry run would capture real alerts.
  if (input.dryRun) {
    await condition(allHandlersFinished);
    return incident.snapshot();
  }
  // The incident stays open for late alerts and operators until someone closes it; new timeline entries reach the audit trail as they come.
  const continueAfter = input.continueAsNewAfterEvents ?? CONTINUE_AFTER_EVENTS;
  const leaving = () => closeRequested || workflowInfo().historyLength > continueAfter;
  while (!leaving()) {
    if (escalation.needsRerun()) {
      escalation.markRerun();
      for (const name of names) incident.resetStep(name);
      incident.log({ at: nowIso(), kind: 'note', message: "running the runbook again under the raised severity's policy" });
      await runRunbook();
      continue;
    }
    void audit.flush();
    const seen = incident.timeline.length;
    await condition(() => leaving() || incident.timeline.length > seen);
    // A storm of new findings would cost one audit write (an activity and a workflow task) per
    // alert; waiting a quiet second lets one write carry them all. History holds them meanwhile.
    // Histories without the 'coalesce-idle-audit-flush' marker replay flushing at once. A raised
    // severity that reruns the runbook ends the quiet second at once: containment never waits on
    // an audit write (histories without 'rerun-ends-coalescing' replay waiting the whole second).
    if (!leaving() && patched('coalesce-idle-audit-flush')) {
      const rerunEndsWait = patched('rerun-ends-coalescing');
      await condition(() => leaving() || (rerunEndsWait && escalation.needsRerun()), AUDIT_COALESCE_MS);
    }
  }
  await condition(allHandlersFinished);
  if (!closeRequested) {
    await audit.flush();
    log.info('continuing as new to keep history small', { incidentId: input.incidentId });
    const next: IncidentInput & EvidenceAnchorCarry = {
      ...live,
      requesters: gates.requesterIdentities,
      carried: incident.snapshot(),
      evidenceAnchors: anchors.snapshot(),
    };
    // Left to itself the next run gets the memo the incident started with, and the incidents list reads phase,
    // severity and pending approvals from it: carry the current one. Histories without 'carry-memo-on-continue' replay without it.
    const carryMemo = patched('carry-memo-on-continue') ? { memo: workflowInfo().memo } : {};
    await makeContinueAsNewFunc<typeof incidentWorkflow>(carryMemo)(next);
  }
  incident.setPhase('closed', nowIso());
  await audit.flush();
  return incident.snapshot();
}
