/**
 * Times every activity execution — remote and local (the quarantine chain) — into the worker's
 * step-duration histogram, labelled by activity type, kind and outcome (never by incident).
 */
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import type { WorkerMetrics } from './metrics';

export function activityMetricsInterceptor(metrics: WorkerMetrics) {
  return (ctx: Context): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        const end = metrics.stepDuration.startTimer({ activity: ctx.info.activityType, kind: ctx.info.isLocal ? 'local' : 'remote' });
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
