/**
 * Group commit for folder fsyncs: puts that publish names in the same folder at the same time
 * share one fsync(2) of that folder instead of queueing one each.
 * Invariant: `sync(dir)` resolves only after an fsync of `dir` that *began* after the call, so
 * every entry linked before the call is on disk. A sync already running when a caller arrives
 * may have begun before its link, so that caller waits for the next one, which everyone
 * arriving meanwhile shares. At most one fsync per folder runs at a time.
 */
export class GroupSync {
  private readonly folders = new Map<string, { running?: Promise<void>; next?: Promise<void> }>();

  constructor(private readonly fsyncPath: (p: string) => Promise<void>) {}

  sync(dir: string): Promise<void> {
    let state = this.folders.get(dir);
    if (!state) this.folders.set(dir, (state = {}));
    const s = state;
    if (!s.running) {
      s.running = this.fsyncPath(dir).finally(() => {
        s.running = undefined;
        if (!s.next) this.folders.delete(dir);
      });
      return s.running;
    }
    s.next ??= s.running
      .catch(() => undefined)
      .then(() => {
        s.next = undefined;
        return this.sync(dir);
      });
    return s.next;
  }
}
