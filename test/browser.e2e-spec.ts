import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { RunningApp } from './support/app';
import { openBrowserSession, type BrowserSession } from './support/browser';
import { ALICE } from './support/credentials';
import { USERS } from './support/env';

/** Kept after every run (git-ignored); docs/swagger-ui.png is a copy of one. */
const SCREENSHOT = join(__dirname, '..', '.run', 'browser', 'swagger-ui.png');
const SQL = 'SELECT * FROM tpch.tiny.nation';

interface JsonDocument {
  data: { name: string }[];
}

/** Page coordinates of an element's box (boundingBox is relative to the viewport). */
async function pageBox(
  page: Page,
  el: Locator,
): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await el.boundingBox();
  if (!box) throw new Error('element to screenshot is not visible');
  const scrollY = await page.evaluate<number>('window.scrollY');
  return { ...box, y: box.y + scrollY };
}

/**
 * Saves the operation from its title down to the end of the response body, with the body
 * unfolded (Swagger UI scrolls it inside a short box) so all 25 rows are in the picture.
 */
async function keepScreenshot(page: Page, op: Locator, body: Locator): Promise<void> {
  await body.locator('pre').evaluate((el: { style: { maxHeight: string } }) => {
    el.style.maxHeight = 'none';
  });
  const top = await pageBox(page, op);
  const bottom = await pageBox(page, body);
  mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
  await page.screenshot({
    path: SCREENSHOT,
    fullPage: true,
    clip: { x: top.x, y: top.y, width: top.width, height: bottom.y + bottom.height - top.y + 8 },
  });
}

/**
 * Swagger UI in a real Chromium against the real service and Trino, clicked the way a person
 * would: Authorize with Basic, try out the JSON download, read the rows it shows. Any console
 * error or CSP violation fails it, so helmet's policy cannot silently break the page.
 */
describe('Swagger UI in Chromium', () => {
  let svc: RunningApp;
  let page: Page;
  let problems: string[];
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    session = await openBrowserSession({ width: 1280, height: 900 });
    ({ svc, page, problems } = session);
  });
  afterAll(() => session?.close());

  it('authorizes with Basic and shows the rows of a JSON download', async () => {
    await page.goto(`${svc.url}/docs`);
    await page.locator('.swagger-ui .info .title', { hasText: 'trino-stream' }).waitFor();

    await page.locator('.auth-wrapper button.authorize').click();
    const basic = page.locator('.auth-container', {
      has: page.locator('code', { hasText: 'basic' }),
    });
    await basic.locator('#auth-basic-username').fill('alice');
    await basic.locator('#auth-basic-password').fill(USERS.alice);
    await basic.locator('button[type=submit]').click();
    await basic.locator('button', { hasText: 'Logout' }).waitFor();
    await page.locator('.modal-ux button.close-modal').click();

    const op = page.locator('#operations-query-Query_downloadJson');
    await op.locator('.opblock-summary-control').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('textarea.body-param__text').fill(JSON.stringify({ sql: SQL }));
    await op.locator('button.execute').click();

    const live = op.locator('.live-responses-table');
    await expect(live.locator('tr.response .response-col_status').innerText()).resolves.toBe('200');
    // The curl Swagger UI shows proves the credentials were attached.
    await expect(op.locator('.curl-command').innerText()).resolves.toContain(
      `Authorization: ${ALICE.authorization}`,
    );
    const body = JSON.parse(
      await live.locator('tr.response .highlight-code pre.microlight').innerText(),
    ) as JsonDocument;
    const names = body.data.map((r) => r.name);
    expect(names).toHaveLength(25);
    expect(names).toEqual(expect.arrayContaining(['ALGERIA', 'UNITED STATES']));

    await keepScreenshot(page, op, live.locator('tr.response .highlight-code'));
    expect(problems).toEqual([]);
  });
});
