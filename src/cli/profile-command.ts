/**
 * `cordon profile`: the entity profile the regulatory clocks follow (GET /v1/profile) as a
 * readable report — who the organisation is per regime, its authorities with zone and calendar,
 * every obligation that can apply with its anchor, period and calendar, and the defaults the
 * engine uses where the profile is silent (stated, never silent).
 */
import type { Command } from 'commander';
import type { ProfileView } from '../regulatory/profile-view';
import type { CordonApi } from './api-client';
import { paint, table } from './format';
import type { Output } from './incident-commands';

export function profileReport(v: ProfileView): string {
  const p = v.profile;
  const roles = Object.entries(p.roles)
    .map(([k, r]) => `${k}=${r}`)
    .join(', ');
  const lines = [
    paint(
      'bold',
      `Entity profile${p.name ? `: ${p.name}` : ''} (${p.source === 'file' ? 'from CORDON_ENTITY_PROFILE_FILE' : 'from CORDON_BREACH_JURISDICTIONS/SECTORS'})`,
    ),
    table(
      ['SETTING', 'VALUE'],
      [
        ['jurisdictions', p.jurisdictions.join(', ') || '-'],
        ['member states', p.memberStates.join(', ') || '-'],
        ['roles', roles],
        [
          'NIS2',
          p.nis2 ? `${p.nis2.entityClass} entity${p.nis2.trustServiceProvider ? ', trust service provider' : ''}` : 'not a NIS2 entity',
        ],
        ['DORA', p.dora ? `${p.dora.entityType}${p.dora.reliefWithdrawn ? ', relief withdrawn' : ''}` : 'not a DORA financial entity'],
        ['SEC registrant', p.secRegistrant ? 'yes' : 'no'],
        ['NYDFS covered entity', p.nydfsCoveredEntity ? 'yes' : 'no'],
        ['HIPAA zone', p.roles.hipaa ? (p.hipaaTimeZone ?? '-') : '-'],
      ],
    ),
  ];
  if (p.authorities.length) {
    lines.push(
      '',
      paint('bold', 'Authorities'),
      table(
        ['REGIME', 'AUTHORITY', 'STATE', 'ZONE', 'HOLIDAYS'],
        p.authorities.map((a) => [a.regime, a.name, a.memberState ?? '-', a.timeZone, a.holidays ?? '-']),
      ),
    );
  }
  lines.push('', paint('bold', 'Obligations that can apply'));
  const rows = v.regimes.flatMap((r) =>
    r.obligations.map((o) => [
      o.id,
      r.needsPersonalData ? 'personal data' : `classified ${o.classification ?? '(event)'}`,
      o.anchor,
      o.period,
      o.calendar,
      o.certainty,
    ]),
  );
  lines.push(rows.length ? table(['OBLIGATION', 'TRIGGER', 'ANCHOR', 'PERIOD', 'CALENDAR', 'SRC'], rows) : 'none');
  if (v.assumptions.length)
    lines.push('', paint('bold', 'Defaults in use (set them in the profile)'), ...v.assumptions.map((a) => `  - ${a}`));
  return lines.join('\n');
}

export function registerProfileCommand(program: Command, context: (cmd: Command) => { api: CordonApi; out: Output }): void {
  program
    .command('profile')
    .description('the entity profile the regulatory clocks follow: roles, NIS2/DORA/SEC/NYDFS status, authorities, obligations')
    .action(async (_o, cmd: Command) => {
      const { api, out } = context(cmd);
      const v = await api.request<ProfileView>('GET', '/v1/profile');
      out.write(out.json ? JSON.stringify(v, null, 2) : profileReport(v));
    });
}
