/** Items per chunk: big enough that chunk bookkeeping is noise, small enough that a spare one is cheap. */
const CHUNK = 1024;

/**
 * A FIFO queue stored in fixed-size chunks. Taking from the head advances an index instead of
 * `Array.prototype.shift`, which copies the whole array: with 200,000 clicks buffered, a shift per
 * click would make every flush quadratic.
 */
export class ChunkedQueue<T> {
  private chunks: T[][] = [];
  private head = 0;
  private count = 0;
  /** Items ever pushed and ever removed: a position in the stream, which `flush()` waits on. */
  pushedTotal = 0;
  removedTotal = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || last.length === CHUNK) {
      last = [];
      this.chunks.push(last);
    }
    last.push(item);
    this.count++;
    this.pushedTotal++;
  }

  /** Up to `n` items from the head, left in place (a failed write must keep them first in line). */
  peek(n: number): T[] {
    const out: T[] = [];
    let start = this.head;
    for (const chunk of this.chunks) {
      if (out.length >= n) break;
      const end = Math.min(chunk.length, start + (n - out.length));
      for (let i = start; i < end; i++) out.push(chunk[i]!);
      start = 0;
    }
    return out;
  }

  /** Removes `n` items from the head. */
  drop(n: number): void {
    let left = Math.min(n, this.count);
    this.count -= left;
    this.removedTotal += left;
    while (left > 0) {
      const first = this.chunks[0]!;
      const available = first.length - this.head;
      if (left < available) {
        // Release references early so written clicks can be collected before the chunk is done.
        first.fill(undefined as T, this.head, this.head + left);
        this.head += left;
        return;
      }
      left -= available;
      this.chunks.shift();
      this.head = 0;
    }
    if (this.count === 0) {
      this.chunks = [];
      this.head = 0;
    }
  }

  /** Removes and returns the head item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.chunks[0]![this.head]!;
    this.drop(1);
    return item;
  }
}
