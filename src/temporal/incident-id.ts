/** One incident per accused resource: the workflow id is derived from it, so alerts cannot start twins. */
import type { ResourceRef } from '../domain/incident';

export function incidentIdFor(resource: ResourceRef): string {
  return `inc-${resource.account}-${resource.region}-${resource.instanceId}`;
}

const pattern = /^inc-\d{12}-[a-z0-9-]+-i-[0-9a-f]{8,17}$/;
export function isIncidentId(value: string): boolean {
  return pattern.test(value);
}
