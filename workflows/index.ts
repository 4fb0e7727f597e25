/** Workflow entry points: every export here becomes a workflow type. */
export { incidentWorkflow } from './incident-workflow';
export { breachNotificationWorkflow } from './breach-notification-workflow';
export { planWorkflow } from './plan-workflow';
export { fleetGuardWorkflow } from './fleet-guard-workflow';
