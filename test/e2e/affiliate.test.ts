import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot, settle } from './helpers/browser.js';
import { e2eSession } from './helpers/session.js';

/**
 * The affiliate dashboard on the demo data, as Ana the demo affiliate: the overview's KPIs and
 * charts, a link built with a sub-id, commissions with their reasons, payouts, and amounts
 * formatted the German way once the language is Deutsch.
 */
const e2e = e2eSession();

const tabName: Record<string, string> = { '/affiliate/links': 'Links', '/affiliate/commissions': 'Commissions', '/affiliate/payouts': 'Payouts' };

async function affiliateAt(path: string): Promise<Page> {
  const page = await e2e.pageAs('affiliate');
  if (path !== '/affiliate') {
    // In-app navigation through the tabs, as a person would.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: tabName[path] }).click();
    await page.waitForURL((url) => url.pathname === path);
  }
  return page;
}

/** The affiliate's commissions as the API lists them (the demo's conversions are processed by jobs after boot). */
async function commissionStatuses(page: Page): Promise<string[]> {
  return await page.evaluate(async () => {
    const session = JSON.parse(sessionStorage.getItem('trellis.session') ?? 'null') as { token: string; user: { programId: string } } | null;
    if (!session) return [];
    const res = await fetch(`/v1/programs/${session.user.programId}/commissions?limit=100`, { headers: { authorization: `Bearer ${session.token}` } });
    const body = (await res.json()) as { data?: { status: string }[] };
    return (body.data ?? []).map((c) => c.status);
  });
}

describe('the affiliate dashboard', () => {
  it('shows the KPIs and charts of the last 30 days', async () => {
    const page = await affiliateAt('/affiliate');
    const kpis = page.getByTestId('affiliate-kpis');
    await kpis.waitFor();
    await expect.poll(() => page.getByTestId('chart').count()).toBeGreaterThanOrEqual(3);
    // Figures, not placeholders: counts for clicks and conversions, an amount for each commission status.
    expect(await kpis.textContent()).toMatch(/Clicks\s*\d/);
    expect(await kpis.textContent()).toMatch(/Pending\s*\D?\d+\.\d{2}/);
    for (const name of ['Clicks and conversions per day', 'Commissions by status', 'By link', 'By country']) {
      await page.getByRole('heading', { name, exact: true }).waitFor();
    }
    await settle(page);
    await saveScreenshot(page, 'affiliate-overview');
  });

  it('builds a link with a sub-id and lists it with its QR code', async () => {
    const page = await affiliateAt('/affiliate/links');
    const slug = `e2e-${Date.now().toString(36)}`;
    const builder = page.getByRole('region', { name: 'Link builder' });
    await builder.getByLabel('Destination page').fill('https://shop.demo.trellis.test/autumn');
    await builder.getByLabel('Custom slug (optional)').fill(slug);
    await builder.getByLabel('Sub-ID 1').fill('newsletter-42');
    expect(await page.getByTestId('landing-url').textContent()).toBe('https://shop.demo.trellis.test/autumn?sub1=newsletter-42');
    await builder.getByRole('button', { name: 'Create link' }).click();

    const created = page.getByTestId('created-link');
    await created.waitFor();
    expect(await created.textContent()).toContain(`/r/${slug}`);
    await created.getByTestId('qr-code').waitFor();

    const row = page.getByRole('row').filter({ has: page.locator(`[data-slug="${slug}"]`) });
    await row.waitFor();
    expect(await row.textContent()).toContain('sub1=newsletter-42');
    await row.getByTestId('qr-code').waitFor();
    await settle(page);
    await saveScreenshot(page, 'affiliate-links');
  });

  it('lists commissions, held and reversed ones with their reasons in words', async () => {
    const page = await affiliateAt('/affiliate/commissions');
    await expect.poll(async () => (await commissionStatuses(page)).length, { timeout: 60_000 }).toBeGreaterThan(0);
    const statuses = await commissionStatuses(page);
    // The demo's commissions come from its seeded conversions: the table lists them.
    await page.getByTestId('commission-amount').first().waitFor();
    for (const status of ['held', 'reversed'].filter((s) => statuses.includes(s))) {
      await page.getByTestId('commission-status-filter').selectOption(status);
      const reason = page.locator('[data-reason]').first();
      await reason.waitFor();
      const code = await reason.getAttribute('data-reason');
      const label = (await reason.textContent())?.trim() ?? '';
      // A label people read, not the stable code behind it.
      expect(label.length, `reason ${code}`).toBeGreaterThan(0);
      expect(label).not.toBe(code);
      expect(label).not.toContain('_');
    }
    await page.getByTestId('commission-status-filter').selectOption('');
    await page.getByTestId('commission-amount').first().waitFor();
    await settle(page);
    await saveScreenshot(page, 'affiliate-commissions');
  });

  it('shows the balance and payouts', async () => {
    const page = await affiliateAt('/affiliate/payouts');
    await page.getByRole('heading', { name: 'Balance', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Payouts', exact: true }).waitFor();
    await settle(page);
    await saveScreenshot(page, 'affiliate-payouts');
  });

  it('formats amounts the German way in Deutsch', async () => {
    const page = await affiliateAt('/affiliate/commissions');
    await page.getByTestId('commission-amount').first().waitFor();
    await page.getByRole('combobox', { name: /^Language\b/ }).selectOption({ label: 'Deutsch' });
    await page.getByRole('heading', { name: 'Provisionen', exact: true }).waitFor();
    // 34,90 € (EUR) or 15,00 R$ (BRL): a decimal comma and the symbol after the amount.
    await expect.poll(async () => (await page.getByTestId('commission-amount').allTextContents()).join(' ')).toMatch(/\d,\d{2}\s(€|R\$)/);
    await page.getByRole('navigation', { name: 'Bereiche' }).getByRole('link', { name: 'Übersicht' }).click();
    await page.getByTestId('affiliate-kpis').waitFor();
    await expect.poll(async () => await page.getByTestId('affiliate-kpis').textContent()).toMatch(/\d,\d{2}\s€/);
  });
});
