/**
 * Pages people about one incident (approval needed, reminders, escalations, a failed step)
 * through the notifier the workflow passes in — an activity there, so this module stays free of
 * activity proxies and unit-testable.
 * Invariants: fire-and-record — a page never blocks the runbook or a gate's timer (a notifier
 * outage must not delay an escalation), and its outcome (delivered, recorded only, or failed)
 * is written to the timeline, never thrown; every page carries an idempotency key stable per
 * (incident, step, kind, round), so activity retries never page anyone twice.
 */
import type { PeopleNotice } from '../../src/domain/people-notice';
import type { Severity } from '../../src/domain/incident';
import type { IncidentState } from '../runbook/incident-state';

const nowIso = (): string => new Date().toISOString();
/** The activity's own message, not the wrapper's "Activity task failed". */
const causeText = (err: unknown): string => {
  const e = err as { message?: string; cause?: { message?: string } };
  return e.cause?.message ?? e.message ?? String(err);
};

export type Notify = (notice: PeopleNotice) => Promise<{ delivered: string[]; skipped: string[] }>;

export interface PagerOptions {
  incidentId: string;
  severity: () => Severity;
  /** Delivers a notice (the workflow passes an activity); none (plan mode): nobody is paged. */
  notify?: Notify;
}

export interface Page {
  step: string;
  kind: PeopleNotice['kind'];
  round: number;
  to: string[];
  message: string;
  approverRoles?: string[];
  approvalsNeeded?: number;
}

export class Pager {
  constructor(
    private readonly state: IncidentState,
    private readonly opts: PagerOptions,
  ) {}

  page(p: Page): void {
    const { notify, incidentId } = this.opts;
    if (!notify) return;
    const { step, kind, round, to, message } = p;
    const notice: PeopleNotice = {
      kind,
      idempotencyKey: `${incidentId}/${step}/${kind}/${round}`,
      incidentId,
      step,
      stepTitle: this.state.step(step).title,
      severity: this.opts.severity(),
      to,
      message,
      round,
      at: nowIso(),
      approverRoles: p.approverRoles ?? [],
      approvalsNeeded: p.approvalsNeeded ?? 0,
    };
    const what = kind.replace('-', ' ');
    notify(notice).then(
      (r) => {
        const via = [...r.skipped, ...r.delivered];
        const text = via.length
          ? `notified${to.length ? ` ${to.join(', ')}` : ''} via ${via.join(', ')}: ${what}`
          : `${what} recorded (no notifier configured)${to.length ? ` for ${to.join(', ')}` : ''}`;
        this.state.log({ at: nowIso(), kind: 'notification', step, message: text, data: { idempotencyKey: notice.idempotencyKey } });
      },
      (err: unknown) =>
        this.state.log({
          at: nowIso(),
          kind: 'notification',
          step,
          message: `could not notify (${kind}): ${causeText(err)}`,
          data: { idempotencyKey: notice.idempotencyKey },
        }),
    );
  }
}
