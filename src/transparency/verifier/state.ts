import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KeyRotation } from './key-rotations.js';
import { VerificationFailure } from './report.js';

/** The last checkpoint this verifier checked for one log: the next run must find a tree that extends it. */
export interface VerifiedState {
  size: number;
  /** Base64 root hash, as in the checkpoint. */
  root: string;
  /** The signed note as it was served: evidence should the log later deny it. */
  checkpoint: string;
  verifiedAt: string;
  /** Log key handovers read from `log.key_rotated` entries in trees this verifier checked. */
  rotations?: KeyRotation[];
}

interface StateFile {
  version: 1;
  /** By checkpoint origin, so one file can follow several logs. */
  logs: Record<string, VerifiedState>;
}

export const defaultStatePath = () => join(homedir(), '.trellis-verify', 'state.json');

async function readStateFile(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, logs: {} };
    throw new VerificationFailure(`cannot read the state file ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as StateFile;
    if (parsed?.version !== 1 || typeof parsed.logs !== 'object' || parsed.logs === null) throw new Error('unknown layout');
    return parsed;
  } catch (err) {
    throw new VerificationFailure(`the state file ${path} is not a trellis-verify state file: ${(err as Error).message}`);
  }
}

export async function readVerifiedState(path: string, origin: string): Promise<VerifiedState | undefined> {
  return (await readStateFile(path)).logs[origin];
}

/** Replaces the origin's record; written to a temporary file and renamed, so a crash never leaves half a file. */
export async function writeVerifiedState(path: string, origin: string, state: VerifiedState): Promise<void> {
  const file = await readStateFile(path);
  file.logs[origin] = state;
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}
