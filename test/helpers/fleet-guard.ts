/**
 * Helpers for the fleet guard's end-to-end suites: critical alerts through the HTTP API, operator
 * decisions through the decisions route, the guard's state by query, and an observer that samples
 * the guard and moto while incidents run, keeping the most containments it ever saw at once.
 * "In containment" in moto: out of the group and not yet tagged quarantined — the runbook asks for
 * the reservation before leaving the group and returns it after the quarantine tag, so an instance
 * seen detached at one moment and unquarantined at a later one held a reservation at that later one.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { AwsClients } from '../../src/aws/clients';
import { fleetGuardStateQuery, type FleetGuardView } from '../../workflows/definitions';
import { fleetGuardId } from '../../workflows/fleet/types';
import { ACCOUNT, REGION } from './stack';

export const webGuardId = fleetGuardId({ account: ACCOUNT, region: REGION, groupName: 'web' });

export async function guardView(client: Client, guardId = webGuardId): Promise<FleetGuardView | undefined> {
  try {
    return await client.workflow.getHandle(guardId).query(fleetGuardStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** One critical generic alert per instance, sent as alice (a responder reporting it: uncapped by source trust). */
export async function sendCriticalAlerts(
  api: FastifyInstance,
  token: string,
  instanceIds: string[],
  query = '',
): Promise<Record<string, unknown>[]> {
  return Promise.all(
    instanceIds.map(async (instanceId) => {
      const r = await api.inject({
        method: 'POST',
        url: `/v1/alerts/generic${query}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: { instanceId, severity: 'critical', title: 'EDR: reverse shell spawned by nginx worker' },
      });
      if (r.statusCode !== 202) throw new Error(`alert for ${instanceId}: ${r.statusCode} ${r.body}`);
      return r.json() as Record<string, unknown>;
    }),
  );
}

export async function decide(api: FastifyInstance, token: string, incidentId: string, decision: 'approve' | 'reject', reason: string) {
  return api.inject({
    method: 'POST',
    url: `/v1/incidents/${incidentId}/decisions`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: { step: 'fleet-budget', decision, reason },
  });
}

export interface FleetMotoState {
  members: Set<string>;
  /** Accused instances out of the group. */
  detached: string[];
  /** Accused instances with an ENI in Cordon's untrack or isolation group. */
  isolated: string[];
  quarantined: string[];
  /** Detached and not yet quarantined. */
  containing: string[];
}

export async function fleetMotoState(aws: AwsClients, accused: string[]): Promise<FleetMotoState> {
  const group = (await aws.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] })))
    .AutoScalingGroups![0]!;
  const members = new Set(group.Instances!.map((i) => i.InstanceId!));
  const instances = (await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: accused }))).Reservations!.flatMap((r) => r.Instances!);
  const tag = (i: (typeof instances)[number], key: string) => i.Tags?.find((t) => t.Key === key)?.Value;
  const quarantined = instances.filter((i) => tag(i, 'ir:status') === 'quarantined').map((i) => i.InstanceId!);
  const isolated = instances
    .filter((i) => (i.NetworkInterfaces ?? []).some((n) => (n.Groups ?? []).some((g) => g.GroupName?.startsWith('cordon-'))))
    .map((i) => i.InstanceId!);
  const detached = accused.filter((id) => !members.has(id));
  return { members, detached, isolated, quarantined, containing: detached.filter((id) => !quarantined.includes(id)) };
}

/** Samples the guard and moto until stopped; keeps the maxima and every distinct error. */
export class FleetObserver {
  maxHeld = 0;
  maxBudgetHeld = 0;
  maxContaining = 0;
  maxIsolatingUnquarantined = 0;
  samples = 0;
  readonly errors = new Set<string>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(client: Client, aws: AwsClients, accused: string[]) {
    this.loop = (async () => {
      while (this.running) {
        try {
          const view = await guardView(client);
          const moto = await fleetMotoState(aws, accused);
          const held = view?.active ?? [];
          this.maxHeld = Math.max(this.maxHeld, held.length);
          this.maxBudgetHeld = Math.max(this.maxBudgetHeld, held.filter((r) => r.kind === 'budget').length);
          this.maxContaining = Math.max(this.maxContaining, moto.containing.length);
          this.maxIsolatingUnquarantined = Math.max(
            this.maxIsolatingUnquarantined,
            moto.isolated.filter((id) => !moto.quarantined.includes(id)).length,
          );
          this.samples += 1;
        } catch (err) {
          this.errors.add(String(err));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
