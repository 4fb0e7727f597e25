/**
 * The audit trail of one incident: every event (alerts, step transitions, approvals with who,
 * when and why, AWS calls and results, notification submissions) as hash-chained JSON lines
 * in the evidence store, so an auditor can check the record without Temporal. Temporal's
 * history stays the source of truth; this is its tamper-evident export. Idempotent by entry
 * id: the workflow gives each event a deterministic id, so a retried activity adds nothing.
 */
import { ChainLog, type ChainFields } from './chain-log';
import type { EvidenceStore } from './store';

export type AuditKind = 'alert' | 'step' | 'approval' | 'aws' | 'evidence' | 'notification' | 'note';

export interface AuditInput {
  /** Stable per event (e.g. `${step}:${status}:${attempt}`); duplicates are ignored. */
  id: string;
  at: string;
  kind: AuditKind;
  message: string;
  actor?: string;
  step?: string;
  data?: Record<string, unknown>;
}

export interface AuditEntry extends ChainFields, Omit<AuditInput, 'id'> {}

export function auditLog(store: EvidenceStore, incidentId: string): ChainLog<AuditEntry> {
  return new ChainLog<AuditEntry>(store, incidentId, 'audit');
}

/** Appends the entries not yet in the trail; returns the chained entries for all of them. */
export async function appendAudit(store: EvidenceStore, incidentId: string, entries: AuditInput[]): Promise<AuditEntry[]> {
  const seen = new Set<string>();
  const unique = entries.filter((e) => !seen.has(e.id) && seen.add(e.id));
  return auditLog(store, incidentId).append(unique);
}

export async function readAudit(store: EvidenceStore, incidentId: string): Promise<AuditEntry[]> {
  return auditLog(store, incidentId).entries();
}
