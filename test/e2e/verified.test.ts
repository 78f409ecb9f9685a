import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot, settle } from './helpers/browser.js';
import { e2eSession } from './helpers/session.js';

/**
 * The affiliate's "verified" panel on the demo data: the browser checks the checkpoint signature,
 * the append-only promise across visits, and each of Ana's log entries (receipt, leaf hash,
 * inclusion proof) and her dashboard's commissions against them, with WebCrypto.
 */
const e2e = e2eSession();

const SEQUENCING_TIMEOUT_MS = 60_000;

async function openPanel(page: Page): Promise<void> {
  await page.goto(`${e2e.base}/affiliate/verified`);
  await page.getByTestId('verified-panel').waitFor();
  await page.getByTestId('verified-signature').waitFor();
}

/** Clicks the check and waits for its report; its counts are on data attributes. */
async function runCheck(page: Page): Promise<{ verified: number; failed: number; pending: number }> {
  await page.getByRole('button', { name: /^Check (my entries|again)$/ }).click();
  const report = page.getByTestId('verified-report');
  await report.waitFor({ timeout: 60_000 });
  const attr = async (name: string) => Number(await report.getAttribute(`data-${name}`));
  return { verified: await attr('verified'), failed: await attr('failed'), pending: await attr('pending') };
}

/**
 * The demo's entries are sequenced by a job shortly after boot: reload until the checkpoint
 * covers every one of Ana's entries (none pending), then return the last report's counts.
 */
async function checkUntilCovered(page: Page): Promise<{ verified: number; failed: number; pending: number }> {
  const deadline = Date.now() + SEQUENCING_TIMEOUT_MS;
  for (;;) {
    await openPanel(page);
    const counts = await runCheck(page);
    if (counts.pending === 0 && counts.verified > 0) return counts;
    if (Date.now() > deadline) throw new Error(`the checkpoint still does not cover the demo affiliate's entries: ${JSON.stringify(counts)}`);
    await page.waitForTimeout(1_000);
  }
}

describe("the affiliate's verified panel", () => {
  it('verifies every one of the demo affiliate’s entries against the signed checkpoint', async () => {
    const page = await e2e.pageAs('affiliate');
    // The dashboard links to the panel; the panel's own path works as well.
    await page.getByRole('link', { name: 'Verified' }).click();
    await page.getByTestId('verified-panel').waitFor();

    const counts = await checkUntilCovered(page);
    expect(counts.failed).toBe(0);
    expect(await page.getByTestId('verified-signature').getAttribute('data-status')).toBe('ok');
    const size = Number(await page.getByTestId('verified-size').getAttribute('data-size'));
    expect(size).toBeGreaterThanOrEqual(counts.verified);

    const rows = page.getByTestId('verified-entry');
    expect(await rows.count()).toBe(counts.verified);
    expect(await page.locator('[data-testid="verified-entry"]:not([data-status="ok"])').count()).toBe(0);
    expect(await page.getByTestId('verified-summary').innerText()).toContain(`${counts.verified} entries verified against the checkpoint of size ${size}`);
    expect(await page.getByTestId('verified-dashboard').getAttribute('data-mismatches')).toBe('0');
    await expect.poll(() => page.getByText(/commissions? on your dashboard match/).count()).toBe(1);

    // The checkpoint seen is kept in the browser: the next visit proves the log only grew.
    const consistency = await page.getByTestId('verified-consistency').getAttribute('data-status');
    expect(['first', 'unchanged', 'extended']).toContain(consistency);
    await openPanel(page);
    expect(['unchanged', 'extended']).toContain(await page.getByTestId('verified-consistency').getAttribute('data-status'));
    await runCheck(page);

    await settle(page);
    await saveScreenshot(page, 'affiliate-verified');
  });

  it('fails an entry whose text was changed on the way to the browser', async () => {
    const page = await e2e.pageAs('affiliate');
    await checkUntilCovered(page);
    // A lying server: the receipts list serves one commission with another amount than it logged.
    await page.route('**/affiliates/*/receipts?*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { data: { type: string; entry: string }[] };
      const target = body.data.find((e) => e.type.startsWith('commission.'));
      if (target) target.entry = target.entry.replace(/"amount":(\d+)/, (_, n: string) => `"amount":${Number(n) + 100}`);
      await route.fulfill({ response, json: body });
    });
    await openPanel(page);
    const counts = await runCheck(page);
    expect(counts.failed).toBe(1);
    const failed = page.locator('[data-testid="verified-entry"][data-status="failed"]');
    expect(await failed.innerText()).toContain('does not hash to its leaf hash');
    expect(await page.getByTestId('verified-summary').getAttribute('role')).toBe('alert');
  });

  it('fits a phone-sized screen', async () => {
    const page = await e2e.pageAs('affiliate', { viewport: { width: 390, height: 844 } });
    await checkUntilCovered(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await settle(page);
    await saveScreenshot(page, 'affiliate-verified-phone');
  });
});
