import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startApp, type RunningApp } from './support/app';
import { launchChromium, openBrowserSession, type BrowserSession } from './support/browser';
import { ALICE } from './support/credentials';
import { USERS } from './support/env';
import { post } from './support/http';
import { settledState } from './support/trino';
import { TYPES_SQL } from './support/types-query';

/**
 * Issue #16: the query console in Debian's Chromium against the real service and Trino,
 * used as a person would: sign in, run, watch rows arrive, read exact values. Any console
 * error or CSP violation fails it.
 */
describe('the query console in Chromium', () => {
  let svc: RunningApp;
  let page: Page;
  let problems: string[];
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    session = await openBrowserSession({ width: 1280, height: 800 });
    ({ svc, page, problems } = session);
    await page.goto(`${svc.url}/console`);
  });
  afterAll(() => session?.close());

  const text = (id: string): Promise<string> => page.locator(`#${id}`).innerText();

  /**
   * Runs `sql` with Ctrl+Enter, as the keyboard shortcut says. The console ignores Run while
   * a run is going, and a run shows its `complete` status before its stream has closed, so
   * the last run must be over first: Cancel is disabled once it is.
   */
  async function run(sql: string): Promise<void> {
    await page.locator('#cancel:disabled').waitFor();
    await page.locator('#sql').fill(sql);
    await page.locator('#sql').press('Control+Enter');
  }

  it('says what failed when the password is wrong, then signs in with Basic', async () => {
    await page.locator('#user').fill('alice');
    await page.locator('#password').fill('not-her-password');
    await page.locator('#signin-button').click();
    await page.locator('#who.bad').waitFor();
    expect(await text('who')).toContain('401');
    await page.locator('#password').fill(USERS.alice);
    await page.locator('#signin-button').click();
    await page.locator('#who.ok').waitFor();
    expect(await text('who')).toBe('signed in as alice (basic)');
  });

  it('streams tpch.sf1.orders: rows and a rising counter before complete, 1,500,000 at the end', async () => {
    await page.locator('#withProgress').check();
    await run('SELECT * FROM tpch.sf1.orders');
    // The table shows rows while the stream is still open.
    await page.locator('#rows tbody tr').first().waitFor();
    const counts: number[] = [];
    const rowsShownEarly = await page.locator('#rows tbody tr').count();
    while (!(await text('status')).startsWith('complete')) {
      const n = Number((await text('count')).split(' ')[0].replace(/,/g, ''));
      if (!(await text('status')).startsWith('complete')) counts.push(n);
      await page.waitForTimeout(150);
    }
    const during = counts.filter((n) => n > 0 && n < 1_500_000);
    expect(new Set(during).size).toBeGreaterThanOrEqual(2);
    expect(during).toEqual([...during].sort((a, b) => a - b));
    expect(rowsShownEarly).toBeGreaterThan(0);
    expect(await text('status')).toMatch(/^complete: 1,500,000 rows in [\d.]+ s$/);
    expect(await text('count')).toMatch(/^1,500,000 rows/);
    expect(await text('kept')).toBe('showing the first 200,000 rows');
    expect(await text('query')).toMatch(/^\d{8}_\d{6}_\d{5}_\w{5}$/);
    // The DOM holds a window of the rows, not all of them.
    expect(await page.locator('#rows tbody tr').count()).toBeLessThan(200);
    // Kept after every run (git-ignored); docs/console.png is a copy of one.
    await page.screenshot({ path: join(__dirname, '..', '.run', 'browser', 'console.png') });
  }, 120_000);

  it('shows the all-types row exactly: BIGINT bounds, decimal(38), timestamp(12)', async () => {
    await run(TYPES_SQL);
    await page.locator('#status.ok').waitFor();
    const headers = await page.locator('#rows thead th').allInnerTexts();
    const cells = await page.locator('#rows tbody tr').first().locator('td').allInnerTexts();
    const cell = (name: string): string =>
      cells[headers.findIndex((h) => h.startsWith(`${name}\n`))];
    expect(cell('big_max')).toBe('9223372036854775807');
    expect(cell('big_min')).toBe('-9223372036854775808');
    expect(cell('dec38')).toBe('12345678901234567890123456789012345.678');
    expect(cell('ts12')).toBe('2024-01-02 03:04:05.123456789012');
    expect(cell('nul')).toBe('NULL');
    expect(headers.find((h) => h.startsWith('dec38\n'))).toBe('dec38\ndecimal(38, 3)');
  });

  it('cancels a running query with Escape, and shows the error event that says so', async () => {
    await run('SELECT * FROM tpch.sf1.lineitem');
    await page.locator('#rows tbody tr').first().waitFor();
    await page.locator('#query').filter({ hasText: /\d/ }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#status.bad').waitFor();
    expect(await text('status')).toMatch(/^error: .+\(\w+\)$/);
  });

  it('downloads through the browser, named after the filename field', async () => {
    await page.locator('#sql').fill('SELECT name FROM tpch.tiny.region ORDER BY regionkey');
    await page.locator('#filename').fill('regions');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-format=csv]').click(),
    ]);
    expect(file.suggestedFilename()).toBe('regions.csv');
    const text = readFileSync(await file.path(), 'utf8');
    expect(text).toBe('name\r\nAFRICA\r\nAMERICA\r\nASIA\r\nEUROPE\r\nMIDDLE EAST\r\n');
  });

  it('keeps the credentials out of storage, cookies and the URL', async () => {
    // No DOM typings in the tests: the page's own expressions are plain text.
    expect(await page.evaluate<number[]>('[localStorage.length, sessionStorage.length]')).toEqual([
      0, 0,
    ]);
    expect(await page.context().cookies()).toEqual([]);
    expect(page.url()).toBe(`${svc.url}/console`);
  });

  it('works in a narrow window: every control in view without sideways scrolling', async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    for (const id of ['run', 'cancel', 'sql', 'rows']) {
      const box = await page.locator(`#${id}`).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 420).toBe(true);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('cancels the query in Trino when the tab reloads mid-stream', async () => {
    await run('SELECT * FROM tpch.sf1.lineitem');
    await page.locator('#query').filter({ hasText: /\d/ }).waitFor();
    const queryId = await text('query');
    await page.reload();
    expect((await settledState(queryId, 10_000)).state).toBe('FAILED');
  });

  it('raised no console error and no CSP violation but the two it was meant to', () => {
    const expected = [
      'the server responded with a status of 401', // the wrong password
      '/query net::ERR_ABORTED', // the reload, which is how the tab stops its stream
    ];
    for (const what of expected) expect(problems.filter((p) => p.includes(what))).toHaveLength(1);
    expect(problems.filter((p) => !expected.some((what) => p.includes(what)))).toEqual([]);
  });
});

describe('the console when the service says no', () => {
  let svc: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    svc = await startApp({ QUERY_MAX_CONCURRENT_PER_USER: '1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('shows a 429 with its Retry-After', async () => {
    const holder = new AbortController();
    const open = await post(
      `${svc.url}/query`,
      { sql: 'SELECT * FROM tpch.sf1.lineitem' },
      ALICE,
      holder.signal,
    );
    expect(open.status).toBe(200);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${svc.url}/console`);
      await page.locator('#user').fill('alice');
      await page.locator('#password').fill(USERS.alice);
      await page.locator('#signin-button').click();
      await page.locator('#who.ok').waitFor();
      await page.locator('#sql').fill('SELECT 1');
      await page.locator('#run').click();
      await page.locator('#status.bad').waitFor();
      expect(await page.locator('#status').innerText()).toMatch(
        /^429: at most 1 concurrent queries per user — retry after 1 s$/,
      );
    } finally {
      holder.abort();
    }
  });
});
