import { describe, expect, it } from 'vitest';
import { chooseBindAddress } from '../../../src/bind-address.js';

describe('chooseBindAddress', () => {
  it.each([
    { host: undefined, demo: false, expected: { host: '0.0.0.0', reason: 'default' } },
    { host: undefined, demo: true, expected: { host: '127.0.0.1', reason: 'demo' } },
    // HOST set explicitly always wins, the demo or not: the operator chose.
    { host: '0.0.0.0', demo: true, expected: { host: '0.0.0.0', reason: 'configured' } },
    { host: '127.0.0.1', demo: false, expected: { host: '127.0.0.1', reason: 'configured' } },
    { host: '::', demo: true, expected: { host: '::', reason: 'configured' } },
  ])('HOST $host, demo data $demo -> $expected.host ($expected.reason)', ({ host, demo, expected }) => {
    expect(chooseBindAddress(host, demo)).toEqual(expected);
  });
});
