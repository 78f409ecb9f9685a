/**
 * trellis-verify: checks a Trellis transparency log from the outside, with nothing but its URL and vkey.
 *
 *   trellis-verify <log-url> <vkey> [--state <file>] [--witness <vkey>]...
 *                  [--api <base-url>] [--token <access-token> | --email <email> --password <password>]
 *
 * Exit codes: 0 verified, 1 a check failed (one line per failure on stderr), 2 bad usage.
 */
import { parseArgs } from 'node:util';
import type { AffiliateCredentials } from './affiliate.js';
import { verifyLog, type VerifyOptions } from './verify.js';

export const USAGE = `usage: trellis-verify <log-url> <vkey> [--state <file>] [--witness <vkey>]...
                      [--api <base-url>] [--token <access-token> | --email <email> --password <password>]`;

export class UsageError extends Error {}

/** The command line as verifier options; throws UsageError with the reason. */
export function parseCommandLine(argv: readonly string[]): VerifyOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        state: { type: 'string' },
        witness: { type: 'string', multiple: true },
        api: { type: 'string' },
        token: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new UsageError(`expected <log-url> and <vkey>, got ${positionals.length} argument(s)`);
  let affiliate: AffiliateCredentials | undefined;
  if (values.token) {
    if (values.email || values.password) throw new UsageError('give --token or --email with --password, not both');
    affiliate = { token: values.token };
  } else if (values.email || values.password) {
    if (!values.email || !values.password) throw new UsageError('--email and --password go together');
    affiliate = { email: values.email, password: values.password };
  }
  return {
    logUrl: positionals[0]!,
    vkey: positionals[1]!,
    witnesses: values.witness ?? [],
    ...(values.state ? { statePath: values.state } : {}),
    ...(values.api ? { apiUrl: values.api } : {}),
    ...(affiliate ? { affiliate } : {}),
  };
}

/** Runs the verifier for a command line, printing checks to `out` and failures to `err`; returns the exit code. */
export async function runCli(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let options: VerifyOptions;
  try {
    options = parseCommandLine(argv);
  } catch (e) {
    err(`trellis-verify: ${(e as Error).message}`);
    err(USAGE);
    return 2;
  }
  const result = await verifyLog(options);
  for (const line of result.checked) out(`ok    ${line}`);
  for (const line of result.failures) err(`FAIL  ${line}`);
  if (result.ok) out(`verified: ${result.checkpoint?.origin} at size ${result.checkpoint?.size}`);
  else err(`trellis-verify: ${result.failures.length} check(s) failed`);
  return result.ok ? 0 : 1;
}
