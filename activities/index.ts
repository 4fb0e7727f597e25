/**
 * Builds every activity from its dependencies: clients come in, nothing is constructed at
 * import. Workflows see this only through `import type { CordonActivities }`.
 * Containment (AWS.md §1.2 steps 0–11) lives in ./containment, an accused IAM principal's
 * (AWS.md Part 3) in ./principal, recovery (§1.4) in ./recovery,
 * the fleet guard's reservations (a Temporal client, not AWS) in ./fleet-guard.ts.
 * Every mutating AWS activity takes `dryRun` and returns the calls it made or would make; the
 * fleet guard's are never called in plan mode. Every AWS activity acts in the account and region
 * of the resource its input carries (acting-account.ts); the evidence store is the worker's own.
 */
import type { AccountRouter } from '../src/aws/account-router';
import type { AwsClients } from '../src/aws/clients';
import type { AccessKeyRef, InstanceRef } from '../src/domain/incident';
import type { PeopleNotice } from '../src/domain/people-notice';
import { leaveAutoScalingGroup, protectFromScaleIn, type GroupMemberInput, type LeaveGroupInput } from './containment/auto-scaling';
import { cutCredentials, revokeOlderSessions, type CutCredentialsInput, type RevokeSessionsInput } from './containment/credentials';
import { describeTarget } from './containment/describe-target';
import { describePrincipal } from './principal/describe-principal';
import {
  deactivateAccessKey,
  denyOlderSessions,
  markPrincipal,
  type DeactivateKeyInput,
  type DenyOlderSessionsInput,
  type MarkPrincipalInput,
} from './principal/contain-principal';
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
import { actingClients, type InAccount } from './acting-account';
import { createForensicsActivities, type MemoryCaptureConfig } from './forensics';
import {
  overrideContainment,
  releaseContainment,
  reserveContainment,
  type FleetGuardDeps,
  type FleetRequestBase,
  type OverrideInput,
  type ReserveInput,
} from './fleet-guard';

export { describeTarget } from './containment/describe-target';
export { isolateNetwork, isolationGroupName, untrackGroupName, type IsolateNetworkInput } from './containment/isolate-network';

export interface ActivityDeps {
  /** The worker's own clients: default credential chain, AWS_REGION (the Cordon account). */
  aws: AwsClients;
  /**
   * Where each incident acts (its resource's account and region; assumed roles in member accounts).
   * Without it every activity acts with `aws`, whatever the resource says.
   */
  accounts?: AccountRouter;
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
  /** The fleet guard: a Temporal client, the guards' own task queue, the budget (createCordonWorker wires it). */
  fleetGuard?: FleetGuardDeps;
}

export function createActivities(deps: ActivityDeps) {
  const { config } = deps;
  const access = { home: deps.aws, router: deps.accounts };
  /** The clients of the account and region the input's resource is in. */
  const at = async (input: InAccount) => (await actingClients(access, input)).aws;
  return {
    async describeTarget(resource: InstanceRef) {
      return describeTarget(await at({ resource }), resource);
    },
    async describePrincipal(resource: AccessKeyRef) {
      return describePrincipal(await at({ resource }), resource);
    },
    async markPrincipal(input: MarkPrincipalInput & InAccount) {
      return markPrincipal(await at(input), input);
    },
    async deactivateAccessKey(input: DeactivateKeyInput & InAccount) {
      return deactivateAccessKey(await at(input), input);
    },
    async denyOlderSessions(input: DenyOlderSessionsInput & InAccount) {
      return denyOlderSessions(await at(input), input);
    },
    async markInstance(input: MarkInstanceInput & InAccount) {
      return markInstance(await at(input), input);
    },
    async protectEvidence(input: ProtectEvidenceInput & InAccount) {
      return protectEvidence(await at(input), input);
    },
    async protectFromScaleIn(input: GroupMemberInput & InAccount) {
      return protectFromScaleIn(await at(input), input);
    },
    async gatherImageCandidates(input: GatherCandidatesInput & InAccount) {
      return gatherImageCandidates(await at(input), config, input);
    },
    async pointGroupAtImage(input: PointGroupInput & InAccount) {
      return pointGroupAtImage(await at(input), input);
    },
    async leaveAutoScalingGroup(input: LeaveGroupInput & InAccount) {
      return leaveAutoScalingGroup(await at(input), input);
    },
    async deregisterFromTargetGroups(input: DeregisterTargetsInput & InAccount) {
      return deregisterFromTargetGroups(await at(input), input);
    },
    async isolateNetwork(input: IsolateNetworkInput & InAccount) {
      return isolateNetwork(await at(input), input);
    },
    async cutCredentials(input: CutCredentialsInput & InAccount) {
      return cutCredentials(await at(input), input);
    },
    async revokeOlderSessions(input: RevokeSessionsInput & InAccount) {
      return revokeOlderSessions(await at(input), input);
    },
    async describeReplacement(input: ReplacementStatusInput & InAccount) {
      return describeReplacement(await at(input), input);
    },
    async restoreGroupLaunchTemplate(input: RestoreGroupInput & InAccount) {
      return restoreGroupLaunchTemplate(await at(input), input);
    },
    async startInstanceRefresh(input: InstanceRefreshInput & InAccount) {
      return startInstanceRefresh(await at(input), input);
    },
    async notifyPeople(notice: PeopleNotice) {
      return notifyPeople(deps.people, notice);
    },
    async reserveContainment(input: ReserveInput) {
      return reserveContainment(deps.fleetGuard, input);
    },
    async overrideContainment(input: OverrideInput) {
      return overrideContainment(deps.fleetGuard, input);
    },
    async releaseContainment(input: FleetRequestBase) {
      return releaseContainment(deps.fleetGuard, input);
    },
    ...createBreachActivities(deps.breach, deps.people, config.dataTagPrefix, deps.evidence?.store),
    ...createForensicsActivities(
      deps.evidence && {
        access,
        store: deps.evidence.store,
        memory: deps.evidence.memory,
        forensicAccount: deps.accounts?.organisation.forensicAccount,
        collector: deps.evidence.collector ?? `cordon-worker@${os.hostname()}:${process.pid}`,
      },
    ),
  };
}

export type CordonActivities = ReturnType<typeof createActivities>;
