/**
 * AWS SDK v3 clients, built once per process and handed to activities.
 * With an endpoint (moto) they use dummy credentials unless real ones are configured.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsClients {
  region: string;
  /** How these were built: clients for another region or other credentials are built alike (account-router.ts). */
  options: AwsClientOptions;
  ec2: EC2Client;
  autoscaling: AutoScalingClient;
  elbv2: ElasticLoadBalancingV2Client;
  iam: IAMClient;
  s3: S3Client;
  ssm: SSMClient;
  sts: STSClient;
  /** CloudTrail's event history (Cordon calls LookupEvents only). */
  cloudtrail: CloudTrailClient;
}

/** Static keys or a provider the SDK calls again before they expire (assumed-role sessions). */
export type AwsCredentials = NonNullable<EC2ClientConfig['credentials']>;

export interface AwsClientOptions {
  region: string;
  endpoint?: string;
  /** SDK-level attempts per call; Temporal retries activities on top of this. */
  maxAttempts?: number;
  credentials?: AwsCredentials;
}

export function createAwsClients(opts: AwsClientOptions): AwsClients {
  // The SDK is pinned here; its notice that *future* releases need Node 22 is noise on every start and CLI call.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const credentials = opts.credentials ?? (opts.endpoint ? { accessKeyId: 'testing', secretAccessKey: 'testing' } : undefined);
  const base = { region: opts.region, endpoint: opts.endpoint, credentials, maxAttempts: opts.maxAttempts ?? 3 };
  return {
    region: opts.region,
    options: opts,
    cloudtrail: new CloudTrailClient(base),
    ec2: new EC2Client(base),
    autoscaling: new AutoScalingClient(base),
    elbv2: new ElasticLoadBalancingV2Client(base),
    iam: new IAMClient(base),
    s3: new S3Client({ ...base, forcePathStyle: true }),
    ssm: new SSMClient(base),
    sts: new STSClient(base),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const client of [
    clients.ec2,
    clients.autoscaling,
    clients.elbv2,
    clients.iam,
    clients.s3,
    clients.ssm,
    clients.sts,
    clients.cloudtrail,
  ]) {
    client.destroy();
  }
}
