/**
 * Builds every activity from its dependencies: clients come in, nothing is constructed at
 * import. Workflows see this only through `import type { CordonActivities }`.
 * Containment (AWS.md §1.2 steps 0–11) lives in ./containment, recovery (§1.4) in ./recovery,
 * the fleet guard's reservations (a Temporal client, not AWS) in ./fleet-guard.ts.
 * Every mutating AWS activity takes `dryRun` and returns the calls it made or would make; the
 * fleet guard's are never called in plan mode.
 */
import type { AwsClients } from '../src/aws/clients';
import type { ResourceRef } from '../src/domain/incident';
import type { PeopleNotice } from '../src/domain/people-notice';
import { leaveAutoScalingGroup, protectFromScaleIn, type GroupMemberInput, type LeaveGroupInput } from './containment/auto-scaling';
import { cutCredentials, revokeOlderSessions, type CutCredentialsInput, type RevokeSessionsInput } from './containment/credentials';
import { describeTarget } from './containment/describe-target';
import { isolateNetwork, type IsolateNetworkInput } from './containment/isolate-network';
import { deregisterFromTargetGroups, type DeregisterTargetsInput } from './containment/load-balancers';
import { markInstance, type MarkInstanceInput } from './containment/mark-instance';
import { notifyPeople, type PeopleNotifierDeps } from './people-notices/people-notifier';
import { createBreachActivities, type BreachActivityDeps } from './regulator-notification/breach-activities';
import { protectEvidence, type ProtectEvidenceInput } from './containment/protect-evidence';
import { gatherImageCandidates, type GatherCandidatesInput } from './recovery/image-candidates';
import { startInstanceRefresh, type InstanceRefreshInput } from './recovery/instance-refresh';
import { pointGroupAtImage, restoreGroupLaunchTemplate, type PointGroupInput, type RestoreGroupInput } from './recovery/launch-template';
import { describeReplacement, type ReplacementStatusInput } from './recovery/replacement-status';
import os from 'node:os';
import type { EvidenceStore } from '../src/evidence/store';
import { createForensicsActivities, type MemoryCaptureConfig } from './forensics';
import { overrideContainment, releaseContainment, reserveContainment, type FleetGuardDeps, type FleetRequestBase, type OverrideInput, type ReserveInput } from './fleet-guard';

export { describeTarget } from './containment/describe-target';
export { isolateNetwork, isolationGroupName, untrackGroupName, type IsolateNetworkInput } from './containment/isolate-network';

export interface ActivityDeps {
  aws: AwsClients;
  config: {
    verifiedImageTag: string;
    dataTagPrefix: string;
    compromiseLookbackHours: number;
    /** Image ids trusted as known-good without the verified tag. */
    knownGoodImageAllowlist?: string[];
  };
  /** Paging people (approval needed, escalation): webhook targets; none configured → recorded only. */
  people?: PeopleNotifierDeps;
  /** Breach notification: organisation settings and the evidence store for the Art. 33(5) register. */
  breach?: BreachActivityDeps;
  /** Where evidence goes (write-once); without it every forensics activity fails non-retryably. */
  evidence?: {
    store: EvidenceStore;
    /** Recorded as `collector` on every artifact; defaults to `cordon-worker@host:pid`. */
    collector?: string;
    memory?: MemoryCaptureConfig;
  };
  /** The fleet guard: a Temporal client, the task queue the guard runs on, the budget (createCordonWorker wires it). */
  fleetGuard?: FleetGuardDeps;
}

export function createActivities(deps: ActivityDeps) {
  const { aws, config } = deps;
  return {
    async describeTarget(resource: ResourceRef) { return describeTarget(aws, resource); },
    async markInstance(input: MarkInstanceInput) { return markInstance(aws, input); },
    async protectEvidence(input: ProtectEvidenceInput) { return protectEvidence(aws, input); },
    async protectFromScaleIn(input: GroupMemberInput) { return protectFromScaleIn(aws, input); },
    async gatherImageCandidates(input: GatherCandidatesInput) { return gatherImageCandidates(aws, config, input); },
    async pointGroupAtImage(input: PointGroupInput) { return pointGroupAtImage(aws, input); },
    async leaveAutoScalingGroup(input: LeaveGroupInput) { return leaveAutoScalingGroup(aws, input); },
    async deregisterFromTargetGroups(input: DeregisterTargetsInput) { return deregisterFromTargetGroups(aws, input); },
    async isolateNetwork(input: IsolateNetworkInput) { return isolateNetwork(aws, input); },
    async cutCredentials(input: CutCredentialsInput) { return cutCredentials(aws, input); },
    async revokeOlderSessions(input: RevokeSessionsInput) { return revokeOlderSessions(aws, input); },
    async describeReplacement(input: ReplacementStatusInput) { return describeReplacement(aws, input); },
    async restoreGroupLaunchTemplate(input: RestoreGroupInput) { return restoreGroupLaunchTemplate(aws, input); },
    async startInstanceRefresh(input: InstanceRefreshInput) { return startInstanceRefresh(aws, input); },
    async notifyPeople(notice: PeopleNotice) { return notifyPeople(deps.people, notice); },
    async reserveContainment(input: ReserveInput) { return reserveContainment(deps.fleetGuard, input); },
    async overrideContainment(input: OverrideInput) { return overrideContainment(deps.fleetGuard, input); },
    async releaseContainment(input: FleetRequestBase) { return releaseContainment(deps.fleetGuard, input); },
    ...createBreachActivities(deps.breach, deps.people, config.dataTagPrefix, deps.evidence?.store),
    ...createForensicsActivities(deps.evidence && {
      aws, store: deps.evidence.store, memory: deps.evidence.memory,
      collector: deps.evidence.collector ?? `cordon-worker@${os.hostname()}:${process.pid}`,
    }),
  };
}

export type CordonActivities = ReturnType<typeof createActivities>;
