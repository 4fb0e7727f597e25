/**
 * Builds the breach activities' dependencies from Cordon's configuration (src/config/schema.ts
 * validated every value at start, the entity profile file included): the entity profile (the
 * file's, else the one the jurisdictions/sectors shorthand stands for), reminder fractions, the
 * escalation chain, the DPO contact point, and the webhooks deadline notices go to.
 */
import type { Config } from '../../src/config/schema';
import type { EvidenceStore } from '../../src/evidence/store';
import { profileFromShorthand, type EntityProfile, type Region, type Sector } from '../../src/regulatory/profile';
import type { BreachActivityDeps } from './breach-activities';

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The configured entity profile; the API shows it and the worker hands it to every breach workflow. */
export function entityProfileFromConfig(config: Config): EntityProfile {
  return (
    config.CORDON_ENTITY_PROFILE_FILE?.profile ??
    profileFromShorthand(
      list(config.CORDON_BREACH_JURISDICTIONS) as Region[],
      list(config.CORDON_BREACH_SECTORS) as Sector[],
      config.CORDON_BREACH_DISPLAY_ZONE,
    )
  );
}

export function breachDepsFromConfig(config: Config, store?: EvidenceStore): BreachActivityDeps {
  const dpo = { name: config.CORDON_DPO_NAME, email: config.CORDON_DPO_EMAIL, phone: config.CORDON_DPO_PHONE };
  const urls = list(config.CORDON_DEADLINE_WEBHOOK_URLS);
  return {
    settings: {
      jurisdictions: list(config.CORDON_BREACH_JURISDICTIONS) as Region[],
      sectors: list(config.CORDON_BREACH_SECTORS) as Sector[],
      profile: entityProfileFromConfig(config),
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
