/**
 * The pure arithmetic of the ledger, kept apart so it can be tested with tables of cases. All
 * point maths is integer maths: BigInt where a product could pass 2^53.
 */

const BPS = 10_000n;

/** pointsPerUnit (up to 4 decimals) as an integer number of ten-thousandths. */
export function pointsPerUnitScaled(pointsPerUnit: number): bigint {
  return BigInt(Math.round(pointsPerUnit * 10_000));
}

/**
 * Points an order earns: floor(amount / 100 * pointsPerUnit * multiplierBps / 10000), computed
 * exactly. Amount is in minor units (assumed 2 decimals, the common case).
 */
export function pointsForOrder(amountMinor: number, pointsPerUnit: number, multiplierBps: number): number {
  const numerator = BigInt(amountMinor) * pointsPerUnitScaled(pointsPerUnit) * BigInt(multiplierBps);
  return Number(numerator / (100n * BPS * BPS));
}

/**
 * Points to take back for a refund, pro rata. Computed on the cumulative refunded amount so that
 * rounding never drifts: once the whole order is refunded, exactly all earned points are claimed.
 */
export function refundPointsDelta(earned: number, orderAmount: number, refundedBefore: number, refundNow: number): number {
  const claimed = (refunded: number) => Number((BigInt(earned) * BigInt(refunded)) / BigInt(orderAmount));
  return claimed(refundedBefore + refundNow) - claimed(refundedBefore);
}

export interface OpenLot {
  id: string;
  remaining: number;
}

/**
 * Takes `points` from lots in the order given (the caller orders them: soonest expiry first).
 * Returns the allocations and how much could not be covered.
 */
export function allocate(lots: OpenLot[], points: number): { allocations: { lotId: string; amount: number }[]; uncovered: number } {
  const allocations: { lotId: string; amount: number }[] = [];
  let left = points;
  for (const lot of lots) {
    if (left <= 0) break;
    const take = Math.min(lot.remaining, left);
    if (take > 0) {
      allocations.push({ lotId: lot.id, amount: take });
      left -= take;
    }
  }
  return { allocations, uncovered: left };
}

/** The moment `months` calendar months after `from` (clamped to the month's last day, UTC). */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

export const DAY_MS = 86_400_000;
