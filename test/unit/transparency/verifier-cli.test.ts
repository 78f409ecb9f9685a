import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, runCli } from '../../../src/transparency/verifier/cli.js';
import { logEndpoints } from '../../../src/transparency/verifier/fetch.js';
import { readVerifiedState, writeVerifiedState } from '../../../src/transparency/verifier/state.js';

const VKEY = 'trellis.example/log+01234567+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';

describe('trellis-verify command line', () => {
  it('takes the log URL, the vkey, witnesses, a state file and affiliate credentials', () => {
    expect(parseCommandLine(['https://t.example', VKEY, '--state', '/tmp/s.json', '--witness', 'w1', '--witness', 'w2', '--email', 'a@x.test', '--password', 'pw'])).toEqual({
      logUrl: 'https://t.example',
      vkey: VKEY,
      witnesses: ['w1', 'w2'],
      statePath: '/tmp/s.json',
      affiliate: { email: 'a@x.test', password: 'pw' },
    });
    expect(parseCommandLine(['https://t.example', VKEY, '--api', 'https://api.t.example', '--token', 'tok'])).toMatchObject({ apiUrl: 'https://api.t.example', affiliate: { token: 'tok' } });
  });

  it.each([
    [['https://t.example'], /expected <log-url> and <vkey>/],
    [['https://t.example', VKEY, '--email', 'a@x.test'], /--email and --password go together/],
    [['https://t.example', VKEY, '--token', 't', '--password', 'p'], /not both/],
    [['https://t.example', VKEY, '--bogus'], /bogus/],
  ])('refuses %j with exit code 2 and says why', async (argv, reason) => {
    const err: string[] = [];
    expect(await runCli(argv, () => {}, (l) => err.push(l))).toBe(2);
    expect(err[0]).toMatch(reason);
    expect(err[1]).toMatch(/^usage: trellis-verify/);
  });

  it('finds the log prefix and the API base from either the server URL or the prefix', () => {
    expect(logEndpoints('http://127.0.0.1:3999')).toEqual({ prefix: 'http://127.0.0.1:3999/log', apiBase: 'http://127.0.0.1:3999' });
    expect(logEndpoints('https://t.example/trellis/log/')).toEqual({ prefix: 'https://t.example/trellis/log', apiBase: 'https://t.example/trellis' });
    expect(logEndpoints('https://t.example/log', 'https://api.t.example/')).toEqual({ prefix: 'https://t.example/log', apiBase: 'https://api.t.example' });
  });
});

describe('the state file', () => {
  it('keeps one verified checkpoint per origin and refuses a file that is not its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-verify-'));
    const path = join(dir, 'nested', 'state.json');
    expect(await readVerifiedState(path, 'a.example/log')).toBeUndefined();
    const a = { size: 3, root: 'AAAA', checkpoint: 'a.example/log\n3\nAAAA\n', verifiedAt: '2026-01-01T00:00:00.000Z' };
    const b = { ...a, size: 7 };
    await writeVerifiedState(path, 'a.example/log', a);
    await writeVerifiedState(path, 'b.example/log', b);
    expect(await readVerifiedState(path, 'a.example/log')).toEqual(a);
    expect(await readVerifiedState(path, 'b.example/log')).toEqual(b);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1 });

    await writeFile(path, '{"something":"else"}');
    await expect(readVerifiedState(path, 'a.example/log')).rejects.toThrow(/not a trellis-verify state file/);
  });
});
