import { describe, expect, it } from 'vitest';
import { cspViolations, elementsWiderThan, saveScreenshot, settle, submitLogin } from './helpers/browser.js';
import type { DemoRole } from './helpers/server.js';
import { e2eSession } from './helpers/session.js';

/**
 * The app shell on the demo data: each role signs in and lands on its own dashboard with charts,
 * the login guards the dashboards, the language switcher and a phone-sized screen.
 */
const e2e = e2eSession();

const roles: DemoRole[] = ['admin', 'regional_manager', 'affiliate', 'member'];

describe('the web app shell', () => {
  it.each(roles)('signs %s in to their dashboard, with charts', async (role) => {
    const page = await e2e.pageAs(role);
    // A chart is an image with a name a screen reader can announce (aria-label or aria-labelledby).
    await page.getByRole('img', { name: /\S/ }).and(page.getByTestId('chart')).first().waitFor();
    await settle(page);
    await saveScreenshot(page, `${role}-dashboard`);
    // The dashboard ran whole under its Content-Security-Policy (the server sends one).
    const response = await page.request.get(page.url());
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(cspViolations(page)).toEqual([]);
  });

  it('sends a visitor without a session from /affiliate to /login', async () => {
    const page = await e2e.page();
    await page.goto(`${e2e.base}/affiliate`);
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByLabel('Email', { exact: true }).waitFor();
    await saveScreenshot(page, 'login');
  });

  it('shows an error and stays on the login page after a wrong password', async () => {
    const page = await e2e.page();
    const affiliate = e2e.logins.find((l) => l.role === 'affiliate')!;
    await page.goto(`${e2e.base}/login`);
    await submitLogin(page, affiliate.email, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toBeTruthy();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('switches the language to German', async () => {
    const page = await e2e.pageAs('affiliate');
    const logout = page.getByRole('button', { name: /log ?out|sign ?out/i });
    await logout.waitFor();
    await page.getByRole('combobox', { name: /^Language\b/ }).selectOption({ label: 'Deutsch' });
    await page.getByRole('button', { name: /abmelden/i }).waitFor();
    expect(await logout.count()).toBe(0);
    await page.getByTestId('dashboard-affiliate').waitFor();
  });

  it('fits the affiliate dashboard on a phone without horizontal scrolling', async () => {
    const page = await e2e.pageAs('affiliate', { viewport: { width: 390, height: 844 } });
    await page.getByTestId('chart').first().waitFor();
    await settle(page);
    // Saved before the check: a layout that breaks is what the screenshot should show.
    await saveScreenshot(page, 'affiliate-dashboard-phone');
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth, `wider than the phone: ${(await elementsWiderThan(page, 390)).join('; ')}`).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: /log ?out|sign ?out/i }).click();
    await page.waitForURL((url) => url.pathname === '/login');
  });
});
