// Cordon operator console: plain JavaScript, no external assets (works air-gapped).
// Every string from the API is rendered with textContent, never as HTML: alert titles are
// attacker-controlled.
'use strict';
(() => {
  const app = document.getElementById('app');
  const tokenKey = 'cordon.token';
  let timer;

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const pill = (value, prefix = 's') => h('span', { class: `pill ${prefix}-${value}` }, value);
  const when = (iso) => (iso ? iso.replace('T', ' ').slice(0, 19) + 'Z' : '—');
  function age(iso) {
    if (!iso) return '—';
    const m = Math.round((Date.now() - Date.parse(iso)) / 60000);
    return m < 60 ? `${m} min` : m < 2880 ? `${Math.round(m / 60)} h` : `${Math.round(m / 1440)} d`;
  }
  function countdown(dueIso) {
    const ms = Date.parse(dueIso) - Date.now();
    const abs = Math.abs(ms);
    const hh = Math.floor(abs / 3600000), mm = Math.floor((abs % 3600000) / 60000), ss = Math.floor((abs % 60000) / 1000);
    const text = `${hh}h ${String(mm).padStart(2, '0')}m ${String(ss).padStart(2, '0')}s`;
    return ms < 0 ? `overdue by ${text}` : `${text} left`;
  }
  function urgency(dueIso, windowHours) {
    const left = (Date.parse(dueIso) - Date.now()) / 3600000;
    if (left < 0) return 'u-overdue';
    const fraction = windowHours ? left / windowHours : 1;
    return fraction < 0.1 || left < 6 ? 'u-urgent' : fraction < 0.5 ? 'u-soon' : 'u-calm';
  }
  function toast(text) {
    const t = h('div', { class: 'toast', role: 'status' }, text);
    document.body.append(t);
    setTimeout(() => t.remove(), 3500);
  }

  async function api(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${sessionStorage.getItem(tokenKey)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status === 401) { signOut(); throw new Error('signed out'); }
    const json = res.status === 204 ? {} : await res.json().catch(() => ({}));
    if (!res.ok) { const e = new Error(json.error ? json.error.message : `HTTP ${res.status}`); e.status = res.status; throw e; }
    return json;
  }
  const optional = (p) => p.catch((e) => (e.status === 404 ? undefined : Promise.reject(e)));

  function signOut() {
    sessionStorage.removeItem(tokenKey);
    route();
  }
  function showSignIn() {
    app.replaceChildren(document.getElementById('signin').content.cloneNode(true));
    document.getElementById('signin-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(tokenKey, document.getElementById('token').value.trim());
      try {
        const me = await api('GET', '/v1/me');
        sessionStorage.setItem('cordon.me', JSON.stringify(me));
        location.hash = '#/incidents';
        route();
      } catch (e) {
        document.getElementById('signin-error').textContent = 'That token was not accepted.';
      }
    });
  }

  async function incidentsPage() {
    const { incidents } = await api('GET', '/v1/incidents');
    const rows = incidents.map((i) => h('tr', { class: 'row', onclick: () => { location.hash = `#/incidents/${i.incidentId}`; } },
      h('td', {}, h('a', { href: `#/incidents/${i.incidentId}` }, i.instanceId || i.incidentId)),
      h('td', {}, i.severity ? pill(i.severity, 'sev') : '—'),
      h('td', {}, pill(i.phase || i.status.toLowerCase())),
      h('td', {}, i.pendingApprovals ? h('span', { class: 's-awaiting-approval' }, `${i.pendingApprovals} waiting`) : ''),
      h('td', { class: 'muted' }, i.account && i.region ? `${i.account} · ${i.region}` : ''),
      h('td', { class: 'muted' }, age(i.startTime))));
    return [h('h1', {}, 'Incidents'), h('div', { class: 'card' }, incidents.length
      ? h('table', { id: 'incidents' }, h('thead', {}, h('tr', {}, ['Resource', 'Severity', 'State', 'Approvals', 'Account · region', 'Age'].map((t) => h('th', {}, t)))), h('tbody', {}, rows))
      : h('p', { class: 'muted' }, 'No incidents. Trigger one with the command npm start printed.'))];
  }

  function approvalsCard(s) {
    const waiting = s.steps.filter((st) => st.status === 'awaiting-approval');
    if (!waiting.length) return undefined;
    return h('div', { class: 'card', id: 'approvals' }, h('h2', {}, 'Waiting for approval'), waiting.map((st) => {
      const reason = h('input', { placeholder: 'Reason (recorded in the audit trail)', 'aria-label': `reason for ${st.name}`, 'data-step': st.name });
      const decide = (decision) => async (ev) => {
        if (!reason.value.trim()) { reason.focus(); toast('A reason is required.'); return; }
        ev.target.disabled = true;
        try {
          const r = await api('POST', `/v1/incidents/${s.incidentId}/decisions`, { step: st.name, decision, reason: reason.value });
          toast(`${st.title}: ${r.status} (${r.approvals}/${r.required})`);
          render();
        } catch (e) { toast(e.message); ev.target.disabled = false; }
      };
      return h('div', { class: 'approval' }, h('strong', {}, st.title), h('span', { class: 'muted' }, st.detail || ''),
        (st.approvals || []).map((a) => h('span', { class: 'muted' }, `✓ ${a.by}: ${a.reason}`)), reason,
        h('div', { class: 'actions' }, h('button', { onclick: decide('approve'), 'data-action': 'approve' }, 'Approve'), h('button', { class: 'reject', onclick: decide('reject') }, 'Reject')));
    }));
  }

  function clocksCard(notification) {
    if (!notification || !notification.clocks) return h('div', { class: 'card' }, h('h2', {}, 'Regulatory clocks'), h('p', { class: 'muted' }, 'No breach assessment yet.'));
    return h('div', { class: 'card', id: 'clocks' }, h('h2', {}, 'Regulatory clocks'), notification.clocks.map((c) => h('div', { class: 'clock' },
      h('div', {}, h('strong', {}, c.title), h('div', { class: 'muted' }, `${c.recipient || ''} · due ${when(c.dueAt)}`)),
      c.status === 'submitted' || c.status === 'not-required' ? pill(c.status)
        : c.dueAt ? h('span', { class: `countdown ${urgency(c.dueAt, c.windowHours)}`, 'data-due': c.dueAt, 'data-window': c.windowHours || '' }, countdown(c.dueAt))
          : h('span', { class: 'muted' }, c.elapsed ? `${c.elapsed} elapsed (without undue delay)` : 'waiting for its anchor'))));
  }

  function draftCard(notification) {
    if (!notification || !notification.draftMarkdown) return undefined;
    const copy = () => navigator.clipboard.writeText(notification.draftMarkdown).then(() => toast('Draft copied'), () => toast('Copy failed'));
    const download = () => {
      const a = h('a', { href: URL.createObjectURL(new Blob([notification.draftMarkdown], { type: 'text/markdown' })), download: 'article-33-draft.md' });
      a.click();
    };
    return h('div', { class: 'card' }, h('h2', {}, 'Article 33 notification draft'),
      h('div', { class: 'approval actions' }, h('button', { class: 'ghost', onclick: copy }, 'Copy'), h('button', { class: 'ghost', onclick: download }, 'Download')),
      h('pre', { class: 'draft' }, notification.draftMarkdown));
  }

  function evidenceCard(s, evidence) {
    if (!evidence) return undefined;
    const result = h('span', { class: 'muted', id: 'verify-result' });
    const verify = async () => {
      result.textContent = 'verifying…';
      try {
        const r = await api('POST', `/v1/incidents/${s.incidentId}/evidence/verify`);
        result.textContent = r.ok ? `✓ ${r.checked} entries verified` : `✗ broken: ${r.firstBroken}`;
        result.className = r.ok ? 's-done' : 's-failed';
      } catch (e) { result.textContent = e.message; }
    };
    return h('div', { class: 'card' }, h('h2', {}, 'Evidence'), h('table', {}, h('tbody', {}, (evidence.artifacts || []).map((a) => h('tr', {},
      h('td', {}, a.name), h('td', { class: 'mono muted' }, `${(a.sha256 || '').slice(0, 16)}…`), h('td', { class: 'muted' }, `${a.size} B`))))),
    h('p', {}, h('button', { class: 'ghost', onclick: verify }, 'Verify chain'), ' ', result));
  }

  async function incidentPage(id) {
    const [s, notification, evidence] = await Promise.all([
      api('GET', `/v1/incidents/${id}`),
      optional(api('GET', `/v1/incidents/${id}/notification`)),
      optional(api('GET', `/v1/incidents/${id}/evidence`)),
    ]);
    const steps = h('table', { id: 'steps' }, h('tbody', {}, s.steps.map((st) => h('tr', { 'data-step': st.name },
      h('td', {}, st.title), h('td', {}, pill(st.status)), h('td', { class: 'muted' }, st.error || st.detail || '')))));
    const timeline = h('ul', { class: 'timeline' }, [...s.timeline].reverse().map((t) => h('li', {}, h('time', {}, when(t.at)), t.actor ? h('strong', {}, `${t.actor} `) : '', t.message)));
    return [
      h('h1', {}, `${s.resource.instanceId} `, pill(s.phase), ' ', pill(s.severity, 'sev')),
      h('p', { class: 'muted' }, `${s.incidentId} · opened ${when(s.openedAt)} · ${s.alertCount} alert(s), ${s.alerts.length} distinct${s.dryRun ? ' · plan mode' : ''}`),
      h('div', { class: 'grid' },
        h('div', {}, approvalsCard(s), h('div', { class: 'card' }, h('h2', {}, 'Runbook'), steps), h('div', { class: 'card' }, h('h2', {}, 'Timeline'), timeline), draftCard(notification)),
        h('div', {}, clocksCard(notification), evidenceCard(s, evidence), h('div', { class: 'card' }, h('h2', {}, 'Alerts'),
          s.alerts.map((a) => h('div', { class: 'clock' }, h('span', {}, pill(a.severity, 'sev'), ' ', a.title), h('span', { class: 'muted' }, `×${a.count}`)))))),
    ];
  }

  async function deadlinesPage() {
    const data = await optional(api('GET', '/v1/deadlines'));
    const rows = (data && data.deadlines) || [];
    return [h('h1', {}, 'Deadlines'), h('div', { class: 'card' }, rows.length
      ? h('table', { id: 'deadlines' }, h('tbody', {}, rows.map((d) => h('tr', { class: 'row', onclick: () => { location.hash = `#/incidents/${d.incidentId}`; } },
        h('td', {}, d.title), h('td', { class: 'muted' }, d.incidentId), h('td', {}, when(d.dueAt)),
        h('td', {}, d.status === 'pending' && d.dueAt ? h('span', { class: `countdown ${urgency(d.dueAt, d.windowHours)}`, 'data-due': d.dueAt, 'data-window': d.windowHours || '' }, countdown(d.dueAt)) : pill(d.status))))))
      : h('p', { class: 'muted' }, 'No regulatory clocks are running.'))];
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
      if (focused) { const again = app.querySelector(`input[data-step="${focused}"]`); if (again) { again.value = typed; again.focus(); } }
    } catch (e) {
      if (e.message !== 'signed out') app.replaceChildren(h('div', { class: 'card error' }, e.message));
    }
  }

  function route() {
    clearInterval(timer);
    const signedIn = Boolean(sessionStorage.getItem(tokenKey));
    document.getElementById('signout').hidden = !signedIn;
    const me = JSON.parse(sessionStorage.getItem('cordon.me') || 'null');
    document.getElementById('who').textContent = signedIn && me ? `${me.name} · ${me.roles.join(', ')}` : '';
    if (!signedIn) return showSignIn();
    void render();
    // Live: state every 3 s, countdowns every second.
    let tick = 0;
    timer = setInterval(() => {
      document.querySelectorAll('[data-due]').forEach((el) => { el.textContent = countdown(el.dataset.due); el.className = `countdown ${urgency(el.dataset.due, Number(el.dataset.window) || 0)}`; });
      if (++tick % 3 === 0 && !(document.activeElement && document.activeElement.tagName === 'INPUT' && document.activeElement.value)) void render();
    }, 1000);
  }

  document.getElementById('signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  route();
})();
