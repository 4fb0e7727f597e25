// Cordon console, the entity profile (#/profile): who the organisation is for each regime (roles,
// NIS2 class, DORA entity type, authorities with their zones and calendars), every obligation that
// applies with its anchor, period, calendar and certainty tag, and the defaults assumed where the
// profile is silent — what the DPO checks line by line. Read-only (GET /v1/profile).
'use strict';
window.CordonProfile = (() => {
  const { h, pill, api, optional, card } = window.Cordon;
  const CERTAINTY = { V: 'verified', S: 'secondary source', U: 'unverified' };
  const yes = (v) => (v ? 'yes' : 'no');

  function facts(p) {
    const rows = [
      ['Organisation', p.name || '—'],
      ['Jurisdictions', (p.jurisdictions || []).join(', ') || '—'],
      ['Member States', (p.memberStates || []).join(', ') || '—'],
      [
        'Roles',
        Object.entries(p.roles || {})
          .map(([regime, role]) => `${regime}: ${role}`)
          .join(' · ') || '—',
      ],
      ['NIS2', p.nis2 ? `${p.nis2.entityClass} entity${p.nis2.trustServiceProvider ? ', trust service provider' : ''}` : 'not in scope'],
      ['DORA', p.dora ? `${p.dora.entityType}${p.dora.reliefWithdrawn ? ' (weekend relief withdrawn)' : ''}` : 'not in scope'],
      ['SEC registrant', yes(p.secRegistrant)],
      ['NYDFS covered entity', yes(p.nydfsCoveredEntity)],
      [
        'Configured by',
        p.source === 'file' ? 'profile file (CORDON_ENTITY_PROFILE_FILE)' : 'shorthand (CORDON_BREACH_JURISDICTIONS / _SECTORS)',
      ],
    ];
    return h(
      'dl',
      { class: 'facts' },
      rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: 'wrap' }, v)]),
    );
  }

  function authorities(list) {
    if (!list || !list.length)
      return h('p', { class: 'muted' }, 'No authorities configured: each regime uses its default authority and zone.');
    return h(
      'table',
      { class: 'stack' },
      h('caption', { class: 'sr-only' }, 'Competent authorities'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Regime', 'Authority', 'Zone', 'Calendar'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        list.map((a) =>
          h(
            'tr',
            { class: 'row' },
            h('td', { 'data-label': 'Regime' }, a.regime),
            h('td', { 'data-label': 'Authority', class: 'wrap' }, a.name),
            h('td', { 'data-label': 'Zone' }, a.timeZone),
            h('td', { 'data-label': 'Calendar' }, a.holidays || a.memberState || 'weekends only'),
          ),
        ),
      ),
    );
  }

  function regime(r) {
    return h(
      'section',
      { class: 'regime', 'aria-label': r.regime },
      h('h3', {}, r.regime.toUpperCase(), ' ', r.needsPersonalData ? pill('personal data') : pill('any incident')),
      r.because ? h('p', { class: 'muted small' }, r.because) : undefined,
      h(
        'table',
        { class: 'stack' },
        h('caption', { class: 'sr-only' }, `${r.regime} obligations`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Obligation', 'From', 'Within', 'Calendar', 'Certainty'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          r.obligations.map((o) =>
            h(
              'tr',
              { class: 'row' },
              h(
                'td',
                { 'data-label': 'Obligation', class: 'wrap' },
                o.title,
                o.classification ? h('div', { class: 'muted small' }, `starts when classified: ${o.classification}`) : undefined,
              ),
              h('td', { 'data-label': 'From', class: 'wrap mono small' }, o.anchor),
              h('td', { 'data-label': 'Within' }, o.period),
              h('td', { 'data-label': 'Calendar', class: 'wrap small' }, o.calendar),
              h('td', { 'data-label': 'Certainty' }, `${o.certainty} · ${CERTAINTY[o.certainty] || ''}`),
            ),
          ),
        ),
      ),
    );
  }

  async function page() {
    const title = h('h1', { 'data-key': 'title', 'data-sig': 'profile' }, 'Entity profile');
    const view = await optional(api('GET', '/v1/profile'));
    if (!view || view.forbidden)
      return [
        title,
        card(
          'profile-card',
          view || {},
          {},
          h('p', { class: 'muted' }, view ? view.forbidden : 'The profile is not available on this server.'),
        ),
      ];
    return [
      title,
      card(
        'profile-facts',
        view.profile,
        { 'aria-labelledby': 'pf-h' },
        h('h2', { id: 'pf-h' }, 'Who we are, per regime'),
        facts(view.profile),
      ),
      card(
        'profile-authorities',
        view.profile.authorities,
        { 'aria-labelledby': 'pa-h' },
        h('h2', { id: 'pa-h' }, 'Competent authorities'),
        authorities(view.profile.authorities),
      ),
      card(
        'profile-regimes',
        view.regimes,
        { 'aria-labelledby': 'pr-h' },
        h('h2', { id: 'pr-h' }, 'Obligations that apply'),
        ...view.regimes.map(regime),
      ),
      view.assumptions && view.assumptions.length
        ? card(
            'profile-assumptions',
            view.assumptions,
            { 'aria-labelledby': 'pd-h' },
            h('h2', { id: 'pd-h' }, 'Assumed where the profile is silent'),
            h(
              'ul',
              {},
              view.assumptions.map((a) => h('li', {}, a)),
            ),
          )
        : undefined,
    ].filter(Boolean);
  }

  return { page };
})();
