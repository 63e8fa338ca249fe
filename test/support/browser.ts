import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, type RunningApp } from './app';

/**
 * Debian's Chromium (scripts/lib.sh ensure_chromium installs it): playwright-core brings no
 * browser of its own, and none can be downloaded at test time.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // No sandbox: CI runs as root, where Chromium refuses to start sandboxed.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Records everything that would mean the page is broken: uncaught exceptions, console errors,
 * requests that failed, and Content-Security-Policy violations (a CSP that blocks a script or
 * style of Swagger UI shows up here first).
 */
export async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) =>
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`),
  );
  // The page reports CSP violations through a binding; the listener is plain script text
  // because this project compiles without the DOM typings.
  await page.exposeFunction('reportCspViolation', (what: string) => problems.push(what));
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.reportCspViolation('CSP ' + e.violatedDirective + ' blocked ' + e.blockedURI));`,
  });
  return problems;
}

/** The real app and a Chromium page watched for problems, as the browser suites use them. */
export interface BrowserSession {
  svc: RunningApp;
  browser: Browser;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowserSession(viewport: {
  width: number;
  height: number;
}): Promise<BrowserSession> {
  const svc = await startApp();
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const problems = await watchProblems(page);
  return {
    svc,
    browser,
    page,
    problems,
    close: async () => {
      await browser.close();
      await svc.close();
    },
  };
}
