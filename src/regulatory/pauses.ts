/**
 * Law-enforcement and national-security delays as time-boxed pauses of a clock (45 CFR 164.412;
 * Form 8-K Item 1.05(c); US state laws — REGULATORY.md §17.11). Pure arithmetic on instants.
 *
 * Rule encoded: the time a pause covers after the clock started and before its (already shifted)
 * due instant is added to the due instant — the clock stands still while paused and runs on
 * afterwards. Overlapping pauses count once. A pause that has not ended counts up to its `until`
 * (the time box); ended early, up to its end. A pause that starts after the due instant moves
 * nothing: a delay cannot revive a deadline already missed.
 */

export interface PauseWindow {
  from: string;
  /** The time box: the pause ends here at the latest. */
  until: string;
  /** Ended before `until` (the agency lifted the delay). */
  endedAt?: string;
}

const ms = (iso: string) => Date.parse(iso);

/** The instants a pause actually covers, [start, end) in epoch ms. */
export function pauseSpan(p: PauseWindow): [number, number] {
  const end = p.endedAt !== undefined ? Math.min(ms(p.endedAt), ms(p.until)) : ms(p.until);
  return [ms(p.from), Math.max(ms(p.from), end)];
}

/** Merged, sorted spans. */
function merged(pauses: readonly PauseWindow[]): [number, number][] {
  const spans = pauses
    .map(pauseSpan)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of spans) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The due instant after the pauses, and how much paused time moved it. */
export function pausedDue(startedAt: string, due: string, pauses: readonly PauseWindow[]): { due: string; pausedMs: number } {
  let shifted = ms(due);
  let paused = 0;
  for (const [a, b] of merged(pauses)) {
    const from = Math.max(a, ms(startedAt));
    if (from >= shifted || b <= from) continue;
    paused += b - from;
    shifted += b - from;
  }
  return { due: new Date(shifted).toISOString(), pausedMs: paused };
}

/** The pause covering `now`, if any (its span contains now). */
export function activePause<P extends PauseWindow>(pauses: readonly P[], now: string): P | undefined {
  const t = ms(now);
  return pauses.find((p) => {
    const [a, b] = pauseSpan(p);
    return a <= t && t < b;
  });
}
