// Cordon console, charts drawn as inline SVG built with DOM calls (no library, no external asset,
// nothing the strict CSP refuses: colours come from console.css classes, sizes are attributes).
// `gantt` lays rows of time segments on one time axis at the pixel width it is given, so text
// stays legible from a phone to a wall screen (labels beside the bars when wide, above them when
// narrow); `clockBar` is one regulatory clock filling towards its due time. Every mark has a text
// twin (a glyph and a word), so colour is never the only signal.
'use strict';
window.CordonCharts = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  let uid = 0;
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
    for (const c of children.flat(2))
      if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }
  const CHAR = 6.6; // px per character of the 12 px chart font, a safe upper bound for truncation
  const fit = (text, px) => (text.length * CHAR <= px ? text : `${text.slice(0, Math.max(1, Math.floor(px / CHAR) - 1))}…`);
  const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map(
    (x) => x * 1000,
  );
  function tickLabel(ms, step, relative) {
    if (relative)
      return ms === 0
        ? '0'
        : step < 60000
          ? `+${Math.round(ms / 1000)} s`
          : step < 3600000
            ? `+${Math.round(ms / 60000)} min`
            : step < 86400000
              ? `+${Math.round(ms / 3600000)} h`
              : `+${Math.round(ms / 86400000)} d`;
    const iso = new Date(ms).toISOString();
    return step >= 86400000 ? iso.slice(5, 10) : step >= 60000 ? iso.slice(11, 16) : iso.slice(11, 19);
  }
  function hatch(defs, cls) {
    const id = `hatch-${++uid}`;
    defs.append(
      s(
        'pattern',
        { id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        s('rect', { width: 6, height: 6, class: `${cls} hatch-bg` }),
        s('line', { x1: 1.5, y1: 0, x2: 1.5, y2: 6, class: `${cls} hatch-line` }),
      ),
    );
    return `url(#${id})`;
  }

  /**
   * rows: [{ label, title, segments: [{ from, to, cls, hatched }], marker?: { at, glyph, cls }, tail }]; marks: [{ at, label, cls }].
   * relative: axis labels as offsets from `from` ("+2 min") instead of UTC clock times.
   */
  function gantt({ rows, from, to, width, marks = [], relative = false, label }) {
    const wide = width >= 640;
    const labelW = wide ? Math.min(300, Math.round(width * 0.3)) : 0;
    const x0 = labelW + (wide ? 14 : 4),
      x1 = width - 6;
    const span = Math.max(1, to - from);
    const x = (t) => x0 + ((Math.min(Math.max(t, from), to) - from) / span) * (x1 - x0);
    const rowH = wide ? 24 : 34,
      top = 36,
      height = top + rows.length * rowH + 22;
    const defs = s('defs');
    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label, class: 'gantt' }, defs);
    const step = STEPS.find((st) => span / st <= Math.max(2, Math.floor((x1 - x0) / 90))) || STEPS[STEPS.length - 1];
    const first = relative ? from : Math.ceil(from / step) * step;
    for (let t = first; t <= to; t += step) {
      svg.append(
        s('line', { x1: x(t), x2: x(t), y1: top - 4, y2: height - 20, class: 'grid' }),
        s(
          'text',
          { x: x(t), y: height - 6, class: 'tick', 'text-anchor': x(t) < x0 + 20 ? 'start' : x(t) > x1 - 30 ? 'end' : 'middle' },
          tickLabel(relative ? t - from : t, step, relative),
        ),
      );
    }
    let lastX = -Infinity,
      lane = 0;
    for (const m of [...marks].sort((a, b) => a.at - b.at)) {
      const mx = x(m.at);
      lane = mx - lastX < 90 ? 1 - lane : 0;
      lastX = mx;
      const anchor = mx > x1 - 60 ? 'end' : mx < x0 + 40 ? 'start' : 'middle';
      svg.append(
        s('line', { x1: mx, x2: mx, y1: lane ? 22 : 10, y2: height - 20, class: `mark ${m.cls || ''}` }),
        s('text', { x: mx, y: lane ? 20 : 9, class: `mark-label ${m.cls || ''}`, 'text-anchor': anchor }, m.label),
      );
    }
    rows.forEach((r, i) => {
      const y = top + i * rowH;
      const barY = wide ? y + 5 : y + 17,
        barH = wide ? 14 : 12;
      const g = s('g', { class: `row ${r.cls || ''}`, 'data-row': r.key || '' }, s('title', {}, r.title || r.label));
      if (wide) g.append(s('text', { x: labelW, y: y + 16, class: 'row-label', 'text-anchor': 'end' }, fit(r.label, labelW - 4)));
      else g.append(s('text', { x: 4, y: y + 12, class: 'row-label' }, fit(r.label, width * 0.62)));
      let end = x0;
      for (const seg of r.segments || []) {
        const sx = x(seg.from),
          w = Math.max(2, x(seg.to) - sx);
        g.append(
          s('rect', {
            x: sx,
            y: barY,
            width: w,
            height: barH,
            rx: 2,
            class: `seg ${seg.cls}${seg.hatched ? ' hatched' : ''}`,
            fill: seg.hatched ? hatch(defs, seg.cls) : undefined,
          }),
        );
        end = Math.max(end, sx + w);
      }
      if (r.marker)
        g.append(
          s(
            'text',
            { x: x(r.marker.at), y: barY + barH - 2, class: `glyph ${r.marker.cls || ''}`, 'text-anchor': 'middle' },
            r.marker.glyph,
          ),
        );
      if (r.tail) {
        const room = x1 - end - 6;
        if (!wide) g.append(s('text', { x: width - 4, y: y + 12, class: 'row-tail', 'text-anchor': 'end' }, fit(r.tail, width * 0.36)));
        else if (room >= r.tail.length * CHAR) g.append(s('text', { x: end + 5, y: barY + barH - 3, class: 'row-tail' }, r.tail));
        else {
          const before = x((r.segments && r.segments[0] && r.segments[0].from) || from) - 5;
          // No room after the bar: before it when there is room there, else inside it (outlined so it reads on any colour).
          g.append(
            before - x0 >= r.tail.length * CHAR
              ? s('text', { x: before, y: barY + barH - 3, class: 'row-tail', 'text-anchor': 'end' }, r.tail)
              : s('text', { x: x1 - 4, y: barY + barH - 3, class: 'row-tail inside', 'text-anchor': 'end' }, r.tail),
          );
        }
      }
      svg.append(g);
    });
    return svg;
  }

  const GATES = new Set(['contain', 'approve-revoke-sessions', 'replace', 'approve-refresh']);
  const WAITS = new Set(['fleet-budget', 'verify-replacement']);
  const D = (ms) => window.Cordon.duration(ms);

  /** The milestones of an incident: alert received, contained, replaced (healthy replacement), failed, closed. */
  function milestones(s) {
    const at = (iso) => (iso ? Date.parse(iso) : undefined);
    const alertAt = Math.min(at(s.openedAt), ...s.timeline.filter((t) => t.kind === 'alert').map((t) => at(t.at)));
    const note = (phase) => at((s.timeline.find((t) => t.kind === 'note' && t.message === `incident is ${phase}`) || {}).at);
    return { alertAt, containedAt: note('contained'), recoveredAt: note('monitoring'), failedAt: note('failed'), closedAt: note('closed') };
  }

  /** The runbook on a time axis: each step a bar from start to end, gates and durable waits hatched, failures marked. */
  function stepTimeline(s, now, width) {
    const m = milestones(s);
    const times = s.steps
      .flatMap((st) => [st.startedAt, st.endedAt])
      .filter(Boolean)
      .map(Date.parse);
    const finished =
      ['closed', 'monitoring', 'failed'].includes(s.phase) &&
      !s.steps.some((st) => st.status === 'running' || st.status === 'awaiting-approval');
    const to = finished ? Math.max(m.alertAt + 1000, ...times, m.containedAt || 0, m.recoveredAt || 0) : Math.max(now, ...times);
    const rows = s.steps.map((st) => {
      const wait = GATES.has(st.name) || WAITS.has(st.name) || st.status === 'awaiting-approval' || Boolean(st.approvals);
      const start = st.startedAt ? Date.parse(st.startedAt) : undefined;
      const end = st.endedAt ? Date.parse(st.endedAt) : st.status === 'running' || st.status === 'awaiting-approval' ? now : start;
      const took = start !== undefined && end !== undefined ? D(end - start) : '';
      const by = (st.approvals || []).map((a) => a.by).join(', ');
      const [cls, tail] = {
        failed: ['g-failed', `✗ failed after ${took}`],
        'awaiting-approval': ['g-waiting', `‖ waiting ${took}`],
        running: ['g-running', `▶ running ${took}`],
        done: wait ? ['g-wait', `‖ waited ${took}${by ? ` · ${by}` : ''}`] : ['g-done', `✓ ${took}`],
        skipped: ['g-skipped', '– skipped'],
        pending: ['g-pending', '○ pending'],
      }[st.status] || ['g-pending', st.status];
      return {
        key: st.name,
        label: st.title,
        cls,
        tail,
        title: `${st.title}: ${st.status}${took ? ` (${took})` : ''}${st.error ? ` — ${st.error}` : ''}`,
        segments: start !== undefined ? [{ from: start, to: end, cls, hatched: wait || st.status === 'awaiting-approval' }] : [],
        marker: st.status === 'failed' && end !== undefined ? { at: end, glyph: '✗', cls: 'g-failed' } : undefined,
      };
    });
    const marks = [{ at: m.alertAt, label: 'alert', cls: 'm-alert' }];
    if (m.containedAt) marks.push({ at: m.containedAt, label: `contained ${D(m.containedAt - m.alertAt)}`, cls: 'm-ok' });
    if (m.recoveredAt) marks.push({ at: m.recoveredAt, label: `replaced ${D(m.recoveredAt - m.alertAt)}`, cls: 'm-ok' });
    if (m.failedAt) marks.push({ at: m.failedAt, label: '✗ failed', cls: 'm-bad' });
    if (!finished) marks.push({ at: to, label: 'now', cls: 'm-now' });
    const counts = s.steps.reduce((c, st) => ({ ...c, [st.status]: (c[st.status] || 0) + 1 }), {});
    const label = `Runbook timeline: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}${m.containedAt ? `; contained ${D(m.containedAt - m.alertAt)} after the alert` : ''}`;
    return gantt({ rows, from: m.alertAt, to, width, marks, relative: true, label });
  }

  /** Every open clock across incidents on one time axis: elapsed part filled, overdue part hatched red, "now" marked. */
  function deadlineChart(clocks, now, width) {
    const U = window.Cordon;
    const timed = clocks.filter((c) => c.startedAt);
    if (!timed.length) return undefined;
    const from = Math.min(now, ...timed.map((c) => Date.parse(c.startedAt)));
    const to = Math.max(now + 3600000, ...timed.map((c) => (c.dueAt ? Date.parse(c.dueAt) : now)));
    const rows = timed.map((c) => {
      const start = Date.parse(c.startedAt),
        due = c.dueAt ? Date.parse(c.dueAt) : undefined;
      const urgent = due ? U.urgency(c.dueAt, c.windowHours).replace('u-', 'g-u-') : 'g-pending';
      const segments = due
        ? [
            { from: start, to: due, cls: 'g-track' },
            { from: start, to: Math.min(now, due), cls: now > due ? 'g-spent' : urgent },
            ...(now > due ? [{ from: due, to: now, cls: 'g-failed', hatched: true }] : []),
          ]
        : [{ from: start, to: now, cls: 'g-pending', hatched: true }];
      const tail = !due ? '… no fixed deadline' : now > due ? `! overdue ${D(now - due)}` : `${D(due - now)} left`;
      const who = (c.incidentId || '').replace(/^inc-\d+-[a-z0-9-]+?-(i-)/, '$1');
      return {
        key: `${c.incidentId}/${c.obligationId}`,
        label: `${c.obligationId} · ${who}`,
        title: `${c.title} (${c.incidentId}): ${tail}`,
        segments,
        tail,
        cls: urgent,
      };
    });
    return gantt({
      rows,
      from,
      to,
      width,
      marks: [{ at: now, label: 'now', cls: 'm-now' }],
      label: `Deadlines: ${rows.length} clock(s) on one time axis`,
    });
  }

  /** One clock: a bar filling from its start towards its due time (`data-*` lets the page tick it every second). */
  function clockBar(c, now) {
    const start = c.startedAt ? Date.parse(c.startedAt) : undefined,
      due = c.dueAt ? Date.parse(c.dueAt) : undefined;
    const done = c.resolved || ['met', 'late', 'submitted'].includes(c.state);
    const at = done && c.submittedAt ? Date.parse(c.submittedAt) : now;
    const frac = start !== undefined && due ? Math.min(1, Math.max(0, (at - start) / (due - start))) : done ? 1 : 0;
    const state = c.waiting
      ? 'waiting'
      : c.state === 'not-required'
        ? 'not-required'
        : done
          ? c.state === 'late'
            ? 'late'
            : 'met'
          : due && now > due
            ? 'overdue'
            : !due
              ? 'elapsed'
              : 'open';
    const cls = {
      waiting: 'g-pending',
      'not-required': 'g-skipped',
      met: 'g-done',
      late: 'g-warn',
      overdue: 'g-failed',
      elapsed: 'g-pending',
      open: window.Cordon.urgency(c.dueAt, c.windowHours).replace('u-', 'g-u-'),
    }[state];
    const defs = s('defs');
    const hatched = state === 'overdue' || state === 'elapsed';
    const fill = s('rect', {
      x: 0,
      y: 0,
      height: 10,
      width: hatched ? 100 : frac * 100,
      class: `seg ${cls} fill${hatched ? ' hatched' : ''}`,
      fill: hatched ? hatch(defs, cls) : undefined,
    });
    if (state === 'open') {
      fill.dataset.start = String(start);
      fill.dataset.due = String(due);
    }
    return s(
      'svg',
      { viewBox: '0 0 100 10', preserveAspectRatio: 'none', class: `clock-bar st-${state}`, 'aria-hidden': 'true', 'data-state': state },
      defs,
      s('rect', { x: 0, y: 0, width: 100, height: 10, class: `track ${state === 'waiting' ? 'dashed' : ''}` }),
      state === 'waiting' || state === 'not-required' ? null : fill,
    );
  }
  function tickBars() {
    document.querySelectorAll('rect.fill[data-due]').forEach((r) => {
      const start = Number(r.dataset.start),
        due = Number(r.dataset.due);
      r.setAttribute('width', String(Math.min(1, Math.max(0, (Date.now() - start) / (due - start))) * 100));
    });
  }

  return { gantt, stepTimeline, deadlineChart, clockBar, tickBars, milestones, GATES };
})();
