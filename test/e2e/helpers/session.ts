import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, loginAs, newPage } from './browser.js';
import { startTrellis, type DemoLogin, type DemoRole, type Trellis } from './server.js';

type PageOptions = Parameters<typeof newPage>[1];

/** What one e2e file drives: its own server on the demo data and its own headless browser. */
export interface E2eSession {
  /** http://127.0.0.1:<port>, no trailing slash. */
  readonly base: string;
  readonly logins: DemoLogin[];
  /** A page in a fresh browser context (no cookies or storage from other tests). */
  page(opts?: PageOptions): Promise<Page>;
  /** A fresh page, logged in through the login form as the demo user of `role`. */
  pageAs(role: DemoRole, opts?: PageOptions): Promise<Page>;
}

/** Starts the server and the browser before the file's tests and stops both after them. */
export function e2eSession(): E2eSession {
  let trellis: Trellis | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [trellis, browser] = await Promise.all([startTrellis(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await trellis?.stop();
  });
  const started = () => {
    if (!trellis || !browser) throw new Error('the e2e session is used before its beforeAll ran');
    return { trellis, browser };
  };
  const session: E2eSession = {
    get base() {
      return started().trellis.base;
    },
    get logins() {
      return started().trellis.logins;
    },
    page: (opts) => newPage(started().browser, opts),
    async pageAs(role, opts) {
      const page = await session.page(opts);
      await loginAs(page, session.base, session.logins, role);
      return page;
    },
  };
  return session;
}
