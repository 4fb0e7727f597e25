/**
 * `cordon trigger <file> [--source s]` sends any source's payload exactly as the file holds it
 * (the source is inferred from the payload's shape when --source is not given);
 * `cordon trigger --demo [--instance i-…]` sends a generic alert about a demo-fleet instance,
 * found in the simulated AWS (moto) of `npm start` when --instance is not given.
 * Invariant: the file's bytes are sent unchanged (signatures inside an SNS message still verify).
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { Command } from 'commander';
import fs from 'node:fs';
import { createAwsClients, destroyAwsClients } from '../aws/clients';
import { alertSources } from '../alerts/alert';
import type { CordonApi } from './api-client';
import { table } from './format';
import type { Output } from './incident-commands';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The source a payload comes from, by the shape each source documents; undefined when unclear. */
export function inferSource(payload: unknown): (typeof alertSources)[number] | undefined {
  if (!isObject(payload)) return undefined;
  if (
    payload['detail-type'] === 'GuardDuty Finding' ||
    (Array.isArray(payload.Findings) && payload.Findings.some((f) => isObject(f) && isObject(f.Service)))
  )
    return 'guardduty';
  if (payload['detail-type'] === 'Security Hub Findings - Imported') return 'securityhub';
  if (typeof payload.Type === 'string' && typeof payload.TopicArn === 'string' && 'Signature' in payload) return 'cloudwatch-sns';
  if (Array.isArray(payload.alerts) && 'groupKey' in payload) return 'alertmanager';
  if (typeof payload.instanceId === 'string' && typeof payload.severity === 'string') return 'generic';
  return undefined;
}

/** The first in-service instance of the demo group `web` in the simulated AWS. */
async function demoInstance(endpoint: string, region: string): Promise<string> {
  const aws = createAwsClients({ region, endpoint, maxAttempts: 1 });
  const asg = aws.autoscaling;
  try {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }));
    const id = out.AutoScalingGroups?.[0]?.Instances?.find((i) => i.LifecycleState === 'InService')?.InstanceId;
    if (!id) throw new Error('the demo group "web" has no in-service instance');
    return id;
  } catch (err) {
    throw new Error(
      `cannot find a demo instance at ${endpoint} (${(err as Error).message}); pass --instance <id> (npm start prints the demo fleet's instance ids)`,
    );
  } finally {
    destroyAwsClients(aws);
  }
}

export interface TriggerOptions {
  source?: string;
  demo?: boolean;
  instance?: string;
  awsEndpoint?: string;
  dryRun?: boolean;
}

export async function trigger(api: CordonApi, file: string | undefined, o: TriggerOptions, out: Output): Promise<void> {
  let source: string;
  let body: string;
  if (o.demo) {
    const instanceId =
      o.instance ??
      (await demoInstance(o.awsEndpoint ?? process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5055', process.env.AWS_REGION ?? 'eu-west-1'));
    source = 'generic';
    body = JSON.stringify({
      instanceId,
      severity: 'high',
      title: 'Demo: SSH brute force, then outbound traffic to a known C2 host',
      description: 'sent by cordon trigger --demo',
    });
  } else {
    if (!file) throw new Error('give a payload file, or --demo');
    body = fs.readFileSync(file, 'utf8');
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch (err) {
      throw new Error(`${file} is not JSON: ${(err as Error).message}`);
    }
    const inferred = o.source ?? inferSource(payload);
    if (!inferred) throw new Error(`cannot tell which source sent ${file}; pass --source (${alertSources.join(', ')})`);
    source = inferred;
  }
  const path = `/v1/alerts/${encodeURIComponent(source)}${o.dryRun ? '?dryRun=true' : ''}`;
  if (o.dryRun) return showPlans(api, source, await api.request<PlanAccepted>('POST', path, body), out);
  const r = await api.request<{ accepted: { incidentId: string; dedupKey: string; instanceId: string }[]; ignored?: string }>(
    'POST',
    path,
    body,
  );
  if (out.json) return out.write(JSON.stringify(r));
  if (r.accepted.length === 0) return out.write(`not an alert: ${r.ignored ?? 'nothing accepted'}`);
  out.write(r.accepted.map((a) => `${source}: ${a.instanceId} → ${a.incidentId} (${a.dedupKey})`).join('\n'));
}

interface PlanAccepted {
  plans?: { planId: string; instanceId: string }[];
  ignored?: string;
}
interface PlanView {
  planId: string;
  status: string;
  result?: { steps: { name: string; status: string; detail?: string }[]; plan?: { step: string; service: string; operation: string }[] };
}

/** Plan mode: waits for each plan (its own workflow, never an incident) and prints its steps and calls. */
async function showPlans(api: CordonApi, source: string, r: PlanAccepted, out: Output): Promise<void> {
  const plans = r.plans ?? [];
  if (plans.length === 0) return out.write(out.json ? JSON.stringify(r) : `not an alert: ${r.ignored ?? 'nothing accepted'}`);
  const views = await Promise.all(plans.map((p) => api.request<PlanView>('GET', `/v1/plans/${p.planId}?waitSeconds=30`)));
  if (out.json) return out.write(JSON.stringify(views));
  out.write(
    views
      .map((v, i) => {
        const head = `${source}: plan for ${plans[i]!.instanceId} → ${v.planId} (${v.status.toLowerCase()}; nothing was changed)`;
        if (!v.result) return head;
        const steps = table(
          ['step', 'would', 'detail'],
          v.result.steps.map((s) => [s.name, s.status, s.detail ?? '']),
        );
        const calls = table(
          ['step', 'call'],
          (v.result.plan ?? []).map((c) => [c.step, `${c.service}:${c.operation}`]),
        );
        return `${head}\n\n${steps}\n\nAWS calls it would make\n${calls}`;
      })
      .join('\n\n'),
  );
}

export function registerTriggerCommand(program: Command, context: (cmd: Command) => { api: CordonApi; out: Output }): void {
  program
    .command('trigger [file]')
    .description('send an alert payload (any source, inferred from its shape) to Cordon')
    .option('--source <source>', `alert source: ${alertSources.join(', ')} (default: inferred)`)
    .option('--demo', 'send a demo alert about an instance of the demo fleet')
    .option('--instance <id>', 'with --demo: the instance to accuse')
    .option(
      '--aws-endpoint <url>',
      'with --demo and no --instance: the simulated AWS to look in (default AWS_ENDPOINT_URL or http://127.0.0.1:5055)',
    )
    .option('--dry-run', 'plan mode: print what the runbook would do (its own plan, no AWS changes, no incident touched)')
    .action(async (file: string | undefined, o: TriggerOptions, cmd: Command) => {
      const { api, out } = context(cmd);
      await trigger(api, file, o, out);
    });
}
