/**
 * Builds every activity from its dependencies: clients come in, nothing is constructed at
 * import. Workflows see this only through `import type { CordonActivities }`.
 */
import type { AwsClients } from '../src/aws/clients';
import type { ResourceRef } from '../src/domain/incident';
import { describeTarget } from './describe-target';
import { isolateNetwork, type IsolateNetworkInput } from './isolate-network';

export interface ActivityDeps {
  aws: AwsClients;
  config: {
    verifiedImageTag: string;
    dataTagPrefix: string;
    compromiseLookbackHours: number;
  };
}

export function createActivities(deps: ActivityDeps) {
  const { aws } = deps;
  return {
    async describeTarget(resource: ResourceRef) {
      return describeTarget(aws, resource);
    },
    async isolateNetwork(input: IsolateNetworkInput) {
      return isolateNetwork(aws, input);
    },
  };
}

export type CordonActivities = ReturnType<typeof createActivities>;
