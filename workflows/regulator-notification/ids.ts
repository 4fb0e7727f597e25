/** The breach workflow's id: one per incident, so the API finds it from the incident id. */
export const breachWorkflowId = (incidentId: string): string => `${incidentId}/breach`;
