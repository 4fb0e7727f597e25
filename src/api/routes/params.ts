/** Path parameters several resources share. */
import { z } from 'zod';
import { isIncidentId } from '../../temporal/incident-id';

export const incidentParams = z.object({
  id: z.string().refine(isIncidentId, 'not an incident id (inc-<account>-<region>-<instance> or inc-<account>-iam-<access key id>)'),
});
