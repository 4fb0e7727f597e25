// Cordon operator console: plain JavaScript, no external assets (works air-gapped). Pages:
// incidents, one incident (approvals, runbook, timeline, evidence, clocks, draft), deadlines.
// Live: state refreshes every 3 s (not while a reason is being typed), countdowns every second.
'use strict';
(() => {
  const { h, pill, when, age, countdownEl, tick, toast, api, optional, token, tokenKey, clocksOf, draftOf, artifactsOf, verdictOf } = window.Cordon;
  const app = document.getElementById('app');
  let timer;
  const me = () => JSON.parse(sessionStorage.getItem('cordon.me') || 'null');

  function signOut() {
    sessionStorage.removeItem(tokenKey);
    sessionStorage.removeItem('cordon.me');
    route();
  }
  function showSignIn() {
    app.replaceChildren(document.getElementById('signin').content.cloneNode(true));
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
  }

  async function incidentsPage() {
    const { incidents } = await api('GET', '/v1/incidents');
    const rows = incidents.map((i) => h('tr', { class: 'row', onclick: () => { location.hash = `#/incidents/${i.incidentId}`; } },
      h('td', {}, h('a', { href: `#/incidents/${i.incidentId}` }, i.instanceId || i.incidentId)),
      h('td', {}, i.severity ? pill(i.severity, 'sev') : '—'),
      h('td', {}, pill(i.status === 'RUNNING' ? i.phase || 'open' : i.status.toLowerCase())),
      h('td', {}, i.pendingApprovals ? h('span', { class: 's-awaiting-approval' }, `${i.pendingApprovals} waiting`) : ''),
      h('td', { class: 'muted' }, i.account && i.region ? `${i.account} · ${i.region}` : ''),
      h('td', { class: 'muted', title: i.startTime || '' }, age(i.startTime))));
    return [h('h1', {}, 'Incidents'), h('div', { class: 'card' }, incidents.length
      ? h('table', { id: 'incidents' }, h('thead', {}, h('tr', {}, ['Resource', 'Severity', 'State', 'Approvals', 'Account · region', 'Age'].map((t) => h('th', {}, t)))), h('tbody', {}, rows))
      : h('p', { class: 'muted' }, 'No incidents. Trigger one with the command npm start printed.'))];
  }

  function approvalsCard(s) {
    const waiting = s.steps.filter((st) => st.status === 'awaiting-approval');
    if (!waiting.length) return undefined;
    const self = me();
    return h('div', { class: 'card attention', id: 'approvals' }, h('h2', {}, 'Waiting for approval'), waiting.map((st) => {
      const mine = self && (st.approvals || []).some((a) => a.by === self.name);
      const reason = h('input', { placeholder: 'Reason (recorded in the audit trail)', 'aria-label': `reason for ${st.name}`, 'data-step': st.name, maxlength: 2000 });
      const decide = (decision) => async (ev) => {
        if (!reason.value.trim()) { reason.focus(); toast('A reason is required.'); return; }
        ev.target.disabled = true;
        try {
          const r = await api('POST', `/v1/incidents/${encodeURIComponent(s.incidentId)}/decisions`, { step: st.name, decision, reason: reason.value });
          reason.value = '';
          toast(`${st.title}: ${r.status} (${r.approvals}/${r.required})`);
          void render();
        } catch (e) { toast(e.message); ev.target.disabled = false; }
      };
      return h('div', { class: 'approval', 'data-gate': st.name }, h('strong', {}, st.title), h('span', { class: 'muted' }, st.detail || ''),
        (st.approvals || []).map((a) => h('span', { class: 's-done' }, `✓ ${a.by} · ${when(a.at)}: ${a.reason}`)),
        mine ? h('span', { class: 'muted' }, 'You approved this; a second, different approver is needed.') : [reason,
          h('div', { class: 'actions' }, h('button', { onclick: decide('approve'), 'data-action': 'approve' }, 'Approve'),
            h('button', { class: 'reject', onclick: decide('reject'), 'data-action': 'reject' }, 'Reject'))]);
    }));
  }

  function clocksCard(notification) {
    if (notification && notification.forbidden) return h('div', { class: 'card', id: 'clocks' }, h('h2', {}, 'Regulatory clocks'), h('p', { class: 'muted' }, notification.forbidden));
    const clocks = clocksOf(notification);
    const body = !notification ? h('p', { class: 'muted' }, 'No breach assessment yet.') : !clocks.length ? h('p', { class: 'muted' }, 'No regulatory clock is running.')
      : clocks.map((c) => h('div', { class: 'clock', 'data-clock': c.obligationId || c.title },
        h('div', {}, h('strong', {}, c.title), h('div', { class: 'muted' }, [c.regime.toUpperCase(), c.recipient, c.dueAt ? `due ${when(c.dueAt)}` : c.phrase].filter(Boolean).join(' · ')),
          c.conservative ? h('div', { class: 'muted small' }, 'counting from the first alert until awareness is recorded') : ''),
        c.resolved || ['met', 'late', 'submitted', 'not-required'].includes(c.state) ? pill(c.state)
          : c.dueAt ? countdownEl(c.dueAt, c.windowHours)
            : h('span', { class: 'muted' }, typeof c.elapsedMs === 'number' ? `${Math.floor(c.elapsedMs / 3600000)} h elapsed (without undue delay)` : 'waiting for its anchor')));
    return h('div', { class: 'card', id: 'clocks' }, h('h2', {}, 'Regulatory clocks'), body);
  }

  function draftCard(notification) {
    const markdown = draftOf(notification);
    if (!markdown) return undefined;
    const copy = () => navigator.clipboard.writeText(markdown).then(() => toast('Draft copied'), () => toast('Copy failed: select the text instead'));
    const download = () => {
      const url = URL.createObjectURL(new Blob([markdown], { type: 'text/markdown' }));
      h('a', { href: url, download: 'article-33-draft.md' }).click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    };
    return h('div', { class: 'card', id: 'draft' }, h('h2', {}, 'Article 33 notification draft'),
      h('div', { class: 'actions' }, h('button', { class: 'ghost', onclick: copy }, 'Copy'), h('button', { class: 'ghost', onclick: download, 'data-action': 'download' }, 'Download .md')),
      h('pre', { class: 'draft' }, markdown));
  }

  function evidenceCard(s, evidence) {
    if (!evidence) return undefined;
    if (evidence.forbidden) return h('div', { class: 'card', id: 'evidence' }, h('h2', {}, 'Evidence'), h('p', { class: 'muted' }, evidence.forbidden));
    const artifacts = artifactsOf(evidence);
    const result = h('span', { class: 'muted', id: 'verify-result' });
    const verify = async (ev) => {
      ev.target.disabled = true;
      result.textContent = 'verifying…';
      try {
        const v = verdictOf(await api('POST', `/v1/incidents/${encodeURIComponent(s.incidentId)}/evidence/verify`));
        result.textContent = v.text;
        result.className = v.ok ? 's-done' : 's-failed';
      } catch (e) { result.textContent = e.message; result.className = 's-failed'; }
      ev.target.disabled = false;
    };
    return h('div', { class: 'card', id: 'evidence' }, h('h2', {}, `Evidence (${artifacts.length})`),
      artifacts.length ? h('table', {}, h('tbody', {}, artifacts.map((a) => h('tr', {},
        h('td', {}, a.name, a.source ? h('div', { class: 'muted small' }, a.source) : ''),
        h('td', { class: 'mono muted hash', title: a.sha256 }, a.sha256 ? `${a.sha256.slice(0, 12)}…${a.sha256.slice(-6)}` : '—'),
        h('td', { class: 'muted' }, typeof a.size === 'number' ? `${a.size.toLocaleString()} B` : ''))))) : h('p', { class: 'muted' }, 'Nothing collected yet.'),
      h('p', {}, h('button', { class: 'ghost', onclick: verify, 'data-action': 'verify' }, 'Verify chain'), ' ', result));
  }

  async function incidentPage(id) {
    const base = `/v1/incidents/${encodeURIComponent(id)}`;
    const [s, notification, evidence] = await Promise.all([api('GET', base), optional(api('GET', `${base}/notification`)), optional(api('GET', `${base}/evidence`))]);
    const steps = h('table', { id: 'steps' }, h('tbody', {}, s.steps.map((st) => h('tr', { 'data-step': st.name },
      h('td', {}, st.title), h('td', {}, pill(st.status)), h('td', { class: 'muted' }, st.error || st.detail || '')))));
    const timeline = h('ul', { class: 'timeline' }, [...s.timeline].reverse().map((t) => h('li', { class: `k-${t.kind}` }, h('time', { datetime: t.at }, when(t.at)), t.actor ? h('strong', {}, `${t.actor} `) : '', t.message)));
    return [
      h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, '← Incidents')),
      h('h1', {}, `${s.resource.instanceId} `, pill(s.phase), ' ', pill(s.severity, 'sev')),
      h('p', { class: 'muted' }, `${s.incidentId} · opened ${when(s.openedAt)} (${age(s.openedAt)} ago) · ${s.alertCount} alert(s), ${s.alerts.length} distinct${s.dryRun ? ' · plan mode' : ''}`),
      h('div', { class: 'grid' },
        h('div', {}, approvalsCard(s), h('div', { class: 'card' }, h('h2', {}, 'Runbook'), steps), h('div', { class: 'card' }, h('h2', {}, 'Timeline'), timeline), draftCard(notification)),
        h('div', {}, clocksCard(notification), evidenceCard(s, evidence), h('div', { class: 'card' }, h('h2', {}, 'Alerts'),
          s.alerts.map((a) => h('div', { class: 'clock' }, h('span', {}, pill(a.severity, 'sev'), ' ', a.title), h('span', { class: 'muted' }, `×${a.count}`)))))),
    ];
  }

  async function deadlinesPage() {
    const data = await optional(api('GET', '/v1/deadlines'));
    if (data && data.forbidden) return [h('h1', {}, 'Deadlines'), h('div', { class: 'card' }, h('p', { class: 'muted' }, data.forbidden))];
    const rows = clocksOf(data).sort((a, b) => (a.dueAt || '9').localeCompare(b.dueAt || '9'));
    return [h('h1', {}, 'Deadlines'), h('div', { class: 'card' }, rows.length
      ? h('table', { id: 'deadlines' }, h('thead', {}, h('tr', {}, ['Obligation', 'Incident', 'Due', 'Left'].map((t) => h('th', {}, t)))),
        h('tbody', {}, rows.map((d) => h('tr', { class: 'row', onclick: () => { if (d.incidentId) location.hash = `#/incidents/${d.incidentId}`; } },
          h('td', {}, d.title, h('div', { class: 'muted small' }, [d.regime.toUpperCase(), d.recipient].filter(Boolean).join(' · '))), h('td', { class: 'muted mono' }, d.incidentId || '—'), h('td', {}, when(d.dueAt)),
          h('td', {}, !d.resolved && d.dueAt && ['open', 'overdue', 'pending'].includes(d.state) ? countdownEl(d.dueAt, d.windowHours) : pill(d.state))))))
      : h('p', { class: 'muted' }, data ? 'No regulatory clocks are running.' : 'The deadlines service is not available on this server.'))];
  }

  async function render() {
    const hash = location.hash || '#/incidents';
    document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', hash.startsWith(`#/${a.dataset.nav}`)));
    try {
      const m = hash.match(/^#\/incidents\/([\w-]+)$/);
      const view = m ? await incidentPage(m[1]) : hash.startsWith('#/deadlines') ? await deadlinesPage() : await incidentsPage();
      const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.step : undefined;
      const typed = focused ? document.activeElement.value : undefined;
      app.replaceChildren(...view.filter(Boolean));
      if (focused) { const again = app.querySelector(`input[data-step="${CSS.escape(focused)}"]`); if (again) { again.value = typed; again.focus(); } }
    } catch (e) {
      if (e.status !== 401) app.replaceChildren(h('div', { class: 'card error', role: 'alert' }, e.message));
    }
  }

  function route() {
    clearInterval(timer);
    const signedIn = Boolean(token());
    document.getElementById('signout').hidden = !signedIn;
    const who = me();
    document.getElementById('who').textContent = signedIn && who ? `${who.name} · ${who.roles.join(', ')}` : '';
    if (!signedIn) return showSignIn();
    void render();
    let n = 0;
    timer = setInterval(() => {
      tick();
      const typing = document.activeElement && document.activeElement.tagName === 'INPUT' && document.activeElement.value;
      if (++n % 3 === 0 && !typing && !document.hidden) void render();
    }, 1000);
  }

  document.getElementById('signout').addEventListener('click', signOut);
  window.addEventListener('cordon:signed-out', signOut);
  window.addEventListener('hashchange', route);
  route();
})();
