import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementsWiderThan, launchBrowser, loginAs, newPage, saveScreenshot, settle, submitLogin } from './helpers/browser.js';
import { startTrellis, type DemoRole, type Trellis } from './helpers/server.js';

/**
 * The app shell on the demo data: each role signs in and lands on its own dashboard with charts,
 * the login guards the dashboards, the language switcher and a phone-sized screen.
 */
let trellis: Trellis;
let browser: Browser;

beforeAll(async () => {
  [trellis, browser] = await Promise.all([startTrellis(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await trellis?.stop();
});

const roles: DemoRole[] = ['admin', 'regional_manager', 'affiliate', 'member'];

describe('the web app shell', () => {
  it.each(roles)('signs %s in to their dashboard, with charts', async (role) => {
    const page = await newPage(browser);
    await loginAs(page, trellis.base, trellis.logins, role);
    // A chart is an image with a name a screen reader can announce (aria-label or aria-labelledby).
    await page.getByRole('img', { name: /\S/ }).and(page.getByTestId('chart')).first().waitFor();
    await settle(page);
    await saveScreenshot(page, `${role}-dashboard`);
  });

  it('sends a visitor without a session from /affiliate to /login', async () => {
    const page = await newPage(browser);
    await page.goto(`${trellis.base}/affiliate`);
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByLabel('Email', { exact: true }).waitFor();
    await saveScreenshot(page, 'login');
  });

  it('shows an error and stays on the login page after a wrong password', async () => {
    const page = await newPage(browser);
    const affiliate = trellis.logins.find((l) => l.role === 'affiliate')!;
    await page.goto(`${trellis.base}/login`);
    await submitLogin(page, affiliate.email, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toBeTruthy();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('switches the language to German', async () => {
    const page = await newPage(browser);
    await loginAs(page, trellis.base, trellis.logins, 'affiliate');
    const logout = page.getByRole('button', { name: /log ?out|sign ?out/i });
    await logout.waitFor();
    await page.getByRole('combobox', { name: /^Language\b/ }).selectOption({ label: 'Deutsch' });
    await page.getByRole('button', { name: /abmelden/i }).waitFor();
    expect(await logout.count()).toBe(0);
    await page.getByTestId('dashboard-affiliate').waitFor();
  });

  it('fits the affiliate dashboard on a phone without horizontal scrolling', async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await loginAs(page, trellis.base, trellis.logins, 'affiliate');
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
