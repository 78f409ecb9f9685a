import { describe, expect, it } from 'vitest';
import { classifyClicks, dedupKey, rollupDeltas, type DedupState } from '../../../src/tracking/clicks/classify.js';
import type { PendingClick } from '../../../src/tracking/types.js';

const MIN = 60_000;
const T0 = Date.parse('2029-05-01T10:00:00Z');
let seq = 0;

function click(minutes: number, attrs: Partial<PendingClick> = {}): PendingClick {
  return {
    id: `clk_${seq++}`,
    clickedAt: new Date(T0 + minutes * MIN),
    linkId: 'lnk_a',
    programId: 'prg_a',
    ownerMemberId: 'mem_a',
    country: 'DE',
    uaClass: 'desktop',
    referrerHost: null,
    ipHash: 'ip1',
    subIds: null,
    ...attrs,
  };
}

const fresh = (...keys: [string, string][]) => new Map<string, DedupState>(keys.map(([l, ip]) => [dedupKey(l, ip), { day: '2029-05-01', lastCountedMs: null }]));
const statuses = (clicks: PendingClick[], state: Map<string, DedupState>) => classifyClicks(clicks, state).classified.map((c) => `${c.status}${c.unique ? '*' : ''}`);

describe('classifyClicks', () => {
  it.each([
    ['a lone click', [0], ['counted*']],
    ['a repeat within the hour', [0, 59], ['counted*', 'duplicate']],
    ['a repeat at exactly one hour', [0, 60], ['counted*', 'counted']],
    ['a burst: the hour runs from the last counted click', [0, 30, 61, 90, 121], ['counted*', 'duplicate', 'counted', 'duplicate', 'counted']],
  ])('%s', (_name, minutes, expected) => {
    expect(statuses(minutes.map((m) => click(m)), fresh(['lnk_a', 'ip1']))).toEqual(expected);
  });

  it('takes a batch in time order whatever order it arrived in', () => {
    const late = click(20);
    const early = click(0);
    const { classified } = classifyClicks([late, early], fresh(['lnk_a', 'ip1']));
    expect(classified.map((c) => [c.click.id, c.status])).toEqual([
      [late.id, 'duplicate'],
      [early.id, 'counted'],
    ]);
  });

  it('classifies against the stored last counted click', () => {
    const state = new Map([[dedupKey('lnk_a', 'ip1'), { day: '2029-05-01', lastCountedMs: T0 - 30 * MIN }]]);
    expect(statuses([click(10), click(31)], state)).toEqual(['duplicate', 'counted']);
    // Not a new visitor that day: counted, but not unique.
    expect(state.get(dedupKey('lnk_a', 'ip1'))).toEqual({ day: '2029-05-01', lastCountedMs: T0 + 31 * MIN });
  });

  it('treats a click older than the last counted one as a duplicate', () => {
    const state = new Map([[dedupKey('lnk_a', 'ip1'), { day: '2029-05-01', lastCountedMs: T0 + 120 * MIN }]]);
    const { classified, changed } = classifyClicks([click(0)], state);
    expect(classified[0]!.status).toBe('duplicate');
    expect(changed.size).toBe(0);
  });

  it('marks the first counted click of a new UTC day as unique', () => {
    const state = new Map([[dedupKey('lnk_a', 'ip1'), { day: '2029-04-30', lastCountedMs: Date.parse('2029-04-30T23:30:00Z') }]]);
    expect(statuses([click(0)], state)).toEqual(['counted*']);
  });

  it('keeps links, visitors and bots apart', () => {
    const state = fresh(['lnk_a', 'ip1'], ['lnk_b', 'ip1'], ['lnk_a', 'ip2']);
    const clicks = [click(0), click(1, { linkId: 'lnk_b' }), click(2, { ipHash: 'ip2' }), click(3, { uaClass: 'bot' }), click(4, { uaClass: 'bot' })];
    expect(statuses(clicks, state)).toEqual(['counted*', 'counted*', 'counted*', 'bot', 'bot']);
  });
});

describe('rollupDeltas', () => {
  it('sums per UTC day, link and country, sorted by that key', () => {
    const state = fresh(['lnk_a', 'ip1'], ['lnk_a', 'ip2']);
    const clicks = [
      click(0),
      click(5),
      click(6, { ipHash: 'ip2', country: 'US' }),
      click(7, { uaClass: 'bot' }),
      click(14 * 60 + 5, { ipHash: 'ipX', uaClass: 'bot', country: 'AT' }), // 00:05 the next day
    ];
    const deltas = rollupDeltas(classifyClicks(clicks, state).classified);
    expect(deltas.map((d) => [d.day, d.country, d.clicks, d.unique_clicks, d.duplicate_clicks, d.bot_clicks])).toEqual([
      ['2029-05-01', 'DE', 1, 1, 1, 1],
      ['2029-05-01', 'US', 1, 1, 0, 0],
      ['2029-05-02', 'AT', 0, 0, 0, 1],
    ]);
  });
});
