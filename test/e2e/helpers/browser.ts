import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import type { DemoLogin, DemoRole } from './server.js';

/**
 * Where the dashboards' screenshots land. The committed ones (test/e2e/screenshots) are
 * deliverables, rewritten only on request (UPDATE_SCREENSHOTS=1): every run renders other dates
 * and ids, and would otherwise change every PNG in the working tree. Other runs still take each
 * screenshot, into the temp dir.
 */
export const screenshotDir =
  process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../screenshots/', import.meta.url)) : join(tmpdir(), 'trellis-e2e-screenshots');

/** The path of each role's dashboard in the web app. */
export const areaOf: Record<DemoRole, string> = { admin: 'admin', regional_manager: 'manager', affiliate: 'affiliate', member: 'member' };

/**
 * Debian's Chromium (the `chromium` package; CHROMIUM_PATH points elsewhere), headless. A missing
 * browser fails the test: a browser test that cannot run a browser has not passed.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}. Install Debian's package (apt-get install -y chromium) ` +
        'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
    );
  }
  // playwright-core gives each launch a throwaway profile in the OS temp dir, never in the repo.
  return await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

interface PageDiagnostics {
  consoleErrors: string[];
  pageErrors: Error[];
  /** What the Content-Security-Policy blocked, from any frame of the page. */
  cspViolations: string[];
}

// Chromium logs every block ("Refused to ... because it violates the following Content Security
// Policy directive"); the page's securitypolicyviolation events are logged too, under this prefix.
const CSP_VIOLATION = 'CSP violation:';
const isCspViolation = (text: string) => text.startsWith(CSP_VIOLATION) || text.includes('Content Security Policy');
const diagnostics = new WeakMap<Page, PageDiagnostics>();

/**
 * A page in a fresh context (no cookies, no storage), closed when the current test finishes. Call it
 * inside a test: an uncaught error in the page fails that test, and a failing test prints the
 * page's console errors and leaves a screenshot in the temp dir.
 */
export async function newPage(browser: Browser, opts: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: opts.locale ?? 'en-US', viewport: opts.viewport ?? { width: 1280, height: 800 } });
  // Generous: the suites share the machine with the server under test and the other test files.
  context.setDefaultTimeout(45_000);
  context.setDefaultNavigationTimeout(60_000);
  await context.addInitScript((prefix) => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`${prefix} ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in ${e.documentURI}`));
  }, CSP_VIOLATION);
  const page = await context.newPage();
  const diag: PageDiagnostics = { consoleErrors: [], pageErrors: [], cspViolations: [] };
  diagnostics.set(page, diag);
  page.on('console', (msg) => {
    if (isCspViolation(msg.text())) diag.cspViolations.push(msg.text());
    if (msg.type() !== 'error') return;
    const at = msg.location();
    diag.consoleErrors.push(at.url ? `${msg.text()} (${at.url}:${at.lineNumber})` : msg.text());
  });
  page.on('pageerror', (err) => diag.pageErrors.push(err));

  onTestFinished(async ({ task }) => {
    // A failing test leaves what the browser showed, and what it logged, outside the repo.
    if (task.result?.state === 'fail') {
      const shot = join(tmpdir(), `trellis-e2e-failure-${task.name.replace(/[^\w-]+/g, '_').slice(0, 80)}-${process.pid}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      const logged = diag.consoleErrors.length > 0 ? `; console errors:\n  ${diag.consoleErrors.join('\n  ')}` : '';
      process.stderr.write(`[e2e] "${task.name}" failed at ${page.url()}; screenshot ${shot}${logged}\n`);
    }
    await context.close();
    if (diag.pageErrors.length > 0) {
      const list = diag.pageErrors.map((e) => `  ${e.stack ?? e.message}`).join('\n');
      throw new Error(`uncaught error(s) in the page:\n${list}`);
    }
    // Whatever a test did, nothing it loaded may have been blocked by the policy.
    if (diag.cspViolations.length > 0) throw new Error(`Content-Security-Policy violation(s):\n  ${diag.cspViolations.join('\n  ')}`);
  });
  return page;
}

/** The Content-Security-Policy violations reported in the page so far, in any of its frames (see newPage). */
export function cspViolations(page: Page): string[] {
  return [...(diagnostics.get(page)?.cspViolations ?? [])];
}

/** The console errors a page logged so far (see newPage). */
export function consoleErrors(page: Page): string[] {
  return [...(diagnostics.get(page)?.consoleErrors ?? [])];
}

/** Signs in through the login form and waits for the role's dashboard. */
export async function loginAs(page: Page, base: string, logins: DemoLogin[], role: DemoRole): Promise<void> {
  const login = logins.find((l) => l.role === role);
  if (!login) throw new Error(`no demo login for ${role}; demo.json has ${logins.map((l) => l.role).join(', ')}`);
  await page.goto(`${base}/login`);
  await submitLogin(page, login.email, login.password);
  await page.waitForURL((url) => url.pathname === `/${areaOf[role]}`);
  await page.getByTestId(`dashboard-${role}`).waitFor();
}

/** Fills and submits the login form on the current page (English labels). */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  const password_ = page.getByLabel('Password', { exact: true });
  await page.getByLabel('Email', { exact: true }).fill(email);
  await password_.fill(password);
  const form = page.locator('form', { has: password_ });
  await form.locator('button:not([type]), button[type="submit"], input[type="submit"]').click();
}

/**
 * The elements that reach past the right edge of a `width`-wide viewport, outermost first (a
 * short CSS-like path each), for a message that says what breaks a phone layout.
 */
export async function elementsWiderThan(page: Page, width: number): Promise<string[]> {
  return await page.evaluate((w) => {
    const describe = (el: Element) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + (el.classList.length ? `.${Array.from(el.classList).join('.')}` : '');
    const found: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (el.getBoundingClientRect().right <= w + 0.5) continue;
      // Only the outermost offender of each branch: its descendants overflow with it.
      if (el.parentElement && el.parentElement !== document.body && el.parentElement.getBoundingClientRect().right > w + 0.5) continue;
      const path: string[] = [];
      for (let e: Element | null = el; e && e !== document.body; e = e.parentElement) path.unshift(describe(e));
      found.push(`${path.join(' > ')} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
    }
    return found.slice(0, 10);
  }, width);
}

/**
 * Lets the page finish loading before a screenshot: network quiet for 500 ms (bounded, since a
 * dashboard may poll) and no region still marked aria-busy.
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

/** A full-page PNG at `<screenshotDir>/<name>.png`; written whole, so a reader never sees half a file. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = join(screenshotDir, `${name}.png`);
  const png = await page.screenshot({ fullPage: true, animations: 'disabled' });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, png);
  renameSync(tmp, file);
  return file;
}
