/**
 * One incident per accused resource: the workflow id is derived from it, so alerts cannot start twins.
 * An instance: `inc-<account>-<region>-<instance>`. An access key: `inc-<account>-iam-<access key id>`
 * (IAM is global: the same key seen from two regions is one incident).
 */
import { isAccessKeyRef, type ResourceRef } from '../domain/incident';

export function incidentIdFor(resource: ResourceRef): string {
  if (isAccessKeyRef(resource)) return `inc-${resource.account}-iam-${resource.accessKeyId}`;
  return `inc-${resource.account}-${resource.region}-${resource.instanceId}`;
}

const pattern = /^inc-\d{12}-(?:[a-z0-9-]+-i-[0-9a-f]{8,17}|iam-\w{16,128})$/;
export function isIncidentId(value: string): boolean {
  return pattern.test(value);
}
