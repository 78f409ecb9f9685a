import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loginAs, saveScreenshot, settle } from './helpers/browser.js';
import { e2eSession } from './helpers/session.js';

/**
 * The member dashboard on the demo data, as Mia (the demo member): her invite link with its QR
 * code and a working copy button, her points balance and what expires soon, her tier progress,
 * the points history and the friends who joined through her link; on a desktop and on a phone.
 */
const e2e = e2eSession();

const PHONE = { width: 390, height: 844 };

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  expect(scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(clientWidth);
}

describe('the member dashboard', () => {
  it('shows the invite link with a QR code, a working copy button, the balance and the tier progress', async () => {
    const page = await e2e.page();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.base });
    await loginAs(page, e2e.base, e2e.logins, 'member');

    const link = page.getByTestId('invite-link');
    await link.waitFor();
    const url = await link.inputValue();
    // The invite page friends land on (in their language), whose button follows the short link.
    expect(url).toMatch(/^https?:\/\/.+\/i\/[\w-]+$/);
    const landing = await fetch(url, { headers: { accept: 'text/html', 'accept-language': 'de' } });
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('lädt dich zu');
    await expect.poll(() => page.getByTestId('qr-code').getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    const copy = page.getByRole('button', { name: 'Copy link' });
    await copy.click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

    const balance = page.getByTestId('points-balance');
    expect(await balance.textContent()).toMatch(/Points to spend\s*[\d,]+/);
    // The demo gives Mia a welcome bonus that runs out within the month.
    expect(await page.getByTestId('points-expiring').textContent()).toMatch(/points? expires? soon/);
    expect(await page.getByTestId('tier-progress').textContent()).toMatch(/\S/);
    await page.getByText(/more points? to reach \w+/).waitFor();
    await page.getByRole('progressbar').first().waitFor();
    await page.getByRole('img', { name: /points earned per month/i }).waitFor();
    await page.getByRole('region', { name: 'Recent friends' }).getByText(/First purchase|Joined/).first().waitFor();

    await settle(page);
    await noHorizontalScroll(page);
    await saveScreenshot(page, 'member-home');
  });

  it('lists the points history with readable reasons, newest first, and marks points that expire soon', async () => {
    const page = await e2e.pageAs('member');
    await page.getByRole('link', { name: 'Points', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/member/points');
    const history = page.getByRole('table', { name: 'Points history' });
    await history.waitFor();
    const rows = history.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(2);
    // Mia's newest entry is the voucher she redeemed after her last order.
    expect(await rows.first().textContent()).toMatch(/Points redeemed/);
    expect(await history.textContent()).toMatch(/Purchase/);
    expect(await history.textContent()).toMatch(/Welcome bonus/);
    await page.getByTestId('entry-expiring').first().waitFor();
    await settle(page);
    await saveScreenshot(page, 'member-points');
  });

  it('lists the friends who joined through the invite link', async () => {
    const page = await e2e.pageAs('member');
    await page.getByRole('link', { name: 'Friends', exact: true }).click();
    const friends = page.getByRole('table', { name: 'Friends who joined' });
    await friends.waitFor();
    expect(await friends.locator('tbody tr').count()).toBeGreaterThan(0);
    // Friends are shown by first name and initial, not by their full customer record.
    expect(await friends.textContent()).toMatch(/\p{Lu}\./u);
  });

  it('works on a phone-sized screen in German, without sideways scrolling', async () => {
    const page = await e2e.pageAs('member', { viewport: PHONE });
    // The session lives in the tab, so a reload with ?lang= keeps it and switches the language.
    await page.goto(`${e2e.base}/member?lang=de`);
    await page.getByTestId('invite-link').waitFor();
    await page.getByRole('button', { name: 'Link kopieren' }).waitFor();
    await page.getByTestId('qr-code').waitFor();
    await page.getByText(/Punkte/).first().waitFor();
    await settle(page);
    await noHorizontalScroll(page);
    await saveScreenshot(page, 'member-home-phone');

    await page.getByRole('link', { name: 'Punkte', exact: true }).click();
    await page.getByRole('table', { name: 'Punkteverlauf' }).waitFor();
    await settle(page);
    await noHorizontalScroll(page);
  });
});
