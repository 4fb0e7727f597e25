/** Workflow entry points: every export here becomes a workflow type. */
export { incidentWorkflow } from './incident-workflow';
export { breachNotificationWorkflow } from './breach-notification-workflow';
