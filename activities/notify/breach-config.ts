/**
 * Builds the breach activities' dependencies from Cordon's configuration (src/config/schema.ts
 * validated every value at start): regimes from jurisdictions and sectors, reminder fractions,
 * the escalation chain, the DPO contact point, and the webhooks deadline notices go to.
 */
import type { Config } from '../../src/config/schema';
import type { EvidenceStore } from '../../src/evidence/store';
import type { Region, Sector } from '../../src/regulatory/registry';
import type { BreachActivityDeps } from './breach-activities';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

export function breachDepsFromConfig(config: Config, store?: EvidenceStore): BreachActivityDeps {
  const dpo = { name: config.CORDON_DPO_NAME, email: config.CORDON_DPO_EMAIL, phone: config.CORDON_DPO_PHONE };
  const urls = list(config.CORDON_DEADLINE_WEBHOOK_URLS);
  return {
    settings: {
      jurisdictions: list(config.CORDON_BREACH_JURISDICTIONS) as Region[],
      sectors: list(config.CORDON_BREACH_SECTORS) as Sector[],
      reminderFractions: list(config.CORDON_BREACH_REMINDER_FRACTIONS).map(Number),
      escalateAfterMinutes: config.CORDON_BREACH_ESCALATE_AFTER_MINUTES,
      contacts: list(config.CORDON_BREACH_CONTACTS),
      ...(dpo.name || dpo.email || dpo.phone ? { dpo } : {}),
      ...(config.CORDON_CONTROLLER_NAME ? { controllerName: config.CORDON_CONTROLLER_NAME } : {}),
      ...(config.CORDON_SUPERVISORY_AUTHORITY ? { supervisoryAuthority: config.CORDON_SUPERVISORY_AUTHORITY } : {}),
      displayZone: config.CORDON_BREACH_DISPLAY_ZONE,
    },
    ...(urls.length ? { targets: urls.map((url, i) => ({ name: `deadline-webhook-${i + 1}`, url, format: 'json' as const })) } : {}),
    ...(store ? { store } : {}),
  };
}
