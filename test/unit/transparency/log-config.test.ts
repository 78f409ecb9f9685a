import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { scheduleIntervalMs } from '../../../src/jobs/types.js';
import { sequenceLogJob } from '../../../src/transparency/jobs/sequence.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return (err as ConfigError).issues.map((i) => i.variable);
  }
};

describe('transparency log settings', () => {
  it('defaults to the localhost origin, no witnesses and a sequencer run every second', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ TRANSPARENCY_ORIGIN: 'trellis.localhost/log', TRANSPARENCY_WITNESSES: [], TRANSPARENCY_SEQUENCE_INTERVAL_MS: 1_000 });
    expect(scheduleIntervalMs(sequenceLogJob, config)).toBe(1_000);
    expect(scheduleIntervalMs(sequenceLogJob, { TRANSPARENCY_SEQUENCE_INTERVAL_MS: 250 })).toBe(250);
  });

  it('parses witnesses from JSON', () => {
    const witnesses = [{ vkey: 'witness.example/w1+01020304+BAAA', url: 'https://witness.example' }];
    expect(loadConfig({ TRANSPARENCY_WITNESSES: JSON.stringify(witnesses) }).TRANSPARENCY_WITNESSES).toEqual(witnesses);
  });

  it('names the variable when a value is bad', () => {
    expect(problems({ TRANSPARENCY_WITNESSES: 'not json' })).toEqual(['TRANSPARENCY_WITNESSES']);
    expect(problems({ TRANSPARENCY_WITNESSES: '[{"vkey":"x"}]' })).toEqual(['TRANSPARENCY_WITNESSES']);
    expect(problems({ TRANSPARENCY_WITNESSES: '[{"vkey":"x","url":"ftp://w"}]' })).toEqual(['TRANSPARENCY_WITNESSES']);
    expect(problems({ TRANSPARENCY_ORIGIN: 'https://example.com/log' })).toEqual(['TRANSPARENCY_ORIGIN']);
    expect(problems({ TRANSPARENCY_ORIGIN: 'example.com/a log' })).toEqual(['TRANSPARENCY_ORIGIN']);
    expect(problems({ TRANSPARENCY_SEQUENCE_INTERVAL_MS: '0' })).toEqual(['TRANSPARENCY_SEQUENCE_INTERVAL_MS']);
  });
});
