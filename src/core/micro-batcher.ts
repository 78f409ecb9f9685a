/**
 * Groups concurrent calls into one database round trip, for hot paths where per-statement cost
 * (a round trip, a commit) outweighs the work itself. When nothing is in flight a call is sent at
 * once, so an idle process adds no latency; calls that arrive while batches are in flight queue
 * and go together in the next one. If a batch fails as a whole, each of its calls is re-run on its
 * own, so one bad call never fails the others. Holds no state that matters across processes.
 */
export class MicroBatcher<I, O> {
  private queue: { item: I; resolve: (out: O) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    /** Runs a batch; returns one result per item, in order. */
    private readonly runBatch: (items: I[]) => Promise<O[]>,
    private readonly limits: { maxBatch: number; maxInFlight: number },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.inFlight < this.limits.maxInFlight) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length) await this.flush(this.queue.splice(0, this.limits.maxBatch));
    } finally {
      this.inFlight--;
    }
  }

  private async flush(batch: MicroBatcher<I, O>['queue']): Promise<void> {
    let results: O[];
    try {
      results = await this.runBatch(batch.map((q) => q.item));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      await Promise.all(batch.map(async (q) => this.runBatch([q.item]).then(([out]) => q.resolve(out!), q.reject)));
      return;
    }
    batch.forEach((q, i) => q.resolve(results[i]!));
  }
}

/** One batcher per key (a database), created on first use. */
export function batcherPer<K extends object, I, O>(create: (key: K) => MicroBatcher<I, O>): (key: K) => MicroBatcher<I, O> {
  const batchers = new WeakMap<K, MicroBatcher<I, O>>();
  return (key) => {
    let batcher = batchers.get(key);
    if (!batcher) batchers.set(key, (batcher = create(key)));
    return batcher;
  };
}
