/**
 * Alert-ingestion settings from the validated Config: the alert route's options (secrets,
 * limits, SNS trust) and the severity → runbook policy (CORDON_SEVERITY_POLICY). The schema
 * has already checked every value's form; this only reshapes.
 * Invariant: a severity the setting leaves out keeps its default policy (runbook-policy.ts);
 * a mode changes only the containment gate, never the replacement gate.
 */
import type { Config } from '../config/schema';
import type { Severity } from '../domain/incident';
import { defaultPolicies } from '../policy/runbook-policy';
import { parseSourceTrust, type SourceTrust } from '../policy/source-trust';
import type { GateMode } from '../domain/gate';
import type { RunbookPolicy } from '../domain/runbook-policy';
import type { AlertSource } from './alert';

export type ContainMode = GateMode | 'record-only';

/** `high=auto,low=record-only` → { high: 'auto', low: 'record-only' }. */
export function parseSeverityModes(setting: string): Partial<Record<Severity, ContainMode>> {
  const out: Partial<Record<Severity, ContainMode>> = {};
  for (const pair of setting.split(',')) {
    const [severity, mode] = pair.split('=').map((s) => s.trim()) as [Severity, ContainMode];
    out[severity] = mode;
  }
  return out;
}

/** Runbook policies per severity with the containment gate set by the modes. */
export function severityPolicies(modes: Partial<Record<Severity, ContainMode>>): Record<Severity, RunbookPolicy> {
  const out = { ...defaultPolicies };
  for (const [severity, mode] of Object.entries(modes) as [Severity, ContainMode][]) {
    const base = defaultPolicies[severity];
    const gate = base.contain === 'record-only' ? base.replace : base.contain;
    out[severity] = { ...base, contain: mode === 'record-only' ? 'record-only' : { ...gate, mode } };
  }
  return out;
}

export interface AlertIngestSettings {
  hmacSecrets: Partial<Record<AlertSource, string[]>>;
  replayWindowSeconds: number;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  snsCertHostPattern: RegExp;
  alertmanagerInstanceLabel: string;
  policies: Record<Severity, RunbookPolicy>;
  /** What each source's alerts may claim (severity ceilings over these policies, who may tighten). */
  trust: SourceTrust;
  maxInstancesPerPayload: number;
}

export function alertIngestSettings(config: Config): AlertIngestSettings {
  const policies = severityPolicies(parseSeverityModes(config.CORDON_SEVERITY_POLICY));
  return {
    hmacSecrets: {
      guardduty: config.CORDON_ALERT_HMAC_GUARDDUTY,
      securityhub: config.CORDON_ALERT_HMAC_SECURITYHUB,
      alertmanager: config.CORDON_ALERT_HMAC_ALERTMANAGER,
      generic: config.CORDON_ALERT_HMAC_GENERIC,
    },
    replayWindowSeconds: config.CORDON_ALERT_REPLAY_WINDOW_SECONDS,
    rateLimitPerMinute: config.CORDON_ALERT_RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: config.CORDON_ALERT_BODY_LIMIT_BYTES,
    snsCertHostPattern: new RegExp(config.CORDON_SNS_CERT_HOST_PATTERN),
    alertmanagerInstanceLabel: config.CORDON_ALERTMANAGER_INSTANCE_LABEL,
    policies,
    trust: parseSourceTrust(config.CORDON_SOURCE_SEVERITY_CEILING, config.CORDON_SOURCE_MAY_TIGHTEN, policies),
    maxInstancesPerPayload: config.CORDON_ALERT_MAX_INSTANCES,
  };
}
