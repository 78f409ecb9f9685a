/** What one verifier run checked and what it found wrong: one line each, printed by the CLI. */
export interface VerificationReport {
  checked: string[];
  failures: string[];
}

export const newReport = (): VerificationReport => ({ checked: [], failures: [] });

/**
 * A failure that stops the part of the run it happens in (a checkpoint that does not verify leaves
 * nothing to compare the tree with). Its message is the one line the CLI prints.
 */
export class VerificationFailure extends Error {
  override readonly name = 'VerificationFailure';
}

/** Runs `step`; a thrown failure (or an unexpected error) becomes a failure line instead of ending the run. */
export async function recordFailures<T>(report: VerificationReport, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    report.failures.push(err instanceof VerificationFailure ? err.message : `unexpected error: ${(err as Error).message}`);
    return undefined;
  }
}
