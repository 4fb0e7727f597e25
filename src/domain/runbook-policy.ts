/** What a runbook does at each severity: its gates, its containment choices, its forensics. */
import type { GatePolicy } from './gate';

export interface RunbookPolicy {
  /** The containment gate; `record-only` opens the incident and acts on nothing. */
  contain: GatePolicy | 'record-only';
  replace: GatePolicy;
  /** Move network isolation first when the alert shows exfiltration or C2 (AWS.md §1.2 step 7 note). */
  isolateFirstOnActiveThreat: boolean;
  /** How the instance leaves its Auto Scaling group (AWS.md §1.2 step 5): detach (default) or Standby (S3). */
  leaveGroup?: 'detach' | 'standby';
  /** The AWSRevokeOlderSessions deny on the instance's role (S6): off by default, else behind this gate. */
  revokeSessions?: GatePolicy | 'off';
  /** Accept the accused instance's own image as known-good (default: never). */
  trustAccusedImage?: boolean;
  /** The image itself is suspect: offer an instance refresh of the whole group behind this gate. */
  imageSuspect?: { refresh: GatePolicy };
  /** Durable wait for the clean replacement (workflow timers between reads). */
  replacement?: { deadlineMinutes: number; pollSeconds: number };
  /** Forensics (AWS.md §1.2 steps 7–8): memory capture through SSM Run Command is off unless switched on. */
  forensics?: { memory: boolean; memoryDocument?: string; memoryTimeoutMinutes?: number };
}
