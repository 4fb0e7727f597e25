/**
 * Named activity option profiles: every activity call picks one. Transient AWS errors
 * (throttling, 5xx, dropped connections) retry with backoff; the failure catalogue's permanent
 * activity failures (src/domain/errors.ts) are non-retryable so an operator sees them at once.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { nonRetryableErrorTypes } from '../src/domain/errors';

const retryTransient: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 12,
  nonRetryableErrorTypes,
};

export const profiles = {
  /** Reads: quick, many retries. */
  awsRead: { startToCloseTimeout: '30s', retry: retryTransient },
  /** Mutations: each activity checks state before acting, so retries are safe. */
  awsMutation: { startToCloseTimeout: '60s', retry: retryTransient },
  /** Long captures (snapshots, memory, uploads) heartbeat to show progress. */
  capture: { startToCloseTimeout: '15m', heartbeatTimeout: '60s', retry: { ...retryTransient, maximumAttempts: 5 } },
  /**
   * The fleet guard's reservations (an update on another workflow): idempotent per incident, so
   * retried for a long while — a worker restart or a busy guard must not fail containment.
   */
  fleetGuard: { startToCloseTimeout: '30s', retry: { ...retryTransient, maximumAttempts: 60 } },
  /** Notifying people: retried, deduplicated by the notifier's idempotency key. */
  notify: { startToCloseTimeout: '30s', retry: { ...retryTransient, maximumAttempts: 20 } },
} satisfies Record<string, ActivityOptions>;
