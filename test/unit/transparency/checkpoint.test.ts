import { describe, expect, it } from 'vitest';
import { CheckpointError, formatCheckpoint, parseCheckpoint } from '../../../src/transparency/checkpoint.js';

const ROOT_B64 = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
const root = new Uint8Array(Buffer.from(ROOT_B64, 'base64'));

describe('checkpoints', () => {
  it('parses the tlog-checkpoint spec example and formats it back', () => {
    const text = `example.com/behind-the-sofa\n20852163\n${ROOT_B64}\n`;
    const c = parseCheckpoint(text);
    expect(c).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, root, extensions: [] });
    expect(formatCheckpoint(c)).toBe(text);
  });

  it('round trips the empty tree and extension lines', () => {
    const empty = { origin: 'log.trellis.test', size: 0, root: new Uint8Array(32), extensions: [] };
    expect(formatCheckpoint(empty)).toBe('log.trellis.test\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n');
    expect(parseCheckpoint(formatCheckpoint(empty))).toEqual(empty);
    const withExtensions = { ...empty, size: 9007199254740991, extensions: ['ext one', 'ext two'] };
    expect(parseCheckpoint(formatCheckpoint(withExtensions))).toEqual(withExtensions);
  });

  it.each([
    ['no final newline', `o\n1\n${ROOT_B64}`],
    ['missing root line', 'o\n1\n'],
    ['missing lines', 'o\n'],
    ['empty', ''],
    ['empty origin', `\n1\n${ROOT_B64}\n`],
    ['non-decimal size', `o\n0x10\n${ROOT_B64}\n`],
    ['negative size', `o\n-1\n${ROOT_B64}\n`],
    ['size with a plus', `o\n+1\n${ROOT_B64}\n`],
    ['size with spaces', `o\n 1\n${ROOT_B64}\n`],
    ['leading zeros', `o\n01\n${ROOT_B64}\n`],
    ['size 00', `o\n00\n${ROOT_B64}\n`],
    ['size beyond 2^53', `o\n9007199254740993\n${ROOT_B64}\n`],
    ['bad base64', `o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n`],
    ['base64url', `o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n`],
    ['non-canonical padding bits', `o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n`],
    ['root of 31 bytes', `o\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['root of 33 bytes', `o\n1\n${Buffer.alloc(33).toString('base64')}\n`],
    ['empty extension line', `o\n1\n${ROOT_B64}\n\next\n`],
    ['trailing blank line', `o\n1\n${ROOT_B64}\n\n`],
    ['carriage return', `o\r\n1\n${ROOT_B64}\n`],
  ])('rejects %s', (_what, text) => {
    expect(() => parseCheckpoint(text)).toThrow(CheckpointError);
  });

  it('refuses to format a bad checkpoint', () => {
    expect(() => formatCheckpoint({ origin: '', size: 1, root, extensions: [] })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, root, extensions: [] })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: -1, root, extensions: [] })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, root, extensions: [] })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, root: root.subarray(1), extensions: [] })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, root, extensions: [''] })).toThrow(CheckpointError);
  });
});
