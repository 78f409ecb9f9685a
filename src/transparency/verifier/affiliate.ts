import type { VerifiedCheckpoint } from './checkpoint.js';
import type { LogClient } from './fetch.js';
import { checkReceipts, listAffiliateEntries } from './receipts.js';
import { VerificationFailure, type VerificationReport } from './report.js';
import { affiliateStatistics, compareWithDashboard, dashboardCommissions, describeBuckets, parseEntry } from './statistics.js';
import { compareWithStatisticsEntry, type DatedEntry } from './daily-statistics.js';
import { checkPayoutEntries, comparePayoutsWithDashboard, dashboardPayouts } from './payouts.js';
import type { RebuiltTree } from './tree.js';

export type AffiliateCredentials = { token: string } | { email: string; password: string };

interface Session {
  token: string;
  programId: string;
  memberId: string;
}

interface UserBody {
  role?: string;
  programId?: string | null;
  memberId?: string | null;
}

/** An access token and the affiliate it belongs to: logs in with email and password, or asks who a token is. */
async function openSession(client: LogClient, creds: AffiliateCredentials): Promise<Session> {
  let token: string;
  let user: UserBody;
  if ('token' in creds) {
    token = creds.token;
    user = await client.json<UserBody>('/v1/auth/me', { token });
  } else {
    const login = await client.json<{ accessToken: string; user: UserBody }>('/v1/auth/login', { method: 'POST', body: { email: creds.email, password: creds.password } });
    token = login.accessToken;
    user = login.user;
  }
  if (user.role !== 'affiliate' || !user.programId || !user.memberId) throw new VerificationFailure(`these credentials are not an affiliate's (role ${String(user.role)})`);
  return { token, programId: user.programId, memberId: user.memberId };
}

/**
 * An affiliate's own checks: every receipt they were given verifies and its entry is in the tree,
 * their figures recomputed from their entries match their latest daily statistics entry and
 * the dashboard, and each logged payout adds up to the commissions logged as paid by it.
 */
export async function verifyAffiliate(client: LogClient, verified: VerifiedCheckpoint, tree: RebuiltTree | undefined, creds: AffiliateCredentials, report: VerificationReport): Promise<void> {
  const session = await openSession(client, creds);
  const listed = await listAffiliateEntries(client, session.token, session.programId, session.memberId);
  const before = report.failures.length;
  const receipts = await checkReceipts(client, verified, tree, listed, report);
  if (report.failures.length === before) {
    report.checked.push(
      `affiliate ${session.memberId}: ${listed.length} receipt(s) verified with /.well-known/jwks.json; ${receipts.included.length} entr${receipts.included.length === 1 ? 'y is' : 'ies are'} in the tree with a verified inclusion proof` +
        (receipts.pending.length ? `, ${receipts.pending.length} came after the checkpoint` : ''),
    );
  }
  if (!tree) return; // without the entries there is nothing to add up

  // The receipts list says when each of the affiliate's entries was recorded: the day boundary the statistics use.
  const recordedAt = new Map(listed.map((e) => [e.leafHash, e.recordedAt]));
  const dated: DatedEntry[] = [];
  tree.entries.forEach((bytes, i) => {
    const entry = parseEntry(bytes);
    if (entry) dated.push({ entry, recordedAt: recordedAt.get(Buffer.from(tree.leafHashes[i]!).toString('base64')) });
  });
  // What the dashboard shows now may include changes after the checkpoint: their receipted entries count too.
  const afterCheckpoint = receipts.pending.map((e) => parseEntry(e.entry)).filter((e): e is Record<string, unknown> => e !== undefined);
  const mine = [...dated.map((d) => d.entry), ...afterCheckpoint];
  const stats = affiliateStatistics(mine, session.memberId);
  report.checked.push(`recomputed from the affiliate's entries: ${stats.conversions} conversion(s); commissions by status and currency: ${describeBuckets(stats.byStatusAndCurrency)}`);

  compareWithStatisticsEntry(dated, session.memberId, report);
  compareWithDashboard(stats, await dashboardCommissions(client, session.token, session.programId), report);
  const payouts = checkPayoutEntries(mine, session.memberId, report);
  comparePayoutsWithDashboard(payouts, await dashboardPayouts(client, session.token, session.programId, session.memberId), report);
}
