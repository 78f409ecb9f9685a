import { describe, expect, it } from 'vitest';
import { ChunkedQueue } from '../../../src/tracking/clicks/queue.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('ChunkedQueue', () => {
  it('keeps FIFO order across many chunks', () => {
    const q = new ChunkedQueue<number>();
    for (const n of range(0, 5_000)) q.push(n);
    expect(q.size).toBe(5_000);
    expect(q.peek(3)).toEqual([0, 1, 2]);
    expect(q.peek(5_000)).toEqual(range(0, 5_000));
    expect(q.peek(10_000)).toHaveLength(5_000);
  });

  it('peeks without removing, and drops from the head', () => {
    const q = new ChunkedQueue<number>();
    for (const n of range(0, 3_000)) q.push(n);
    expect(q.peek(1_500)).toEqual(range(0, 1_500));
    expect(q.size).toBe(3_000);
    q.drop(1_500);
    expect(q.size).toBe(1_500);
    expect(q.peek(2)).toEqual([1_500, 1_501]);
    // Dropping inside a chunk, then across chunk boundaries.
    q.drop(10);
    expect(q.peek(1)).toEqual([1_510]);
    q.drop(1_000);
    expect(q.peek(600)).toEqual(range(2_510, 3_000));
  });

  it('interleaves pushes and drops like a buffer under load', () => {
    const q = new ChunkedQueue<number>();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 777; i++) q.push(next++);
      const batch = q.peek(500);
      expect(batch[0]).toBe(expected);
      expect(batch).toEqual(range(expected, expected + batch.length));
      q.drop(batch.length);
      expected += batch.length;
    }
    expect(q.size).toBe(next - expected);
    expect(q.pushedTotal).toBe(next);
    expect(q.removedTotal).toBe(expected);
  });

  it('shifts single items and empties cleanly', () => {
    const q = new ChunkedQueue<string>();
    expect(q.shift()).toBeUndefined();
    q.push('a');
    q.push('b');
    expect(q.shift()).toBe('a');
    expect(q.shift()).toBe('b');
    expect(q.shift()).toBeUndefined();
    expect(q.size).toBe(0);
    q.drop(5);
    expect(q.size).toBe(0);
    q.push('c');
    expect(q.peek(5)).toEqual(['c']);
  });
});
