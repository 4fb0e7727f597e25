/**
 * Activities of the breach-notification workflow: `assessBreach` (reads the target's
 * data-classification tags with the configured prefix and hands over the organisation's
 * settings), `sendDeadlineNotice` (pages one person about one regulatory clock through the
 * deadline webhooks, else the people webhooks, and the people email target) and `writeBreachRegister` (the Art. 33(5)
 * entry as JSON and CSV in the evidence store).
 *
 * Invariants: nobody is paged twice for one clock event — each target gets the notice's
 * idempotency key, and targets delivered in an earlier attempt (heartbeat details survive into
 * the retry) are not posted again; with no target the notice is only recorded. The register is
 * write-once: a retry finds the object already there and returns it.
 */
import type { EvidenceStore } from '../../src/evidence/store';
import { recordArtifact } from '../../src/evidence/manifest';
import { registerToCsv, registerToJson, type BreachRegisterEntry } from '../../src/regulator-notification/register';
import { classifyTags } from '../../workflows/regulator-notification/classification';
import type { BreachSettings, DataClassification, NotificationRequest } from '../../workflows/regulator-notification/types';
import { deliverToAll, sendNotice } from '../people-notices/deliver';
import type { EmailTarget } from '../people-notices/email-notifier';
import { deadlineEmail } from '../people-notices/email-payloads';
import type { PeopleNotifierDeps } from '../people-notices/people-notifier';
import type { WebhookTarget } from '../people-notices/webhook-notifier';

export interface BreachActivityDeps {
  settings: BreachSettings;
  /** Where the register entry goes; absent → the worker's evidence store, else history only. */
  store?: EvidenceStore;
  /** Webhooks for deadline notices; absent → the people-notice targets. */
  targets?: WebhookTarget[];
}

export const DEFAULT_BREACH_SETTINGS: BreachSettings = {
  jurisdictions: ['EU'],
  sectors: [],
  reminderFractions: [0.5, 0.75, 0.9],
  escalateAfterMinutes: 0,
  contacts: [],
  displayZone: 'Europe/Brussels',
};

export interface DeadlineNoticeBody {
  type: 'cordon.deadline-notice';
  version: 1;
  idempotencyKey: string;
  incidentId: string;
  obligationId: string;
  title: string;
  kind: NotificationRequest['kind'];
  fraction?: number;
  dueAt: string;
  to: string[];
  escalationLevel: number;
  message: string;
}

export function deadlinePayload(req: NotificationRequest): DeadlineNoticeBody {
  return {
    type: 'cordon.deadline-notice',
    version: 1,
    idempotencyKey: req.idempotencyKey,
    incidentId: req.incidentId,
    obligationId: req.obligationId,
    title: req.title,
    kind: req.kind,
    ...(req.fraction !== undefined ? { fraction: req.fraction } : {}),
    dueAt: req.dueAt,
    to: req.contact ? [req.contact] : [],
    escalationLevel: req.escalationLevel,
    message: req.text,
  };
}

export function createBreachActivities(
  breach: BreachActivityDeps | undefined,
  people: PeopleNotifierDeps | undefined,
  dataTagPrefix: string,
  evidenceStore?: EvidenceStore,
) {
  const settings = breach?.settings ?? DEFAULT_BREACH_SETTINGS;
  const registerStore = breach?.store ?? evidenceStore;
  return {
    async assessBreach(input: { tags: Record<string, string> }): Promise<{ classification: DataClassification; settings: BreachSettings }> {
      return { classification: classifyTags(input.tags, dataTagPrefix), settings };
    },
    async sendDeadlineNotice(req: NotificationRequest): Promise<{ delivered: string[] }> {
      // Deadline webhooks when configured (else the people webhooks), and the people email always: a DPO's mailbox
      // is where a 72-hour clock must not be missed.
      const peopleTargets = people?.targets ?? [];
      const webhooks = breach?.targets ?? peopleTargets.filter((t): t is WebhookTarget => t.format !== 'email');
      const emails = peopleTargets.filter((t): t is EmailTarget => t.format === 'email');
      // The DPO owns the Art. 33 notification: their address (CORDON_DPO_EMAIL) gets every deadline email too.
      const dpo = settings.dpo?.email ? [settings.dpo.email] : [];
      const { delivered } = await deliverToAll([...webhooks, ...emails], (target) =>
        sendNotice(people ?? {}, target, {
          idempotencyKey: req.idempotencyKey,
          email: () => {
            const m = deadlineEmail(req, people?.consoleUrl);
            return { ...m, contacts: [...m.contacts, ...dpo] };
          },
          webhookBody: () => deadlinePayload(req),
        }),
      );
      return { delivered };
    },
    async writeBreachRegister(input: { incidentId: string; entry: BreachRegisterEntry }): Promise<{ location: string | null }> {
      const store = registerStore;
      if (!store) return { location: null };
      let location = '';
      for (const [name, body, mediaType] of [
        ['breach-register/entry.json', registerToJson([input.entry]), 'application/json'],
        ['breach-register/entry.csv', registerToCsv([input.entry]), 'text/csv'],
      ] as const) {
        // Through the manifest, so verify accounts for the register like any other artifact (idempotent by name).
        const entry = await recordArtifact(store, input.incidentId, {
          name,
          body,
          mediaType,
          source: 'cordon:breach-register',
          collector: 'cordon-worker',
        });
        location ||= entry.location;
      }
      return { location };
    },
  };
}

export type BreachActivities = ReturnType<typeof createBreachActivities>;
