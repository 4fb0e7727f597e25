/**
 * Which AWS clients an activity acts with: those of the account and region of the incident's
 * resource (the `resource` its input carries), from the worker's AccountRouter — the default
 * credential chain in the Cordon account, an assumed role in a member account. The AssumeRole
 * session is named after the workflow the activity serves (the incident id, or a plan's id) and
 * tagged with it. An input without `resource` (scheduled by a workflow from before routing) and
 * a worker built without a router act with the worker's own clients.
 * A refusal is permanent: an account or region outside the configuration, or an AssumeRole the
 * role refused (or Cordon's own expired credentials), fails the activity non-retryably with
 * the router's operator-readable reason; a transient STS error is thrown for Temporal to retry.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { AccountNotConfiguredError, AssumeRoleRefusedError, type AccountRouter, type ActingClients } from '../src/aws/account-router';
import type { AwsClients } from '../src/aws/clients';
import { ErrorType } from '../src/domain/errors';
import type { ResourceRef } from '../src/domain/incident';

/** Every AWS activity's input may carry the incident's resource: where it acts. */
export interface InAccount {
  resource?: ResourceRef;
}

export interface AccountAccess {
  /** The worker's own clients (default credential chain, AWS_REGION). */
  home: AwsClients;
  router?: AccountRouter;
}

/** The workflow the current activity serves: the session name and tag. */
function servedWorkflow(): string {
  try {
    return Context.current().info.workflowExecution?.workflowId ?? 'outside-temporal';
  } catch {
    return 'outside-temporal';
  }
}

export async function actingClients(access: AccountAccess, input: InAccount): Promise<ActingClients> {
  const { home, router } = access;
  if (!router || !input.resource)
    return { aws: home, account: input.resource?.account ?? '', region: home.region, via: 'default credential chain' };
  const workflowId = servedWorkflow();
  try {
    return await router.clientsFor(input.resource, { name: workflowId, tags: { 'cordon:incident': workflowId } });
  } catch (err) {
    if (err instanceof AccountNotConfiguredError) throw ApplicationFailure.nonRetryable(err.message, ErrorType.AccountNotConfigured);
    if (err instanceof AssumeRoleRefusedError) throw ApplicationFailure.nonRetryable(err.message, ErrorType.AssumeRoleRefused);
    throw err;
  }
}
