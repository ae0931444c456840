/**
 * Swagger UI in a real headless browser: a person can authorize with a token from sign-in and
 * run "Try it out" on GET /products. Needs Debian's chromium (.ci/run installs it); without it
 * this test fails on purpose, it never skips. The screenshot (test/output/swagger-ui.png) is
 * the CI artifact.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { Http } from './helpers/http';
import { ADMIN, startApp, TestApp } from './helpers/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = join(__dirname, 'output');

describe('Swagger UI (headless chromium)', () => {
  let t: TestApp;
  let http: Http;
  let browser: Browser | undefined;
  let token: string;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    token = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    await http.post(
      '/products',
      { name: 'Browser-visible beans', price: '12.34', stock: 5 },
      { token },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('finds chromium (install it: apt-get install chromium)', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('authorizes with a token and runs "Try it out" on GET /products', async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    try {
      await page.goto(`${t.baseUrl}/docs`);
      await page.locator('.swagger-ui .info .title').waitFor({ timeout: 20000 });

      await page.locator('button.authorize').first().click();
      const dialog = page.locator('.modal-ux');
      await dialog.locator('input').first().fill(token);
      await dialog.locator('.auth-btn-wrapper button.authorize').click();
      await dialog.locator('.auth-btn-wrapper button.btn-done').click();

      const op = page.locator('#operations-products-listProducts');
      await op.locator('.opblock-summary').click();
      await op.getByRole('button', { name: 'Try it out' }).click();
      await op.getByRole('button', { name: 'Execute' }).click();

      const live = op.locator('.live-responses-table tr.response');
      await live.locator('.response-col_status').first().waitFor({ timeout: 20000 });
      await expect(live.locator('.response-col_status').first().innerText()).resolves.toContain(
        '200',
      );
      await expect(
        live.locator('.response-col_description').first().innerText(),
      ).resolves.toContain('Browser-visible beans');
      // The request Swagger UI made carried the token (shown in its curl line).
      await expect(op.locator('.curl-command').innerText()).resolves.toContain(`Bearer ${token}`);
    } finally {
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, 'swagger-ui.png'), fullPage: true });
    }
  });
});
