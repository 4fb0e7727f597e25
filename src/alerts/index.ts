/**
 * Alert ingestion's front door: `normaliseAlert(source, payload, opts)` picks the source's
 * normaliser. Pure: no I/O, no clock unless `defaults.now` is left out (generic alerts then
 * take the current time). Authentication lives beside it (auth-hmac.ts, sns-signature.ts) and
 * runs on the raw body before this is called.
 */
import { alertSources, type AlertSource, type NormaliseDefaults, type NormaliseResult } from './alert';
import { normaliseAlertmanager } from './normalise-alertmanager';
import { normaliseCloudWatchSns } from './normalise-cloudwatch-sns';
import { normaliseGeneric } from './normalise-generic';
import { normaliseGuardDuty } from './normalise-guardduty';
import { normaliseSecurityHub } from './normalise-securityhub';

export { alertSources, type AlertSource } from './alert';
export type { Alert, FieldIssue, NormaliseDefaults, NormaliseResult, SkippedItem, SnsControlMessage } from './alert';

export interface NormaliseOptions {
  defaults: NormaliseDefaults;
  /** Alertmanager: the label that carries the instance id (default `instance_id`). */
  instanceLabel?: string;
}

export type UnknownSourceResult = { ok: false; kind: 'unknown-source'; reason: string; known: readonly AlertSource[] };

export function isAlertSource(source: string): source is AlertSource {
  return (alertSources as readonly string[]).includes(source);
}

export function normaliseAlert(source: string, payload: unknown, opts: NormaliseOptions): NormaliseResult | UnknownSourceResult {
  if (!isAlertSource(source)) {
    return {
      ok: false,
      kind: 'unknown-source',
      reason: `unknown alert source "${source}"; known: ${alertSources.join(', ')}`,
      known: alertSources,
    };
  }
  switch (source) {
    case 'guardduty':
      return normaliseGuardDuty(payload, opts.defaults);
    case 'securityhub':
      return normaliseSecurityHub(payload, opts.defaults);
    case 'cloudwatch-sns':
      return normaliseCloudWatchSns(payload, opts.defaults);
    case 'alertmanager':
      return normaliseAlertmanager(payload, opts.defaults, { instanceLabel: opts.instanceLabel });
    case 'generic':
      return normaliseGeneric(payload, opts.defaults);
  }
}
