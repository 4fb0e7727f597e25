/**
 * The incident runbook's "breach assessment" point (DESIGN.md step 5): after the quarantine
 * chain, start the breach-notification child workflow (`<incidentId>/breach`) when the target's
 * data-classification tags say personal data, or when the entity profile makes a regime apply
 * without personal data (NIS2, DORA, SEC, NYDFS: their clocks then wait for the operator's
 * classification); afterwards, signal it the measures taken as later steps finish (replaced at,
 * evidence sealed), so its draft stays current.
 *
 * Parent close policy ABANDON: the regulatory clocks outlive the incident — an incident closed
 * after containment still owes its 72 h notice, and continue-as-new of the incident must not
 * cancel them. A breach workflow already running for the same resource (a reopened incident) is
 * joined, not duplicated. Failures here are logged on the timeline and never fail the runbook.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, getExternalWorkflowHandle, patched, proxyActivities, startChild } from '@temporalio/workflow';
import type { CordonActivities } from '../../activities';

import { profiles } from '../activity-profiles';
import { breachFactsSignal, type IncidentInput } from '../definitions';
import type { IncidentState } from '../runbook/incident-state';
import { isMeasureStep, measuresFromSteps } from './classification';
import { breachWorkflowId } from './ids';
import { nonPersonalDataRegimes } from '../../src/regulatory/registry';
import { profileOf } from './obligations';
import type { BreachNotificationInput } from './types';

const assess = proxyActivities<CordonActivities>(profiles.awsRead);
const nowIso = (): string => new Date().toISOString();

export class BreachHook {
  private started = false;

  constructor(
    private readonly input: IncidentInput,
    private readonly incident: IncidentState,
  ) {}

  /** `target`: what the runbook described (an instance, or an access key's principal): its tags classify the data. */
  async afterStep(name: string, target: { tags: Record<string, string> } | undefined): Promise<void> {
    // Histories without the 'breach-notification-hook' marker replay without the hook.
    if (this.input.dryRun || !patched('breach-notification-hook')) return;
    try {
      if (name === 'tag-quarantined' && !this.started && target) await this.assessAndStart(target);
      else if (this.started && isMeasureStep(name)) await this.signalMeasures();
    } catch (err) {
      this.incident.log({ at: nowIso(), kind: 'notification', message: `breach notification: ${(err as Error).message}` });
    }
  }

  private async assessAndStart(target: { tags: Record<string, string> }): Promise<void> {
    // Histories without the 'breach-classification-clocks' marker replay the tag-only assessment: untagged targets skipped, no clocks without personal data.
    const classifications = patched('breach-classification-clocks');
    if (!classifications && Object.keys(target.tags).length === 0) return; // untagged: nothing says personal data
    const { classification, settings } = await assess.assessBreach({ tags: target.tags });
    const withoutPersonalData = classifications && !classification.personalData ? nonPersonalDataRegimes(profileOf(settings)) : [];
    if (!classification.personalData && withoutPersonalData.length === 0) {
      this.incident.log({
        at: nowIso(),
        kind: 'notification',
        message: 'breach assessment: no personal data on the target per its classification tags; no notification clocks',
      });
      return;
    }
    const snap = this.incident.snapshot();
    const child: BreachNotificationInput = {
      incidentId: this.input.incidentId,
      resource: this.input.resource,
      detectedAt: this.incident.firstSeen() ?? snap.openedAt,
      alerts: snap.alerts.map((a) => ({ title: a.title, severity: a.severity })),
      classification,
      settings,
      measuresTaken: measuresFromSteps(snap.steps),
    };
    const id = breachWorkflowId(this.input.incidentId);
    try {
      await startChild('breachNotificationWorkflow', {
        workflowId: id,
        args: [child],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      const why = classification.personalData
        ? `personal data (${classification.subjectRegions.join(', ') || 'regions unknown'})`
        : `no personal data; ${withoutPersonalData.join(', ')} apply to the entity and wait for the incident's classification`;
      this.incident.log({ at: nowIso(), kind: 'notification', message: `breach assessment: ${why}; notification clocks started as ${id}` });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      this.incident.log({
        at: nowIso(),
        kind: 'notification',
        message: `breach assessment: personal data; joining the notification clocks already running as ${id}`,
      });
    }
    this.started = true;
    await this.signalMeasures();
  }

  private async signalMeasures(): Promise<void> {
    const snap = this.incident.snapshot();
    await getExternalWorkflowHandle(breachWorkflowId(this.input.incidentId)).signal(breachFactsSignal, {
      measuresTaken: measuresFromSteps(snap.steps),
      alerts: snap.alerts.map((a) => ({ title: a.title, severity: a.severity })),
    });
  }
}
