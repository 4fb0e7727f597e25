/**
 * The breach-notification workflow: a child of the incident (id `<incidentId>/breach`) that runs
 * one clock per applicable obligation (REGULATORY.md §1, §2, §5, §17), pages people before and at
 * each due instant and escalates after it, keeps the Art. 33 draft current, and writes the
 * Art. 33(5) register entry when every clock that needs a person is resolved.
 *
 * Deterministic: time is the workflow clock; pages and the register go through activities. The
 * main loop sleeps until the next planned event or until a message changes the state, so a
 * recorded submission stops the reminders at once, a recorded awareness re-plans every clock, a
 * recorded anchor event or classification (NIS2 significant, DORA major, SEC material, NYDFS
 * incident) starts the clocks waiting for it — personal data or not — a law-enforcement delay
 * pauses the clocks it names until its time box ends or it is lifted, and a risk assessment adds
 * Art. 34 (high) or shows it as not required (lowered).
 * Updates are refused by their validators before they touch history (STYLE.md). A workflow whose
 * history lacks the `entity-profile-clocks` marker (started before anchors per regime) keeps the
 * rules it planned its timers by (notification/legacy-rules.ts).
 */
import { allHandlersFinished, condition, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CordonActivities } from '../activities';
import { profiles } from './activity-profiles';
import {
  assessRiskUpdate,
  breachDraftQuery,
  breachFactsSignal,
  breachStateQuery,
  declareNotRequiredUpdate,
  endDelayUpdate,
  recordAnchorUpdate,
  recordClassificationUpdate,
  recordSubmissionUpdate,
  setAwarenessUpdate,
  startDelayUpdate,
} from './definitions';
import { BreachState } from './regulator-notification/breach-state';
import { refuse } from './refusal';
import type { BreachNotificationInput, BreachRecord } from './regulator-notification/types';

const notifier = proxyActivities<CordonActivities>(profiles.notify);
const evidence = proxyActivities<CordonActivities>(profiles.awsMutation);

const nowIso = (): string => new Date().toISOString();

export async function breachNotificationWorkflow(input: BreachNotificationInput): Promise<BreachRecord> {
  // Histories without the 'entity-profile-clocks' marker replay with the rules they planned their timers by (legacy-rules.ts).
  const state = new BreachState(input, nowIso(), patched('entity-profile-clocks') ? 2 : 1);
  const workflowId = workflowInfo().workflowId;

  setHandler(breachStateQuery, () => state.view(nowIso()));
  setHandler(breachDraftQuery, () => state.draft(nowIso()));
  setHandler(breachFactsSignal, (facts) => state.applyFacts(facts));
  setHandler(recordSubmissionUpdate, (s) => state.recordSubmission(s, nowIso()), {
    validator: (s) => refuse(state.refuseSubmission(s, nowIso())),
  });
  setHandler(setAwarenessUpdate, (a) => state.setAwareness(a, nowIso()), { validator: (a) => refuse(state.refuseAwareness(a, nowIso())) });
  setHandler(declareNotRequiredUpdate, (d) => state.declareNotRequired(d, nowIso()), {
    validator: (d) => refuse(state.refuseNotRequired(d, nowIso())),
  });
  setHandler(recordAnchorUpdate, (a) => state.recordAnchor(a, nowIso()), { validator: (a) => refuse(state.refuseAnchor(a, nowIso())) });
  setHandler(assessRiskUpdate, (a) => state.assessRisk(a, nowIso()), { validator: (a) => refuse(state.refuseRiskAssessment(a)) });
  setHandler(recordClassificationUpdate, (c) => state.recordClassification(c, nowIso()), {
    validator: (c) => refuse(state.refuseClassification(c, nowIso())),
  });
  setHandler(startDelayUpdate, (d) => state.startDelay(d, nowIso()), { validator: (d) => refuse(state.refuseStartDelay(d, nowIso())) });
  setHandler(endDelayUpdate, (e) => state.endDelay(e), { validator: (e) => refuse(state.refuseEndDelay(e, nowIso())) });

  for (;;) {
    for (const req of state.takeDueEvents(nowIso(), workflowId)) {
      const key = req.idempotencyKey.slice(workflowId.length + 1);
      try {
        const r = await notifier.sendDeadlineNotice(req);
        state.noteSent(req, key, nowIso(), r.delivered.length > 0 ? 'delivered' : 'recorded', r.delivered.join(', ') || undefined);
      } catch (err) {
        // A page that cannot be delivered must not stop the clocks; the failure is on record.
        state.noteSent(req, key, nowIso(), 'failed', (err as Error).message);
        log.warn('deadline notice failed', { key, error: (err as Error).message });
      }
    }
    if (state.complete(nowIso())) break;
    const next = state.nextEventAt(nowIso());
    const seen = state.version;
    const wait = next === undefined ? undefined : Math.max(1, Date.parse(next) - new Date().getTime());
    if (wait === undefined) await condition(() => state.version !== seen);
    else await condition(() => state.version !== seen, wait);
  }

  await condition(allHandlersFinished);
  const now = nowIso();
  const entry = state.registerEntry(now);
  const written = await evidence.writeBreachRegister({ incidentId: input.incidentId, entry });
  state.close(nowIso(), { entry, location: written.location });
  return state.record();
}
