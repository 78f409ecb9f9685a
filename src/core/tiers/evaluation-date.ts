/**
 * Evaluation dates for downgrades. A member's standard tier is reviewed on each anniversary of
 * the day they reached it, every `windowMonths` months (tierAchievedAt + k * windowMonths, k >= 1),
 * and the review happens once the grace period after that date has passed.
 */

const DAY_MS = 86_400_000;

/** `date` plus `months` calendar months in UTC; a day that does not exist clamps to the month end (Jan 31 + 1 = Feb 28/29). */
export function addMonthsUtc(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCFullYear(y, m, Math.min(date.getUTCDate(), lastDay));
  return result;
}

export const addDays = (date: Date, days: number): Date => new Date(date.getTime() + days * DAY_MS);

export interface EvaluationSchedule {
  achievedAt: Date;
  windowMonths: number;
  graceDays: number;
}

/** The latest evaluation date whose grace period is over at `now`, or null if none is yet. */
export function dueEvaluationDate(s: EvaluationSchedule, now: Date): Date | null {
  let due: Date | null = null;
  for (let k = 1; ; k++) {
    const date = addMonthsUtc(s.achievedAt, k * s.windowMonths);
    if (addDays(date, s.graceDays) > now) return due;
    due = date;
  }
}

/** The next evaluation date still open at `now` (its grace period has not ended). */
export function upcomingEvaluationDate(s: EvaluationSchedule, now: Date): Date {
  for (let k = 1; ; k++) {
    const date = addMonthsUtc(s.achievedAt, k * s.windowMonths);
    if (addDays(date, s.graceDays) > now) return date;
  }
}
