/**
 * Who sent an alert, as the provenance value the incident keeps (src/domain/provenance.ts), and
 * what the sender's source may claim (src/policy/source-trust.ts).
 * A bearer identity with a responder or admin role is an operator (a person: uncapped, may
 * tighten); any other bearer identity is a source sender named by its directory name, so an
 * approver who also sends alerts is still recognised by four-eyes; HMAC and SNS senders are
 * named by their credential (`hmac:<source>`, `sns:<topic ARN>`), a name no operator can hold.
 */
import type { AlertSource } from '../../alerts';
import type { Alert } from '../../alerts/alert';
import type { IncidentAlert } from '../../domain/incident';
import type { Requester } from '../../domain/provenance';
import { judgeSender, type SourceTrust } from '../../policy/source-trust';
import type { AlertSender } from '../auth/alert-auth';
import { hasRole, type Identity } from '../auth/operators';

export function requesterFor(source: AlertSource, sender: AlertSender, identity: Identity | undefined): Requester {
  if (sender.kind === 'bearer' && identity) {
    return hasRole(identity, 'responder') ? { kind: 'operator', name: identity.name } : { kind: 'source', source, name: identity.name };
  }
  if (sender.kind === 'sns') return { kind: 'source', source, name: `sns:${sender.message.TopicArn}` };
  return { kind: 'source', source, name: `hmac:${source}` };
}

export interface JudgedAlert {
  alert: IncidentAlert;
  mayTighten: boolean;
  notes: string[];
}

/** The alert as the incident keeps it: its severity capped at the source's ceiling, the claim kept beside it. */
export function judgedAlert(alert: Alert, receivedAt: string, requester: Requester, trust: SourceTrust): JudgedAlert {
  const judged = judgeSender(requester, alert.severity, trust);
  const kept: IncidentAlert = {
    source: alert.source,
    sourceId: alert.sourceId,
    dedupKey: alert.dedupKey,
    severity: judged.severity,
    title: alert.title,
    status: alert.status,
    firstSeen: alert.firstSeen,
    lastSeen: alert.lastSeen,
    receivedAt,
    indicators: alert.indicators,
    ...(judged.severity !== alert.severity ? { claimedSeverity: alert.severity } : {}),
    ...(alert.findingType ? { findingType: alert.findingType } : {}),
  };
  return { alert: kept, mayTighten: judged.mayTighten, notes: judged.notes };
}
