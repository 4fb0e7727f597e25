/**
 * Group commit of alerts per incident. During a storm many alerts accuse the same instance at
 * once; each signal-with-start is one write to Temporal's history, so the API sends the alerts
 * that arrived while the previous write for that incident was in flight as one batch.
 * Invariants: at most one flush in flight per key, so an incident's alerts reach it in arrival
 * order; a lone alert is flushed at once (no timer, no added latency when quiet); a batch holds
 * at most `maxBatch` alerts (bounded signal payloads); every submit settles with its own
 * batch's outcome, so a request is answered 202 only once its alerts are in history.
 */

export type Flush<T> = (key: string, items: T[]) => Promise<void>;

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class AlertBatcher<T> {
  private readonly queues = new Map<string, Pending<T>[]>();

  constructor(
    private readonly flush: Flush<T>,
    private readonly maxBatch = 100,
  ) {
    if (!(maxBatch >= 1)) throw new RangeError('maxBatch must be at least 1');
  }

  /** Keys with alerts queued or in flight. */
  get activeKeys(): number {
    return this.queues.size;
  }

  submit(key: string, item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      this.queues.set(key, [{ item, resolve, reject }]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        await this.flush(
          key,
          batch.map((p) => p.item),
        );
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.queues.delete(key);
  }
}
