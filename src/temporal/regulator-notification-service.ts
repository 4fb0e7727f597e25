/**
 * The API's and CLI's door to breach-notification workflows (`<incidentId>/breach`): read the
 * clocks and the draft by query, list every open clock across incidents (visibility listing of
 * running breach workflows, then one query each), show the entity profile, and forward
 * submissions, awareness, anchor events, classifications, law-enforcement delays, risk
 * assessments and "not required" decisions as updates (their validators answer refusals).
 *
 * Clock states are recomputed with the caller's "now" (the query's own "now" is the workflow's
 * last task time, which can be hours old while a clock sleeps).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  assessRiskUpdate,
  breachDraftQuery,
  breachStateQuery,
  declareNotRequiredUpdate,
  endDelayUpdate,
  recordAnchorUpdate,
  recordClassificationUpdate,
  recordSubmissionUpdate,
  setAwarenessUpdate,
  startDelayUpdate,
  type AssessRisk,
  type DeclareNotRequired,
  type EndDelay,
  type RecordAnchor,
  type RecordClassification,
  type RecordSubmission,
  type SetAwareness,
  type StartDelay,
} from '../../workflows/definitions';
import { withCallDeadline } from './call-deadline';
import { profileView, type ProfileView } from '../regulatory/profile-view';
import { profileFromShorthand, type EntityProfile } from '../regulatory/profile';
import { clockViews } from '../../workflows/regulator-notification/clocks';
import { breachWorkflowId } from '../../workflows/regulator-notification/ids';
import type { BreachView, ClockView, DraftView } from '../../workflows/regulator-notification/types';

export interface OpenDeadline extends ClockView {
  incidentId: string;
}

export class NotificationService {
  private readonly entity: EntityProfile;

  /**
   * `profile`: the configured entity profile (default: an EU controller, the shorthand's default).
   * `callDeadlineMs`: deadline of each read (call-deadline.ts); updates wait for the workflow and carry none.
   */
  constructor(
    private readonly client: Client,
    profile?: EntityProfile,
    private readonly callDeadlineMs?: number,
  ) {
    this.entity = profile ?? profileFromShorthand(['EU'], []);
  }

  /** The entity profile, what it makes apply, and the defaults in use. */
  profile(): ProfileView {
    return profileView(this.entity);
  }

  private handle(incidentId: string) {
    return this.client.workflow.getHandle(breachWorkflowId(incidentId));
  }

  /** Clocks and draft, or undefined when the incident has no breach workflow. */
  async get(incidentId: string, now = new Date()): Promise<{ state: BreachView; draft: DraftView } | undefined> {
    try {
      const h = this.handle(incidentId);
      const [state, draft] = await withCallDeadline(this.client, this.callDeadlineMs, () =>
        Promise.all([h.query(breachStateQuery), h.query(breachDraftQuery)]),
      );
      return { state: fresh(state, now), draft };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** Every unresolved clock of every running breach workflow, soonest due first (qualitative ones last). */
  async deadlines(now = new Date(), limit = 200): Promise<OpenDeadline[]> {
    const within = <T>(fn: () => Promise<T>) => withCallDeadline(this.client, this.callDeadlineMs, fn);
    const ids = await within(async () => {
      const found: string[] = [];
      for await (const wf of this.client.workflow.list({
        query: `WorkflowType = 'breachNotificationWorkflow' AND ExecutionStatus = 'Running'`,
      })) {
        if (found.length >= limit) break;
        found.push(wf.workflowId);
      }
      return found;
    });
    const out: OpenDeadline[] = [];
    for (const id of ids) {
      const view = await within(() => this.client.workflow.getHandle(id).query(breachStateQuery)).catch(() => undefined);
      if (!view) continue;
      for (const c of fresh(view, now).clocks) if (!c.resolved) out.push({ ...c, incidentId: view.record.incidentId });
    }
    const dueMs = (d: OpenDeadline) => (d.dueAt ? Date.parse(d.dueAt) : Number.POSITIVE_INFINITY);
    return out.sort((a, b) => dueMs(a) - dueMs(b));
  }

  async submit(incidentId: string, submission: RecordSubmission) {
    return this.handle(incidentId).executeUpdate(recordSubmissionUpdate, { args: [submission] });
  }

  async setAwareness(incidentId: string, awareness: SetAwareness) {
    return this.handle(incidentId).executeUpdate(setAwarenessUpdate, { args: [awareness] });
  }

  async declareNotRequired(incidentId: string, decision: DeclareNotRequired) {
    return this.handle(incidentId).executeUpdate(declareNotRequiredUpdate, { args: [decision] });
  }

  async recordAnchor(incidentId: string, event: RecordAnchor) {
    return this.handle(incidentId).executeUpdate(recordAnchorUpdate, { args: [event] });
  }

  async assessRisk(incidentId: string, assessment: AssessRisk) {
    return this.handle(incidentId).executeUpdate(assessRiskUpdate, { args: [assessment] });
  }

  async classify(incidentId: string, classification: RecordClassification) {
    return this.handle(incidentId).executeUpdate(recordClassificationUpdate, { args: [classification] });
  }

  async startDelay(incidentId: string, delay: StartDelay) {
    return this.handle(incidentId).executeUpdate(startDelayUpdate, { args: [delay] });
  }

  async endDelay(incidentId: string, end: EndDelay) {
    return this.handle(incidentId).executeUpdate(endDelayUpdate, { args: [end] });
  }
}

function fresh(view: BreachView, now: Date): BreachView {
  return { ...view, now: now.toISOString(), ...clockViews(view.record, now.toISOString()) };
}
