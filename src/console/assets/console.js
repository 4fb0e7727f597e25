// Cordon operator console: plain JavaScript, no external assets (works air-gapped). Routes:
// #/incidents, #/incidents/<id> (also /approve/<step> and /clocks/<obligation>, the links notices
// carry; the address survives sign-in), #/deadlines, #/profile. Live: the page polls every 3 s with ETags
// (a 304 changes nothing) and patches only the cards whose data changed, so typing, focus and
// scroll survive; countdowns and clock bars tick every second; the header says when the data was
// last fetched and whether the connection is live.
'use strict';
(() => {
  const C = window.Cordon;
  const { h, pill, when, age, countdownEl, api, optional, token, tokenKey, clocksOf, patch, card, clockTime, resourceLabel } = C;
  const app = document.getElementById('app');
  const updated = document.getElementById('updated');
  const POLL_MS = 3000;
  let timer,
    poll,
    ticks = 0,
    lastOk = 0,
    failing = false,
    rendering = false,
    again = false,
    focusedFor = '';
  const me = () => JSON.parse(sessionStorage.getItem('cordon.me') || 'null');

  function parseRoute() {
    const hash = location.hash || '#/incidents';
    const m = hash.match(/^#\/incidents\/([\w.-]+)(?:\/(approve|clocks)\/([^/]+))?$/);
    if (m)
      return {
        page: 'incident',
        id: m[1],
        approve: m[2] === 'approve' ? decodeURIComponent(m[3]) : undefined,
        clock: m[2] === 'clocks' ? decodeURIComponent(m[3]) : undefined,
        key: hash,
      };
    return { page: hash.startsWith('#/deadlines') ? 'deadlines' : hash.startsWith('#/profile') ? 'profile' : 'incidents', key: hash };
  }

  function signOut() {
    sessionStorage.removeItem(tokenKey);
    sessionStorage.removeItem('cordon.me');
    C.forget();
    route();
  }
  function showSignIn() {
    const r = parseRoute();
    app.replaceChildren(document.getElementById('signin').content.cloneNode(true));
    if (r.approve)
      document.getElementById('signin-why').textContent = `Sign in to decide “${r.approve}” on ${r.id}: the decision opens right after.`;
    document.getElementById('signin-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(tokenKey, document.getElementById('token').value.trim());
      try {
        sessionStorage.setItem('cordon.me', JSON.stringify(await api('GET', '/v1/me')));
        if (!location.hash || location.hash === '#/') location.hash = '#/incidents';
        route();
      } catch {
        sessionStorage.removeItem(tokenKey);
        showSignIn();
        document.getElementById('signin-error').textContent = 'That token was not accepted.';
      }
    });
    document.getElementById('token').focus();
  }

  async function incidentsPage() {
    const { incidents } = await api('GET', '/v1/incidents');
    const rows = incidents.map((i) =>
      h(
        'tr',
        { class: 'row', 'data-incident': i.incidentId },
        h(
          'td',
          { 'data-label': 'Resource' },
          h('a', { href: `#/incidents/${i.incidentId}`, class: 'wrap' }, resourceLabel(i) || i.incidentId),
        ),
        h('td', { 'data-label': 'Severity' }, i.severity ? pill(i.severity, 'sev') : '—'),
        h('td', { 'data-label': 'Status' }, pill(i.status === 'RUNNING' ? i.phase || 'open' : i.status.toLowerCase())),
        h('td', { 'data-label': 'Runbook', class: 'wrap' }, i.runbook || h('span', { class: 'muted' }, 'built-in order')),
        h(
          'td',
          { 'data-label': 'Approvals' },
          i.pendingApprovals
            ? h('a', { class: 's-awaiting-approval', href: `#/incidents/${i.incidentId}` }, `‖ ${i.pendingApprovals} waiting`)
            : h('span', { class: 'muted' }, 'none'),
        ),
        h('td', { 'data-label': 'Where', class: 'muted' }, i.account && i.region ? `${i.account} · ${i.region}` : ''),
        h('td', { 'data-label': 'Opened', class: 'muted', title: i.startTime || '' }, `${age(i.startTime)} ago`),
      ),
    );
    return [
      h('h1', { 'data-key': 'title', 'data-sig': 'incidents' }, 'Incidents'),
      card(
        'incidents-card',
        incidents,
        { id: 'incidents-card' },
        incidents.length
          ? h(
              'table',
              { id: 'incidents', class: 'stack' },
              h('caption', { class: 'sr-only' }, 'Open and recent incidents'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Resource', 'Severity', 'Status', 'Runbook', 'Approvals', 'Where', 'Opened'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h('tbody', {}, rows),
            )
          : h('p', { class: 'muted' }, 'No incidents. Trigger one with the command npm start printed.'),
      ),
    ];
  }

  async function deadlinesPage() {
    const data = await optional(api('GET', '/v1/deadlines'));
    const title = h('h1', { 'data-key': 'title', 'data-sig': 'deadlines' }, 'Deadlines');
    if (data && data.forbidden) return [title, card('deadlines-card', data, {}, h('p', { class: 'muted' }, data.forbidden))];
    const rows = clocksOf(data).sort((a, b) => (a.dueAt || '9').localeCompare(b.dueAt || '9'));
    const chart = h('figure', { class: 'chart', 'data-chart': 'deadlines', 'data-live': 'yes' });
    chart.draw = (width) => window.CordonCharts.deadlineChart(rows, Date.now(), width);
    const digest = rows.map((d) => [d.incidentId, d.obligationId, d.state, d.dueAt]);
    return [
      title,
      rows.length
        ? card(
            'deadlines-chart',
            digest,
            { 'aria-labelledby': 'chart-h' },
            h('h2', { id: 'chart-h' }, 'Every open clock on one time axis'),
            chart,
            h(
              'p',
              { class: 'legend small muted', 'aria-hidden': 'true' },
              h('span', { class: 'sw g-u-calm' }),
              ' elapsed (colour and text say how urgent) ',
              h('span', { class: 'sw g-track' }),
              ' time left ',
              h('span', { class: 'sw g-failed' }),
              ' ! overdue (hatched) · times in UTC',
            ),
          )
        : undefined,
      card(
        'deadlines-card',
        digest,
        {},
        rows.length
          ? h(
              'table',
              { id: 'deadlines', class: 'stack' },
              h('caption', { class: 'sr-only' }, 'Open regulatory deadlines, soonest first'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Obligation', 'Incident', 'Due', 'Left'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                rows.map((d) =>
                  h(
                    'tr',
                    { class: 'row' },
                    h(
                      'td',
                      { 'data-label': 'Obligation' },
                      d.title,
                      h('div', { class: 'muted small' }, [d.regime.toUpperCase(), d.recipient].filter(Boolean).join(' · ')),
                    ),
                    h(
                      'td',
                      { 'data-label': 'Incident' },
                      d.incidentId
                        ? h(
                            'a',
                            { href: `#/incidents/${d.incidentId}/clocks/${encodeURIComponent(d.obligationId || '')}`, class: 'wrap mono' },
                            d.incidentId,
                          )
                        : '—',
                    ),
                    h('td', { 'data-label': 'Due' }, when(d.dueAt)),
                    h(
                      'td',
                      { 'data-label': 'Left' },
                      !d.resolved && d.dueAt && ['open', 'overdue', 'pending'].includes(d.state)
                        ? countdownEl(d.dueAt, d.windowHours)
                        : pill(d.state),
                    ),
                  ),
                ),
              ),
            )
          : h(
              'p',
              { class: 'muted' },
              data ? 'No regulatory clocks are running.' : 'The deadlines service is not available on this server.',
            ),
      ),
    ].filter(Boolean);
  }

  /** Draws every chart whose width changed (new cards, a resize) and, with `live`, those still moving; untouched cards keep their drawing. */
  function drawCharts(live) {
    app.querySelectorAll('figure.chart').forEach((f) => {
      const width = Math.floor(f.clientWidth);
      if (!width || !f.draw || (Number(f.dataset.width) === width && !(live && f.dataset.live))) return;
      f.dataset.width = String(width);
      f.replaceChildren(f.draw(width));
    });
  }

  function afterRender(r) {
    drawCharts(false);
    if (focusedFor === r.key) return;
    focusedFor = r.key;
    const target = r.approve
      ? app.querySelector(`[data-gate="${CSS.escape(r.approve)}"]`) || app.querySelector('#approvals')
      : r.clock
        ? app.querySelector(`[data-clock="${CSS.escape(r.clock)}"]`)
        : undefined;
    if (!target) return;
    target.scrollIntoView({ block: 'center' });
    const input = target.querySelector('input');
    (input || target).focus({ preventScroll: true });
  }

  async function render() {
    if (rendering) {
      again = true;
      return;
    }
    rendering = true;
    const r = parseRoute();
    document.querySelectorAll('[data-nav]').forEach((a) => {
      const on = r.page === a.dataset.nav || (r.page === 'incident' && a.dataset.nav === 'incidents');
      a.classList.toggle('active', on);
      if (on) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    try {
      const ctx = {
        route: r,
        me,
        refresh: () => {
          setTimeout(render, 0);
        },
      };
      const view =
        r.page === 'incident'
          ? await window.CordonIncident.page(ctx)
          : r.page === 'deadlines'
            ? await deadlinesPage()
            : r.page === 'profile'
              ? await window.CordonProfile.page()
              : await incidentsPage();
      if (parseRoute().key !== r.key) return;
      const typed = [...app.querySelectorAll('input[data-step]')].map((i) => [i.dataset.step, i.value, i === document.activeElement]);
      patch(app, view.filter(Boolean));
      for (const [step, value, focused] of typed) {
        const again = app.querySelector(`input[data-step="${CSS.escape(step)}"]`);
        if (again && !again.value) again.value = value;
        if (again && focused && document.activeElement !== again) again.focus();
      }
      afterRender(r);
      markUpdated(true);
    } catch (e) {
      if (e.status === 401) return;
      markUpdated(false, e);
      if (e.status) patch(app, [h('div', { class: 'card error', role: 'alert', 'data-key': 'error', 'data-sig': e.message }, e.message)]);
    } finally {
      rendering = false;
      if (again) {
        again = false;
        void render();
      }
    }
  }

  function markUpdated(ok, err) {
    if (ok) lastOk = Date.now();
    const wasFailing = failing;
    failing = !ok;
    updated.classList.toggle('offline', failing);
    updated.querySelector('.state').textContent = failing ? '⚠ Offline — retrying' : '● Live';
    updated.querySelector('time').textContent = lastOk ? clockTime(lastOk) : '—';
    if (lastOk) updated.querySelector('time').setAttribute('datetime', new Date(lastOk).toISOString());
    if (wasFailing !== failing)
      C.toast(failing ? `Connection lost (${err && err.message}); retrying every ${POLL_MS / 1000} s` : 'Connection back: live again');
  }

  function tick() {
    document.querySelectorAll('.countdown[data-due]').forEach((el) => {
      el.textContent = C.countdown(el.dataset.due);
      el.className = `countdown ${C.urgency(el.dataset.due, Number(el.dataset.window) || 0)}`;
    });
    document.querySelectorAll('[data-since]').forEach((el) => {
      el.textContent = C.duration(Number(el.dataset.base) + Date.now() - Date.parse(el.dataset.since));
    });
    window.CordonCharts.tickBars();
    if (++ticks % 15 === 0) drawCharts(true);
    if (lastOk) updated.querySelector('.ago').textContent = `(${Math.round((Date.now() - lastOk) / 1000)} s ago)`;
  }

  function route() {
    clearInterval(timer);
    clearInterval(poll);
    const signedIn = Boolean(token());
    document.getElementById('signout').hidden = !signedIn;
    updated.hidden = !signedIn;
    const who = me();
    document.getElementById('who').textContent = signedIn && who ? `${who.name} · ${who.roles.join(', ')}` : '';
    if (!signedIn) return showSignIn();
    if (app.querySelector('#signin-form')) app.replaceChildren();
    void render();
    timer = setInterval(tick, 1000);
    poll = setInterval(() => {
      if (!document.hidden) void render();
    }, POLL_MS);
  }

  /** Desktop shortcuts; never while typing (the reason field has its own: Ctrl+Enter approves). */
  function shortcuts(ev) {
    const t = ev.target;
    if (ev.key === 'Escape') {
      const help = document.getElementById('shortcuts');
      if (!help.hidden) {
        help.hidden = true;
        document.getElementById('keys').focus();
      } else if (t.blur) t.blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName) || !token()) return;
    const go = { i: '#/incidents', d: '#/deadlines', p: '#/profile' }[ev.key];
    if (go) {
      location.hash = go;
      return;
    }
    if (ev.key === 'a') {
      const reason = app.querySelector('.gate input[data-step]');
      if (reason) {
        ev.preventDefault();
        reason.scrollIntoView({ block: 'center' });
        reason.focus();
      }
      return;
    }
    if (ev.key === 'r') {
      void render();
      return;
    }
    if (ev.key === '?') toggleHelp();
  }
  function toggleHelp() {
    const help = document.getElementById('shortcuts');
    help.hidden = !help.hidden;
    if (!help.hidden) help.focus();
  }

  document.getElementById('signout').addEventListener('click', signOut);
  document.getElementById('keys').addEventListener('click', toggleHelp);
  window.addEventListener('cordon:signed-out', signOut);
  window.addEventListener('hashchange', () => {
    focusedFor = '';
    route();
  });
  window.addEventListener('keydown', shortcuts);
  let resizing;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => drawCharts(false), 120);
  });
  route();
})();
