import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot, settle } from './helpers/browser.js';
import { e2eSession } from './helpers/session.js';

/**
 * The regional manager's console on the demo data, as Marcos (BR, the demo's new market): markets
 * with KPIs and charts, a policy change previewed then saved, a held commission approved, and a
 * translation override set.
 */
const e2e = e2eSession();

async function openConsole(tab?: string): Promise<Page> {
  const page = await e2e.pageAs('regional_manager');
  if (tab) await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: tab }).click();
  return page;
}

describe("the regional manager's console", () => {
  it('shows the markets in scope with their KPIs and charts', async () => {
    const page = await openConsole();
    const brazil = page.getByTestId('market-BR');
    await brazil.getByTestId('chart').first().waitFor();
    // Only the manager's market: DE belongs to someone else.
    expect(await page.getByTestId('market-DE').count()).toBe(0);
    expect(await brazil.getByText('New market', { exact: true }).count()).toBe(1);
    const kpis = await brazil.locator('.kpi').allTextContents();
    expect(kpis.find((k) => k.startsWith('Conversions'))).toMatch(/^Conversions\d/);
    // Commissions are summed in the program's payout currency, EUR.
    expect(kpis.find((k) => k.startsWith('Commissions'))).toMatch(/€\d+\.\d{2}/);
    expect(kpis.find((k) => k.startsWith('Held for review'))).toMatch(/^Held for review2/);
    expect(await brazil.getByTestId('chart').count()).toBe(2);
    await settle(page);
    await saveScreenshot(page, 'manager-markets');
  });

  it('previews a policy change on the last 30 days, saves it and lists the new version', async () => {
    const page = await openConsole('Commission policies');
    await page.getByTestId('policy-current').getByText('R$15.00 per signup').waitFor();
    const amount = page.getByLabel('Amount per signup (BRL)');
    expect(await amount.inputValue()).toBe('15.00');

    // A bad amount is caught at the field before anything is sent.
    await amount.fill('twenty');
    await page.getByRole('button', { name: 'Preview on the last 30 days' }).click();
    await page.getByText('Enter an amount, e.g. 12.50.').waitFor();

    // The market's bounds are shown, and an amount above them is refused by the server, in money.
    expect(await page.getByTestId('policy-bounds').textContent()).toContain('at most R$1,000.00 per signup, 50% of a sale');
    await amount.fill('1000.01');
    await page.getByRole('button', { name: 'Preview on the last 30 days' }).click();
    await page.getByText("At most R$1,000.00: the market's bound, which an administrator may raise.").waitFor();

    await amount.fill('20');
    await page.getByLabel('Reason for the change').fill('Launch push for the holidays');
    await page.getByRole('button', { name: 'Preview on the last 30 days' }).click();
    const preview = page.getByTestId('policy-preview');
    await preview.waitFor();
    // Four BR signups in the last 30 days: paid R$15 each, R$20 each under the draft.
    expect(await preview.textContent()).toContain('4 conversions');
    const totals = preview.locator('tr', { hasText: 'Total in BRL' });
    expect((await totals.locator('td').allTextContents()).map((s) => s.trim())).toEqual(['R$60.00', 'R$80.00']);
    expect(await page.getByTestId('preview-difference').textContent()).toMatch(/would have cost €\d+\.\d{2} more/);
    await settle(page);
    // The header sticks to the top of the viewport: scrolled down, it would land mid-picture.
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'manager-policy-preview');

    await page.getByRole('button', { name: 'Save as new version' }).click();
    expect(await page.getByTestId('policy-saved').textContent()).toContain('Version 2 saved');
    await page.getByTestId('policy-current').getByText('R$20.00 per signup').waitFor();
    const versions = page.getByTestId('policy-version');
    await versions.nth(1).waitFor();
    expect(await versions.allTextContents()).toEqual(['v1', 'v2']);
    expect(await page.getByRole('row', { name: /v2/ }).textContent()).toContain('Launch push for the holidays');
  });

  it('approves a held commission with a reason, and it leaves the queue', async () => {
    const page = await openConsole('Fraud review');
    const rows = page.locator('tbody tr');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const heldFor = await rows.locator('[data-reason]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));
    expect(heldFor.sort()).toEqual(['duplicate_customer', 'self_referral']);

    const selfReferral = rows.filter({ hasText: 'Self-referral' });
    await selfReferral.getByText('Evidence').click();
    await selfReferral.getByText('ANA10').waitFor();

    // A decision needs a reason.
    await selfReferral.getByRole('button', { name: 'Approve' }).click();
    await selfReferral.getByText('Give a reason before deciding.').waitFor();
    await selfReferral.getByLabel('Reason (the partner sees it)').fill('Ana bought for a customer at her stall; checked by phone.');
    await selfReferral.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('review-decided').waitFor();
    expect(await page.getByTestId('review-decided').textContent()).toBe('Approved the R$15.00 commission.');
    await page.getByText('Self-referral').waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    await rows.first().getByText('Evidence').click();
    await rows.first().getByText('ANA10').waitFor();
    await settle(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'manager-review');
  });

  it('sets a translation override for Brazil and lists it', async () => {
    const page = await openConsole('Translations');
    await page.getByLabel('Area', { exact: true }).selectOption('web-common');
    await page.getByLabel('Search', { exact: true }).fill('regional_manager');
    const editor = page.locator('[data-testid="override-editor"][data-key="web-common:role.regional_manager"]');
    await editor.waitFor();
    expect(await page.locator('tbody tr').first().textContent()).toContain('Console regional');

    // A placeholder the shipped text does not have is refused on the row.
    const text = editor.getByRole('textbox');
    await text.fill('Console de {{nome}}');
    await editor.getByRole('button', { name: 'Save' }).click();
    expect(await editor.getByRole('alert').textContent()).toContain('{{nome}}');

    await text.fill('Central do gerente Brasil');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByTestId('override-active').waitFor();

    // Listed after a fresh load too.
    await page.reload();
    await page.getByLabel('Area', { exact: true }).selectOption('web-common');
    await page.getByLabel('Search', { exact: true }).fill('Central do gerente');
    const listed = page.locator('[data-testid="override-editor"][data-key="web-common:role.regional_manager"]');
    await listed.getByTestId('override-active').waitFor();
    expect(await listed.getByRole('textbox').inputValue()).toBe('Central do gerente Brasil');
    await settle(page);
    await saveScreenshot(page, 'manager-translations');
  });
});
