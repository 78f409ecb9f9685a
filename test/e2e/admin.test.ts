import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot, settle } from './helpers/browser.js';
import { e2eSession } from './helpers/session.js';

/**
 * The admin console on the demo data, as Dana the demo admin: programs, a new market (after the
 * API refused a bad currency at its field), a new tier and a new regional manager.
 */
const e2e = e2eSession();

async function adminAt(path: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await e2e.pageAs('admin', viewport ? { viewport } : {});
  if (path !== '/admin') {
    // In-app navigation through the tabs, as a person would.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: tabName[path] }).click();
    await page.waitForURL((url) => url.pathname === path);
  }
  return page;
}
const tabName: Record<string, string> = { '/admin/markets': 'Markets', '/admin/tiers': 'Tiers', '/admin/users': 'Users & roles' };

describe('the admin console', () => {
  it('lists the programs with the current one at a glance', async () => {
    const page = await adminAt('/admin');
    const table = page.getByRole('table', { name: 'All programs' });
    await table.getByRole('row').filter({ hasText: 'Demo Shoes & Bags' }).waitFor();
    await page.getByTestId('chart').first().waitFor();
    expect(await page.getByRole('link', { name: 'Regional console' }).getAttribute('href')).toBe('/manager');
    await settle(page);
    await saveScreenshot(page, 'admin-programs');
  });

  it('shows a bad currency at its field, creates nothing, then opens the market', async () => {
    const page = await adminAt('/admin/markets');
    const table = page.getByRole('table', { name: 'Markets' });
    await table.getByRole('cell', { name: 'Brazil (BR)' }).waitFor();
    await page.getByRole('button', { name: 'Add market' }).click();
    const form = page.getByTestId('market-form');
    await form.getByLabel('Country').selectOption('FR');
    await form.getByLabel('Currency').fill('ABC');
    await form.getByRole('button', { name: 'Add market' }).click();

    const currency = form.getByLabel('Currency');
    await expect.poll(() => currency.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await currency.getAttribute('aria-describedby');
    expect((await page.locator(`[id="${describedBy}"]`).textContent())?.trim()).toMatch(/ISO currency code/);
    expect(await table.getByRole('cell', { name: 'France (FR)' }).count()).toBe(0);

    await currency.fill('EUR');
    await form.getByLabel('Default language').selectOption('fr');
    await form.getByRole('button', { name: 'Add market' }).click();
    await table.getByRole('cell', { name: 'France (FR)' }).waitFor();
    await expect.poll(() => form.count()).toBe(0);
    await settle(page);
    await saveScreenshot(page, 'admin-markets');
  });

  it('adds a tier to the ladder', async () => {
    const page = await adminAt('/admin/tiers');
    await page.getByTestId('tier').filter({ hasText: 'Gold' }).waitFor();
    await page.getByRole('button', { name: 'Add tier' }).click();
    const form = page.getByTestId('tier-form');
    await form.getByLabel('Name').fill('Platinum');
    await form.getByLabel('Rank', { exact: true }).fill('4');
    await form.getByLabel('Points earned').fill('5000');
    await form.getByLabel('Benefits').fill('Personal shopper\nFree returns');
    await form.getByRole('button', { name: 'Add tier' }).click();
    const rung = page.getByTestId('tier').filter({ hasText: 'Platinum' });
    await rung.waitFor();
    expect(await rung.textContent()).toContain('5,000 points earned');
    await settle(page);
    await saveScreenshot(page, 'admin-tiers');
  });

  it('creates a regional manager for a country and lists them', async () => {
    const page = await adminAt('/admin/users');
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('row').filter({ hasText: 'Dana Admin' }).waitFor();
    await page.getByRole('button', { name: 'Add user' }).click();
    const form = page.getByTestId('user-form');
    await form.getByLabel('Name').fill('Greta Gebiet');
    await form.getByLabel('Email').fill('greta@demo.trellis.test');
    await form.getByLabel('Password', { exact: true }).fill('a-long-enough-password');
    await form.getByLabel('Role').selectOption('regional_manager');
    await form.getByLabel('Add a country').selectOption('DE');
    await form.getByRole('button', { name: 'Remove Germany' }).waitFor();
    await form.getByRole('button', { name: 'Add user' }).click();

    const row = table.getByRole('row').filter({ hasText: 'Greta Gebiet' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Regional manager');
    expect(await row.textContent()).toContain('Germany');
    await settle(page);
    await saveScreenshot(page, 'admin-users');
  });

  it('fits the users page on a phone without horizontal scrolling', async () => {
    const page = await adminAt('/admin/users', { width: 390, height: 844 });
    await page.getByRole('table', { name: 'Users' }).waitFor();
    await settle(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
