/**
 * Provenance: who asked for an incident's actions and whether they are meant to happen.
 * A value, not a display string: gates compare `requestedBy.name` with an approver's identity
 * name (both come from the operator directory or from a credential that no operator can hold),
 * and plan mode is a mode of its own, never a flag on a live incident.
 * Dependency-free so the workflow sandbox can import it.
 */

/** A person using the API/CLI/console, or an alert source authenticated by one credential. */
export type Requester = { kind: 'operator'; name: string } | { kind: 'source'; source: string; name: string };

/** `live` acts; `plan` rehearses in its own workflow (`plan-<uuid>`) and never touches an incident. */
export type RunMode = 'live' | 'plan';

/** How an incident started: an alert through the alert door, or an operator's manual run of a named runbook (`cordon run`). */
export type StartedVia = 'alert' | 'manual';

export interface Provenance {
  requestedBy: Requester;
  mode: RunMode;
  /** Absent: an alert (incidents opened before manual runs existed). */
  via?: StartedVia;
  /** A manual run's reason, as the operator gave it (recorded in the timeline and the audit trail). */
  reason?: string;
}

/**
 * The identity a four-eyes check compares: an operator's or bearer sender's directory name, or a
 * credential name with a `:` (`hmac:generic`, `sns:arn:…`), which operator names cannot contain.
 */
export const requesterIdentity = (r: Requester): string => r.name;

/** How the timeline and the console show a requester. */
export function describeRequester(r: Requester): string {
  return r.kind === 'operator' ? r.name : `${r.name} via ${r.source}`;
}
