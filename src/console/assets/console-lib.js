// Cordon console, shared helpers: DOM building (text only, never HTML: alert titles are
// attacker-controlled), time and countdown formatting, the API call, and tolerant readers for
// answers whose shape other parts of Cordon define (evidence, notification, deadlines): an
// unknown field shows as "—", never breaks the page.
'use strict';
window.Cordon = (() => {
  const tokenKey = 'cordon.token';

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(3)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const pill = (value, prefix = 's') => h('span', { class: `pill ${prefix}-${String(value).replace(/[^\w-]/g, '')}` }, value);
  const when = (iso) => (iso ? `${String(iso).replace('T', ' ').slice(0, 16)}Z` : '—');
  function age(iso) {
    if (!iso) return '—';
    const m = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
    return m < 60 ? `${m} min` : m < 2880 ? `${Math.round(m / 60)} h` : `${Math.round(m / 1440)} d`;
  }
  function countdown(dueIso) {
    const ms = Date.parse(dueIso) - Date.now();
    const abs = Math.abs(ms);
    const hh = Math.floor(abs / 3600000), mm = Math.floor((abs % 3600000) / 60000), ss = Math.floor((abs % 60000) / 1000);
    const text = `${hh}h ${String(mm).padStart(2, '0')}m ${String(ss).padStart(2, '0')}s`;
    return ms < 0 ? `overdue by ${text}` : `${text} left`;
  }
  /** Calm (green) early, soon (amber) past half the window or under a day, urgent (red) under 6 h or the last 10 %. */
  function urgency(dueIso, windowHours) {
    const left = (Date.parse(dueIso) - Date.now()) / 3600000;
    if (left < 0) return 'u-overdue';
    const fraction = windowHours ? left / windowHours : 1;
    return fraction < 0.1 || left < 6 ? 'u-urgent' : fraction < 0.5 || left < 24 ? 'u-soon' : 'u-calm';
  }
  const countdownEl = (dueIso, windowHours) => h('span', { class: `countdown ${urgency(dueIso, windowHours)}`, 'data-due': dueIso, 'data-window': windowHours || '' }, countdown(dueIso));
  function tick() {
    document.querySelectorAll('[data-due]').forEach((el) => {
      el.textContent = countdown(el.dataset.due);
      el.className = `countdown ${urgency(el.dataset.due, Number(el.dataset.window) || 0)}`;
    });
  }
  function toast(text) {
    const t = h('div', { class: 'toast', role: 'status' }, text);
    document.body.append(t);
    setTimeout(() => t.remove(), 4000);
  }

  const token = () => sessionStorage.getItem(tokenKey);
  async function api(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status === 401) { window.dispatchEvent(new Event('cordon:signed-out')); const e = new Error('signed out'); e.status = 401; throw e; }
    const json = res.status === 204 ? {} : await res.json().catch(() => ({}));
    if (!res.ok) { const e = new Error(json.error ? json.error.message : `HTTP ${res.status}`); e.status = res.status; throw e; }
    return json;
  }
  /** Optional sections: nothing there (404) → undefined; not for this role (403) → { forbidden: reason }. */
  const optional = (p) => p.catch((e) => (e.status === 404 || e.status === 405 ? undefined : e.status === 403 ? { forbidden: e.message } : Promise.reject(e)));

  const str = (...values) => values.find((v) => typeof v === 'string' && v.length > 0);
  const obj = (v) => (v && typeof v === 'object' ? v : {});
  const list = (...values) => values.find(Array.isArray) || [];

  function clocksOf(n) {
    const top = obj(n);
    const view = [top, top.state, top.breach, top.view].find((x) => x && Array.isArray(x.clocks)) || top;
    return list(view.clocks, view.obligations, view.deadlines).map((c) => {
      const st = obj(c.status);
      const dueAt = str(c.dueAt, c.due, st.due, st.dueAt);
      const startedAt = str(c.startedAt, st.startedAt);
      return {
        title: str(c.title, c.name, c.obligation, c.obligationId) || '—', recipient: str(c.recipient, obj(c.recipient).name) || '',
        state: str(st.state, c.state, typeof c.status === 'string' ? c.status : undefined) || 'open', dueAt, resolved: Boolean(c.resolved),
        windowHours: dueAt && startedAt ? (Date.parse(dueAt) - Date.parse(startedAt)) / 3600000 : Number(c.windowHours) || 0,
        conservative: Boolean(c.conservative), phrase: str(c.phrase) || '', elapsedMs: c.elapsedMs,
        incidentId: str(c.incidentId), obligationId: str(c.obligationId, c.id), regime: str(c.regime) || '',
      };
    });
  }
  function draftOf(n) {
    const top = obj(n);
    return str(top.draftMarkdown, obj(top.draft).markdown, top.markdown, obj(obj(top.draft).art33).markdown, obj(list(top.drafts)[0]).markdown);
  }
  function artifactsOf(e) {
    const top = obj(e);
    return list(top.artifacts, top.items, top.evidence).map((a) => ({
      name: str(a.name, a.kind, a.key, a.id) || '—', sha256: str(a.sha256, a.hash) || '', size: typeof a.size === 'number' ? a.size : a.bytes,
      source: str(a.source, a.collector, a.collectedBy) || '', at: str(a.collectedAt, a.storedAt, a.at),
    }));
  }
  function verdictOf(r) {
    const v = obj(r);
    const ok = v.ok === true || v.intact === true || v.status === 'intact';
    const broken = v.firstBroken;
    const counts = obj(v.manifest).entries !== undefined ? `${obj(v.manifest).entries} manifest entries, ${obj(v.audit).entries ?? 0} audit entries` : v.checked !== undefined ? `${v.checked} entries` : 'chain';
    return ok ? { ok, text: `✓ intact: ${counts} verified` } : { ok, text: `✗ broken: ${typeof broken === 'string' ? broken : str(obj(broken).message) || 'see the server log'}` };
  }

  return { tokenKey, h, pill, when, age, countdown, countdownEl, urgency, tick, toast, api, optional, token, clocksOf, draftOf, artifactsOf, verdictOf };
})();
