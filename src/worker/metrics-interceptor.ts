/** Times every activity execution into the worker's step-duration histogram. */
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import type { WorkerMetrics } from '../observability/metrics';

export function activityMetricsInterceptor(metrics: WorkerMetrics) {
  return (ctx: Context): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        const end = metrics.activityDuration.startTimer({ activity: ctx.info.activityType });
        try {
          const result = await next(input);
          end({ outcome: 'ok' });
          return result;
        } catch (err) {
          end({ outcome: 'error' });
          throw err;
        }
      },
    },
  });
}
