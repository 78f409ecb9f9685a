import type { Db } from '../../../../db/client.js';
import type { ServiceContext } from '../../../context.js';
import { MAX_BATCH, processConversions, type ConversionOutcome } from '../process.js';

interface Waiting {
  conversionId: string;
  waitForClicks: boolean;
  resolve(outcome: ConversionOutcome): void;
}

/**
 * Gathers the conversions that jobs running at the same time ask to process into shared batches
 * (one transaction, a few statements for all of them): while a batch is being processed, the
 * conversions that arrive wait and go together in the next one. Under load batches grow by
 * themselves; alone, a conversion goes at once. Each job still gets its own conversions' outcomes.
 */
export class ConversionBatcher {
  private waiting: Waiting[] = [];
  private busy = false;

  constructor(private readonly ctx: ServiceContext) {}

  async process(conversionIds: readonly string[], waitForClicks: boolean): Promise<Map<string, ConversionOutcome>> {
    const outcomes = conversionIds.map((conversionId) => new Promise<ConversionOutcome>((resolve) => this.waiting.push({ conversionId, waitForClicks, resolve })));
    if (!this.busy) {
      this.busy = true;
      // Jobs fetched together start in the same turn of the event loop: let them all join.
      setImmediate(() => void this.drain());
    }
    const settled = await Promise.all(outcomes);
    return new Map(conversionIds.map((id, i) => [id, settled[i]!]));
  }

  private async drain(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      // A conversion asked for twice (two jobs) is processed once; both get the outcome.
      const waitFor = new Map<string, boolean>();
      for (const w of batch) waitFor.set(w.conversionId, (waitFor.get(w.conversionId) ?? true) && w.waitForClicks);
      let outcomes: Map<string, ConversionOutcome>;
      try {
        outcomes = await processConversions(this.ctx, [...waitFor.keys()], { waitForClicks: (id) => waitFor.get(id) ?? true });
      } catch (error) {
        outcomes = new Map(batch.map((w) => [w.conversionId, { status: 'failed', error }]));
      }
      for (const w of batch) w.resolve(outcomes.get(w.conversionId) ?? { status: 'failed', error: new Error(`no outcome for ${w.conversionId}`) });
    }
    this.busy = false;
  }
}

// One per database (a process has one; tests run several harnesses side by side).
const batchers = new WeakMap<Db, ConversionBatcher>();

/** The batcher of this context's database, created with the first context that asks. */
export function conversionBatcher(ctx: ServiceContext): ConversionBatcher {
  let batcher = batchers.get(ctx.db);
  if (!batcher) {
    batcher = new ConversionBatcher(ctx);
    batchers.set(ctx.db, batcher);
  }
  return batcher;
}
