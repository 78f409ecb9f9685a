import { describe, expect, it } from 'vitest';
import { verifySignedCheckpoint } from '../../../web/src/verify/checkpoint.js';
import { checkAgainstLastSeen, lastSeenCheckpoint } from '../../../web/src/verify/consistency.js';
import { commissionEntry, FakeLog, MemoryStore, ORIGIN } from './fake-log.js';

function logOf(n: number, log = new FakeLog(), tag = 'a'): FakeLog {
  for (let i = log.texts.length; i < n; i++) log.append(commissionEntry(`com_${tag}${i}`, 'pending', 100 + i));
  log.sequence();
  return log;
}

const seeLog = async (store: MemoryStore, log: FakeLog) => checkAgainstLastSeen(store, await verifySignedCheckpoint(log.note(), log.vkey), (from, to) => log.source().consistencyProof(from, to));

describe('the checkpoint this browser saw last against the latest', () => {
  it('remembers the first checkpoint, then accepts the same one and a proven extension', async () => {
    const store = new MemoryStore();
    const log = logOf(3);
    expect((await seeLog(store, log)).status).toBe('first');
    expect(lastSeenCheckpoint(store, ORIGIN)?.size).toBe(3);
    expect((await seeLog(store, log)).status).toBe('unchanged');
    for (const size of [4, 5, 8, 13]) {
      const outcome = await seeLog(store, logOf(size, log));
      expect(outcome).toMatchObject({ status: 'extended', previous: { size: outcome.previous!.size } });
      expect(lastSeenCheckpoint(store, ORIGIN)?.size).toBe(size);
    }
  });

  it('flags a log that shrank and keeps the bigger checkpoint it saw', async () => {
    const store = new MemoryStore();
    const key = new FakeLog().privateKey;
    await seeLog(store, logOf(5, new FakeLog(key)));
    expect((await seeLog(store, logOf(4, new FakeLog(key)))).status).toBe('shrunk');
    expect(lastSeenCheckpoint(store, ORIGIN)?.size).toBe(5);
  });

  it('flags a fork: the same size with another root, or a bigger tree that does not extend the old one', async () => {
    const store = new MemoryStore();
    const key = new FakeLog().privateKey;
    await seeLog(store, logOf(5, new FakeLog(key)));
    expect((await seeLog(store, logOf(5, new FakeLog(key), 'b'))).status).toBe('forked');
    expect((await seeLog(store, logOf(9, new FakeLog(key), 'b'))).status).toBe('forked');
    expect(lastSeenCheckpoint(store, ORIGIN)?.size).toBe(5);
  });

  it('says "unproven" when the proof cannot be fetched, and remembers nothing new', async () => {
    const store = new MemoryStore();
    const log = logOf(2);
    await seeLog(store, log);
    logOf(3, log);
    const outcome = await checkAgainstLastSeen(store, await verifySignedCheckpoint(log.note(), log.vkey), async () => {
      throw new Error('HTTP 503');
    });
    expect(outcome).toMatchObject({ status: 'unproven', detail: 'HTTP 503' });
    expect(lastSeenCheckpoint(store, ORIGIN)?.size).toBe(2);
  });
});
