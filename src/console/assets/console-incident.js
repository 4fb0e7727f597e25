// Cordon console, one incident: the decision first (approve/reject with a reason, opened straight
// from a notice's `#/incidents/<id>/approve/<step>` link), the incident at a glance (runbook on a
// time axis, time to contain and to recover), the regulatory clocks as filling bars, then the
// steps, the pinned runbook's definition (read-only: who started it, inputs, each step's when,
// gate, alongside and parameters), evidence, activity, draft and alerts. Each card carries a digest of the data it shows,
// so a poll that changed nothing leaves the page untouched (Cordon.patch).
'use strict';
window.CordonIncident = (() => {
  const {
    h,
    pill,
    when,
    clockTime,
    duration,
    age,
    since,
    countdownEl,
    copyable,
    api,
    read,
    optional,
    card,
    clocksOf,
    awaitingOf,
    draftOf,
    artifactsOf,
    verdictOf,
    toast,
    resourceLabel,
  } = window.Cordon;
  const { stepTimeline, clockBar, milestones, GATES } = window.CordonCharts;
  const opt = (path) => optional(read(path).then((r) => r.data));
  /** Decisions made in this tab, so the page can confirm them after the gate has moved on. */
  const decided = new Map();

  function decisionBanner(s) {
    const mine = [...decided.values()].filter((d) => d.incidentId === s.incidentId);
    return mine.map((d) =>
      h(
        'p',
        { class: `decided ${d.decision === 'approve' ? 's-done' : 's-failed'}`, role: 'status' },
        `${d.decision === 'approve' ? '✓ You approved' : '✗ You rejected'} “${d.title}” at ${clockTime(d.at)} UTC (${d.status}, ${d.approvals}/${d.required}). The runbook continues; this page follows it.`,
      ),
    );
  }

  function gateBox(s, st, ctx) {
    const self = ctx.me();
    const mine = self && (st.approvals || []).some((a) => a.by === self.name);
    const error = h('p', { class: 'error', role: 'alert' });
    const reasonId = `reason-${st.name}`;
    const reason = h('input', {
      id: reasonId,
      'data-step': st.name,
      maxlength: 2000,
      autocomplete: 'off',
      enterkeyhint: 'done',
      'aria-describedby': `hint-${st.name}`,
    });
    const decide = (decision) => async (ev) => {
      error.textContent = '';
      if (!reason.value.trim()) {
        error.textContent = 'A reason is required: it goes into the audit trail.';
        reason.focus();
        return;
      }
      const buttons = ev.target.closest('.gate').querySelectorAll('button');
      buttons.forEach((b) => {
        b.disabled = true;
      });
      try {
        const r = await api('POST', `/v1/incidents/${encodeURIComponent(s.incidentId)}/decisions`, {
          step: st.name,
          decision,
          reason: reason.value,
        });
        decided.set(`${s.incidentId}/${st.name}`, { incidentId: s.incidentId, title: st.title, decision, at: Date.now(), ...r });
        reason.value = '';
        toast(`${st.title}: ${r.status} (${r.approvals}/${r.required})`);
        history.replaceState(null, '', `#/incidents/${s.incidentId}`);
        ctx.refresh();
      } catch (e) {
        error.textContent = e.message;
        buttons.forEach((b) => {
          b.disabled = false;
        });
      }
    };
    reason.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        decide('approve')({ target: reason });
      }
    });
    const focused = ctx.route.approve === st.name;
    return h(
      'div',
      { class: `gate${focused ? ' focused' : ''}`, 'data-gate': st.name, role: 'group', 'aria-labelledby': `gate-${st.name}` },
      h('h3', { id: `gate-${st.name}` }, st.title),
      h('p', { class: 'muted' }, st.detail || '', st.startedAt ? [' · waiting ', since(st.startedAt)] : ''),
      (st.approvals || []).map((a) => h('p', { class: 's-done' }, `✓ ${a.by} · ${when(a.at)}: ${a.reason}`)),
      mine
        ? h('p', { class: 'muted' }, 'You approved this; a second, different approver is needed.')
        : [
            h('label', { for: reasonId }, 'Reason (recorded in the audit trail)'),
            reason,
            h(
              'div',
              { class: 'decide' },
              h(
                'button',
                { type: 'button', class: 'approve', onclick: decide('approve'), 'data-action': 'approve' },
                h('span', { 'aria-hidden': 'true' }, '✓ '),
                'Approve',
              ),
              h(
                'button',
                { type: 'button', class: 'reject', onclick: decide('reject'), 'data-action': 'reject' },
                h('span', { 'aria-hidden': 'true' }, '✗ '),
                'Reject',
              ),
            ),
            h('p', { class: 'muted small hint', id: `hint-${st.name}` }, 'Ctrl+Enter approves'),
            error,
          ],
    );
  }

  function approvalsCard(s, ctx) {
    const waiting = s.steps.filter((st) => st.status === 'awaiting-approval');
    const banner = decisionBanner(s);
    const asked = ctx.route.approve && s.steps.find((st) => st.name === ctx.route.approve);
    const stale =
      asked && asked.status !== 'awaiting-approval' && !decided.has(`${s.incidentId}/${asked.name}`)
        ? h(
            'p',
            { class: 'stale', role: 'status' },
            `“${asked.title}” is no longer waiting for a decision: ${asked.status}${(asked.approvals || []).length ? ` — decided by ${asked.approvals.map((a) => a.by).join(', ')}` : ''}.`,
          )
        : undefined;
    if (!waiting.length && !banner.length && !stale) return undefined;
    const data = [waiting, [...decided.keys()], ctx.route.approve, ctx.me()];
    return card(
      'approvals',
      data,
      { class: `card${waiting.length ? ' attention' : ''}`, 'aria-labelledby': 'approvals-h' },
      h('h2', { id: 'approvals-h' }, waiting.length ? `Waiting for a decision (${waiting.length})` : 'Decision'),
      banner,
      stale,
      waiting.map((st) => gateBox(s, st, ctx)),
    );
  }

  function glanceCard(s, now) {
    const m = milestones(s);
    const gates = s.steps.filter((st) => (GATES.has(st.name) || st.approvals) && st.startedAt);
    const waited = gates.filter((st) => st.endedAt).reduce((sum, st) => sum + Date.parse(st.endedAt) - Date.parse(st.startedAt), 0);
    const open = gates
      .filter((st) => !st.endedAt)
      .map((st) => st.startedAt)
      .sort()[0];
    const failed = s.steps.filter((st) => st.status === 'failed').length;
    const done = s.steps.filter((st) => st.status === 'done').length;
    const live = s.steps.some((st) => st.status === 'running' || st.status === 'awaiting-approval');
    const stat = (key, label, value, note) =>
      h(
        'div',
        { class: 'stat', 'data-stat': key },
        h('dt', {}, label),
        h('dd', {}, value, note ? h('span', { class: 'muted small' }, ` ${note}`) : ''),
      );
    const chart = h('figure', { class: 'chart', 'data-chart': 'timeline', 'data-live': live ? 'yes' : undefined });
    chart.draw = (width) => stepTimeline(s, Date.now(), width);
    return card(
      'glance',
      [s.steps, s.phase, s.timeline.length],
      { 'aria-labelledby': 'glance-h' },
      h('h2', { id: 'glance-h' }, 'At a glance'),
      h(
        'dl',
        { class: 'stats' },
        stat(
          'contain',
          'Time to contain',
          m.containedAt ? duration(m.containedAt - m.alertAt) : '—',
          m.containedAt ? '' : 'not contained yet',
        ),
        stat(
          'recover',
          'Time to recover',
          m.recoveredAt ? duration(m.recoveredAt - m.alertAt) : '—',
          m.recoveredAt ? '' : 'no verified replacement yet',
        ),
        stat('gates', 'Waiting on people', open ? since(open, waited) : duration(waited), `${gates.length} gate(s)`),
        stat('steps', 'Steps', `${done} of ${s.steps.length} done`, failed ? `✗ ${failed} failed` : ''),
      ),
      chart,
      h(
        'p',
        { class: 'legend small muted', 'aria-hidden': 'true' },
        h('span', { class: 'sw g-done' }),
        ' step ran ',
        h('span', { class: 'sw g-wait' }),
        ' gate or wait (hatched) ',
        h('span', { class: 'sw g-failed' }),
        ' ✗ failed ',
        h('span', { class: 'sw g-running' }),
        ' ▶ running · axis: time since the alert',
      ),
    );
  }

  function stepsCard(s) {
    return card(
      'steps',
      s.steps,
      { 'aria-labelledby': 'steps-h' },
      h('h2', { id: 'steps-h' }, 'Runbook'),
      h(
        'ol',
        { class: 'steps', id: 'step-list' },
        s.steps.map((st) =>
          h(
            'li',
            { 'data-step': st.name, class: `step-${st.status}` },
            h('div', { class: 'step-head' }, pill(st.status), h('span', { class: 'step-title' }, st.title)),
            st.error || st.detail ? h('p', { class: `muted small wrap${st.error ? ' s-failed' : ''}` }, st.error || st.detail) : '',
          ),
        ),
      ),
    );
  }

  /** How a step's gate reads: its mode, who decides, its timeout and outcome. */
  function gateText(g) {
    if (typeof g === 'string') return g === 'policy' ? 'the severity policy’s' : g;
    return `${g.mode === 'approve' ? 'approvers' : 'two people'} (${g.approverRoles.join('/')}), ${g.timeoutMinutes} min → ${g.onTimeout}`;
  }

  /** Who started the incident, as its provenance says. */
  function startedBy(p) {
    if (!p) return '';
    if (p.via === 'manual') return `Started by hand by ${p.requestedBy.name}: ${p.reason || '—'}`;
    return `Opened by an alert from ${p.requestedBy.name}${p.requestedBy.source ? ` via ${p.requestedBy.source}` : ''}`;
  }

  /** The runbook the incident pinned at its start, read-only: the exact definition it runs, not today's file. */
  function definitionCard(pinned) {
    const head = h('h2', { id: 'definition-h' }, 'Runbook definition');
    const attrs = { 'aria-labelledby': 'definition-h' };
    if (!pinned) return undefined;
    if (pinned.forbidden) return card('definition', pinned, attrs, head, h('p', { class: 'muted' }, pinned.forbidden));
    const r = pinned.runbook;
    if (!r) return card('definition', pinned, attrs, head, h('p', { class: 'muted' }, 'No runbook pinned: the built-in order.'));
    const inputs = Object.entries(r.inputs || {});
    const fact = (cls, label, value) => h('span', { class: `def def-${cls}` }, h('span', { class: 'muted' }, `${label} `), value);
    return card(
      'definition',
      pinned,
      attrs,
      head,
      h(
        'p',
        { class: 'def-head' },
        h('strong', { 'data-runbook': r.name }, `${r.name} ${r.version}`),
        ' ',
        copyable(r.sha256, 'runbook sha256', 'hash'),
      ),
      pinned.provenance
        ? h('p', { class: 'muted small wrap', 'data-provenance': pinned.provenance.via || 'alert' }, startedBy(pinned.provenance))
        : '',
      inputs.length
        ? h(
            'p',
            { class: 'small wrap', 'data-inputs': '' },
            h('span', { class: 'muted' }, 'Inputs: '),
            inputs.map(([k, v]) => `${k} = ${String(v)}`).join(', '),
          )
        : '',
      h(
        'ol',
        { class: 'definition', 'aria-label': `steps of ${r.name} as pinned (read-only)` },
        r.steps.map((st) =>
          h(
            'li',
            { 'data-def-step': st.step },
            h('code', { class: 'def-step' }, st.step),
            st.alongside ? fact('alongside', '⇉', 'alongside the chain') : '',
            st.when !== undefined ? fact('when', 'when', h('code', { class: 'wrap' }, st.when)) : '',
            st.gate !== undefined ? fact('gate', 'gate', gateText(st.gate)) : '',
            st.params
              ? fact(
                  'params',
                  'params',
                  Object.entries(st.params)
                    .map(([k, v]) => `${k}=${String(v)}`)
                    .join(' '),
                )
              : '',
            st.compensate === false ? fact('compensate', '', 'no compensation') : '',
          ),
        ),
      ),
    );
  }

  function clocksCard(n, ctx, now) {
    const head = h('h2', { id: 'clocks-h' }, 'Regulatory clocks');
    if (n && n.forbidden) return card('clocks', n, { 'aria-labelledby': 'clocks-h' }, head, h('p', { class: 'muted' }, n.forbidden));
    const clocks = clocksOf(n),
      awaiting = awaitingOf(n);
    const row = (c, waiting) => {
      const bar = clockBar({ ...c, waiting }, now);
      const state = bar.dataset.state;
      const status = waiting
        ? h('span', { class: 'muted' }, '○ waiting')
        : state === 'open'
          ? countdownEl(c.dueAt, c.windowHours)
          : state === 'overdue'
            ? h('span', { class: 'countdown u-overdue' }, `! overdue ${duration(now - Date.parse(c.dueAt))}`)
            : state === 'elapsed'
              ? h('span', { class: 'muted' }, `… ${duration(c.elapsedMs)} elapsed`)
              : pill(c.state === 'late' ? 'late' : state === 'met' ? 'submitted' : c.state);
      const meta = waiting
        ? `waiting for ${c.waitingFor}`
        : [
            c.regime.toUpperCase(),
            c.recipient,
            c.dueAt ? `due ${when(c.dueAt)}` : c.phrase,
            c.submittedAt ? `submitted ${when(c.submittedAt)}` : '',
          ]
            .filter(Boolean)
            .join(' · ');
      return h(
        'div',
        {
          class: `clock${ctx.route.clock === c.obligationId ? ' focused' : ''}`,
          'data-clock': c.obligationId || c.title,
          'data-state': waiting ? 'waiting' : state,
        },
        h('div', { class: 'clock-head' }, h('strong', {}, c.title), status),
        bar,
        h('p', { class: 'muted small' }, meta),
        c.conservative && !waiting ? h('p', { class: 'muted small' }, 'counting from the first alert until awareness is recorded') : '',
      );
    };
    const body = !n
      ? h('p', { class: 'muted' }, 'No breach assessment yet.')
      : !clocks.length && !awaiting.length
        ? h('p', { class: 'muted' }, 'No regulatory clock is running.')
        : [...clocks.map((c) => row(c, false)), ...awaiting.map((a) => row({ ...a, regime: '', recipient: '' }, true))];
    const data = [clocks.map((c) => [c.obligationId, c.state, c.dueAt, c.resolved, c.submittedAt]), awaiting, ctx.route.clock];
    return card('clocks', data, { 'aria-labelledby': 'clocks-h' }, head, body);
  }

  function draftCard(n) {
    const markdown = draftOf(n);
    if (!markdown) return undefined;
    const download = () => {
      const url = URL.createObjectURL(new Blob([markdown], { type: 'text/markdown' }));
      h('a', { href: url, download: 'article-33-draft.md' }).click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    };
    return card(
      'draft',
      markdown,
      { 'aria-labelledby': 'draft-h' },
      h('h2', { id: 'draft-h' }, 'Article 33 notification draft'),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'ghost', onclick: () => window.Cordon.copy(markdown, 'Draft') }, 'Copy'),
        h('button', { type: 'button', class: 'ghost', onclick: download, 'data-action': 'download' }, 'Download .md'),
      ),
      h('pre', { class: 'draft', tabindex: 0, 'aria-label': 'draft text' }, markdown),
    );
  }

  function evidenceCard(s, evidence) {
    if (!evidence) return undefined;
    const head = (n) => h('h2', { id: 'evidence-h' }, n === undefined ? 'Evidence' : `Evidence (${n})`);
    if (evidence.forbidden)
      return card('evidence', evidence, { 'aria-labelledby': 'evidence-h' }, head(), h('p', { class: 'muted' }, evidence.forbidden));
    const artifacts = artifactsOf(evidence);
    const result = h('span', { class: 'muted', id: 'verify-result', role: 'status' });
    const verify = async (ev) => {
      ev.target.disabled = true;
      result.textContent = 'verifying…';
      try {
        const v = verdictOf(await api('POST', `/v1/incidents/${encodeURIComponent(s.incidentId)}/evidence/verify`));
        result.textContent = v.text;
        result.className = v.ok ? 's-done' : 's-failed';
      } catch (e) {
        result.textContent = e.message;
        result.className = 's-failed';
      }
      ev.target.disabled = false;
    };
    return card(
      'evidence',
      artifacts,
      { 'aria-labelledby': 'evidence-h' },
      head(artifacts.length),
      artifacts.length
        ? h(
            'ul',
            { class: 'artifacts' },
            artifacts.map((a) =>
              h(
                'li',
                { 'data-artifact': a.name },
                h('span', { class: 'wrap' }, a.name),
                h(
                  'span',
                  { class: 'muted small' },
                  [a.source, typeof a.size === 'number' ? `${a.size.toLocaleString('en')} B` : '', a.at ? when(a.at) : '']
                    .filter(Boolean)
                    .join(' · '),
                ),
                a.sha256 ? copyable(a.sha256, `sha256 of ${a.name}`, 'hash') : '',
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'Nothing collected yet.'),
      h('p', {}, h('button', { type: 'button', class: 'ghost', onclick: verify, 'data-action': 'verify' }, 'Verify chain'), ' ', result),
    );
  }

  function activityCard(s) {
    return card(
      'activity',
      s.timeline,
      { 'aria-labelledby': 'activity-h' },
      h('h2', { id: 'activity-h' }, 'Activity'),
      h(
        'ul',
        { class: 'timeline', tabindex: 0, 'aria-label': 'activity, newest first' },
        [...s.timeline]
          .reverse()
          .map((t) =>
            h(
              'li',
              { class: `k-${t.kind}` },
              h('time', { datetime: t.at }, when(t.at)),
              t.actor ? h('strong', {}, `${t.actor} `) : '',
              h('span', { class: 'wrap' }, t.message),
            ),
          ),
      ),
    );
  }

  function alertsCard(s) {
    return card(
      'alerts',
      s.alerts,
      { 'aria-labelledby': 'alerts-h' },
      h('h2', { id: 'alerts-h' }, 'Alerts'),
      h(
        'ul',
        { class: 'plain' },
        s.alerts.map((a) =>
          h(
            'li',
            { class: 'alert-row' },
            h('span', { class: 'wrap' }, pill(a.severity, 'sev'), ' ', a.title),
            h('span', { class: 'muted' }, `×${a.count}`),
          ),
        ),
      ),
    );
  }

  /** The page for `#/incidents/<id>[/approve/<step> | /clocks/<obligation>]`: a header and the layout's two columns. */
  async function page(ctx) {
    const id = ctx.route.id;
    const base = `/v1/incidents/${encodeURIComponent(id)}`;
    const [s, notification, evidence, pinned] = await Promise.all([
      api('GET', base),
      opt(`${base}/notification`),
      opt(`${base}/evidence`),
      opt(`${base}/runbook`),
    ]);
    const now = Date.now();
    const head = card(
      'head',
      [s.resource, s.principal && s.principal.name, s.phase, s.severity, s.alertCount, s.alerts.length, s.dryRun, s.runbook, s.provenance],
      { class: 'head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, '← Incidents')),
      h(
        'h1',
        {},
        // A key started by hand names no user until the runbook has read its owner from IAM.
        h('span', { class: 'wrap' }, resourceLabel({ ...s.resource, userName: s.resource.userName || (s.principal && s.principal.name) })),
        ' ',
        pill(s.phase),
        ' ',
        pill(s.severity, 'sev'),
      ),
      h(
        'p',
        { class: 'muted meta' },
        copyable(s.incidentId, 'incident id', 'id'),
        h(
          'span',
          {},
          `opened ${when(s.openedAt)} (${age(s.openedAt)} ago) · ${s.alertCount} alert(s), ${s.alerts.length} distinct${s.dryRun ? ' · plan mode' : ''}`,
        ),
        h(
          'span',
          { 'data-meta': 'runbook' },
          s.runbook ? `runbook ${s.runbook.name} ${s.runbook.version}` : 'built-in order',
          s.provenance && s.provenance.via === 'manual' ? ` · started by hand by ${s.provenance.requestedBy.name}` : '',
        ),
      ),
    );
    const col = (key, ...cards) => h('div', { class: `col ${key}`, 'data-key': key, 'data-sig': '*' }, ...cards.filter(Boolean));
    return [
      head,
      h(
        'div',
        { class: 'layout', 'data-key': 'layout', 'data-sig': '*' },
        col(
          'main',
          approvalsCard(s, ctx),
          glanceCard(s, now),
          stepsCard(s),
          definitionCard(pinned),
          activityCard(s),
          draftCard(notification),
        ),
        col('side', clocksCard(notification, ctx, now), evidenceCard(s, evidence), alertsCard(s)),
      ),
    ];
  }

  return { page, decided };
})();
