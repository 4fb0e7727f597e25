// Cordon console, shared helpers: DOM building (text only, never HTML: alert titles are
// attacker-controlled), time, duration and countdown formatting, copyable ids, the API call
// (conditional GET: each read remembers its ETag and a 304 answers "unchanged"), keyed patching
// that replaces only the parts of a page whose data changed (no flicker, focus and typing kept),
// and tolerant readers for answers whose shape other parts of Cordon define (evidence,
// notification, deadlines): an unknown field shows as "—", never breaks the page.
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
  /** Status words keep their text and get an icon, so colour is never the only signal. */
  const icons = {
    done: '✓',
    contained: '✓',
    submitted: '✓',
    met: '✓',
    closed: '✓',
    monitoring: '✓',
    running: '▶',
    containing: '▶',
    recovering: '▶',
    'awaiting-approval': '‖',
    pending: '○',
    open: '○',
    failed: '✗',
    overdue: '!',
    late: '!',
    skipped: '–',
    'not-required': '–',
    elapsed: '…',
    paused: '‖',
  };
  const pill = (value, prefix = 's') =>
    h(
      'span',
      { class: `pill ${prefix}-${String(value).replace(/[^\w-]/g, '')}` },
      prefix === 's' && icons[value] ? h('span', { 'aria-hidden': 'true' }, `${icons[value]} `) : '',
      value,
    );
  const when = (iso) => (iso ? `${String(iso).replace('T', ' ').slice(0, 16)}Z` : '—');
  const clockTime = (ms) => new Date(ms).toISOString().slice(11, 19);
  function duration(ms) {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
    const s = Math.max(0, ms) / 1000;
    if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
    const m = Math.round(s / 60);
    if (m < 60) return `${m} min`;
    return m < 2880 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : `${Math.round(m / 1440)} d`;
  }
  const age = (iso) => (iso ? duration(Date.now() - Date.parse(iso)) : '—');
  /** A duration that keeps growing (the page ticks it): `base` ms plus the time since `iso`. */
  const since = (iso, base = 0) => h('span', { 'data-since': iso, 'data-base': base }, duration(base + Date.now() - Date.parse(iso)));
  function countdown(dueIso) {
    const ms = Date.parse(dueIso) - Date.now();
    const abs = Math.abs(ms);
    const hh = Math.floor(abs / 3600000),
      mm = Math.floor((abs % 3600000) / 60000),
      ss = Math.floor((abs % 60000) / 1000);
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
  const countdownEl = (dueIso, windowHours) =>
    h(
      'span',
      { class: `countdown ${urgency(dueIso, windowHours)}`, 'data-due': dueIso, 'data-window': windowHours || '' },
      countdown(dueIso),
    );

  const live = () => document.getElementById('live');
  function toast(text) {
    const t = h('div', { class: 'toast' }, text);
    document.body.append(t);
    live().textContent = text;
    setTimeout(() => t.remove(), 4000);
  }
  function copy(text, what) {
    const done = () => toast(`${what} copied`);
    if (navigator.clipboard && window.isSecureContext)
      return navigator.clipboard.writeText(text).then(done, () => toast('Copy failed: select the text instead'));
    const area = h('textarea', { class: 'sr-only', 'aria-hidden': 'true' }, text);
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok ? done() : toast('Copy failed: select the text instead');
  }
  /** A long id or hash: whole in the DOM (selectable, searchable), cut with an ellipsis on screen, one tap to copy. */
  const copyable = (text, what, cls = '') =>
    h(
      'span',
      { class: `copyable ${cls}` },
      h('code', { class: 'trunc', title: text }, text),
      h(
        'button',
        { type: 'button', class: 'copy', 'aria-label': `Copy ${what}`, title: `Copy ${what}`, onclick: () => copy(text, what) },
        'Copy',
      ),
    );

  const token = () => sessionStorage.getItem(tokenKey);
  const etags = new Map();
  /** GET with If-None-Match: `{ data, changed }`, where `changed` is false when the server answered 304. */
  async function read(path) {
    const known = etags.get(path);
    const res = await fetch(path, { headers: { authorization: `Bearer ${token()}`, ...(known ? { 'if-none-match': known.etag } : {}) } });
    if (res.status === 304 && known) return { data: known.data, changed: false };
    const data = await answer(res);
    const etag = res.headers.get('etag');
    if (etag) etags.set(path, { etag, data });
    return { data, changed: true };
  }
  async function answer(res) {
    if (res.status === 401) {
      window.dispatchEvent(new Event('cordon:signed-out'));
      const e = new Error('signed out');
      e.status = 401;
      throw e;
    }
    const json = res.status === 204 ? {} : await res.json().catch(() => ({}));
    if (!res.ok) {
      const e = new Error(json.error ? json.error.message : `HTTP ${res.status}`);
      e.status = res.status;
      throw e;
    }
    return json;
  }
  async function api(method, path, body) {
    if (method === 'GET') return (await read(path)).data;
    return answer(
      await fetch(path, {
        method,
        headers: { authorization: `Bearer ${token()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }),
    );
  }
  const forget = () => etags.clear();
  /** Optional sections: nothing there (404) → undefined; not for this role (403) → { forbidden: reason }. */
  const optional = (p) =>
    p.catch((e) => (e.status === 404 || e.status === 405 ? undefined : e.status === 403 ? { forbidden: e.message } : Promise.reject(e)));

  /**
   * Keyed patch: children with `data-key` are kept when their `data-sig` (a digest of the data they
   * show) is unchanged, so a poll that changed nothing touches nothing; `data-sig="*"` means "a
   * container: patch its children instead".
   */
  function patch(parent, nodes) {
    const old = new Map([...parent.children].filter((c) => c.dataset.key).map((c) => [c.dataset.key, c]));
    const next = nodes.map((n) => {
      const o = n.dataset && old.get(n.dataset.key);
      if (!o || o.tagName !== n.tagName) return n;
      if (n.dataset.sig === '*' && o.dataset.sig === '*') {
        o.className = n.className;
        patch(o, [...n.children]);
        return o;
      }
      return o.dataset.sig === n.dataset.sig ? o : n;
    });
    next.forEach((n, i) => {
      if (parent.children[i] !== n) parent.insertBefore(n, parent.children[i] || null);
    });
    while (parent.children.length > next.length) parent.lastElementChild.remove();
  }
  const sig = (value) => {
    const s = JSON.stringify(value) || '';
    let x = 0;
    for (let i = 0; i < s.length; i++) x = (Math.imul(x, 31) + s.charCodeAt(i)) | 0;
    return `${s.length}.${x >>> 0}`;
  };
  const card = (key, data, attrs, ...children) =>
    h('section', { class: 'card', ...attrs, id: attrs && attrs.id ? attrs.id : key, 'data-key': key, 'data-sig': sig(data) }, ...children);

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
        title: str(c.title, c.name, c.obligation, c.obligationId) || '—',
        recipient: str(c.recipient, obj(c.recipient).name) || '',
        state: str(st.state, c.state, typeof c.status === 'string' ? c.status : undefined) || 'open',
        dueAt,
        startedAt,
        resolved: Boolean(c.resolved),
        windowHours: dueAt && startedAt ? (Date.parse(dueAt) - Date.parse(startedAt)) / 3600000 : Number(c.windowHours) || 0,
        conservative: Boolean(c.conservative),
        phrase: str(c.phrase) || '',
        elapsedMs: c.elapsedMs,
        submittedAt: str(c.submittedAt),
        incidentId: str(c.incidentId),
        obligationId: str(c.obligationId, c.id),
        regime: str(c.regime) || '',
      };
    });
  }
  /** Obligations still waiting for their anchor (a chained clock, an authority's request…). */
  /** What an incident accuses, in a few words: the instance, or the access key and its user. */
  const resourceLabel = (r) => (r.accessKeyId ? `key ${r.accessKeyId}${r.userName ? ` (${r.userName})` : ''}` : r.instanceId || '');
  const awaitingOf = (n) =>
    list(obj(n).awaiting).map((a) => ({
      obligationId: str(a.obligationId) || '',
      title: str(a.title, a.obligationId) || '—',
      waitingFor:
        list(a.waitingFor)
          .map((w) => str(obj(w).description, obj(w).anchor))
          .filter(Boolean)
          .join('; ') || list(a.missing).join(', '),
    }));
  function draftOf(n) {
    const top = obj(n);
    return str(
      top.draftMarkdown,
      obj(top.draft).markdown,
      top.markdown,
      obj(obj(top.draft).art33).markdown,
      obj(list(top.drafts)[0]).markdown,
    );
  }
  function artifactsOf(e) {
    const top = obj(e);
    return list(top.artifacts, top.items, top.evidence).map((a) => ({
      name: str(a.name, a.kind, a.key, a.id) || '—',
      sha256: str(a.sha256, a.hash) || '',
      size: typeof a.size === 'number' ? a.size : a.bytes,
      source: str(a.source, a.collector, a.collectedBy) || '',
      at: str(a.collectedAt, a.storedAt, a.at),
    }));
  }
  function verdictOf(r) {
    const v = obj(r);
    const ok = v.ok === true || v.intact === true || v.status === 'intact';
    const broken = v.firstBroken;
    const counts =
      obj(v.manifest).entries !== undefined
        ? `${obj(v.manifest).entries} manifest entries, ${obj(v.audit).entries ?? 0} audit entries`
        : v.checked !== undefined
          ? `${v.checked} entries`
          : 'chain';
    return ok
      ? { ok, text: `✓ intact: ${counts} verified` }
      : { ok, text: `✗ broken: ${typeof broken === 'string' ? broken : str(obj(broken).message) || 'see the server log'}` };
  }

  return {
    tokenKey,
    h,
    pill,
    icons,
    when,
    clockTime,
    duration,
    age,
    since,
    countdown,
    countdownEl,
    urgency,
    toast,
    copy,
    copyable,
    api,
    read,
    forget,
    optional,
    token,
    patch,
    sig,
    card,
    str,
    obj,
    list,
    resourceLabel,
    clocksOf,
    awaitingOf,
    draftOf,
    artifactsOf,
    verdictOf,
  };
})();
