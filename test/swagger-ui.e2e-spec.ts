/**
 * Swagger UI in a real headless browser: a person can authorize with a token from sign-in and
 * run "Try it out" on GET /products. A system Chromium is used when there is one, else the one
 * `npm install` brings (test/helpers/browser.ts); when neither runs this test fails, it never
 * skips. The screenshot (test/output/swagger-ui.png) is the CI artifact.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { chooseBrowser, LAUNCH_ARGS, unpackBundled } from './helpers/browser';
import { Http } from './helpers/http';
import { ADMIN, startApp, TestApp } from './helpers/test-app';

const OUTPUT = join(__dirname, 'output');

describe('choosing the browser', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'storefront-fake-path-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the bundled Chromium when none is on PATH and CHROMIUM_PATH is unset', () => {
    expect(chooseBrowser({ PATH: dir })).toEqual({ source: 'bundled' });
    expect(chooseBrowser({})).toEqual({ source: 'bundled' });
  });

  it('prefers an executable chromium on PATH, and CHROMIUM_PATH over both', () => {
    const fake = join(dir, 'chromium');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o644);
    // Not executable: not a browser.
    expect(chooseBrowser({ PATH: dir }).source).toBe('bundled');
    chmodSync(fake, 0o755);
    expect(chooseBrowser({ PATH: ['/nonexistent', dir].join(delimiter) })).toEqual({
      source: 'system',
      executablePath: fake,
    });
    expect(chooseBrowser({ PATH: dir, CHROMIUM_PATH: '/opt/x/chrome' })).toEqual({
      source: 'CHROMIUM_PATH',
      executablePath: '/opt/x/chrome',
    });
  });
});

describe('Swagger UI (headless chromium)', () => {
  let t: TestApp;
  let http: Http;
  let browser: Browser | undefined;
  let token: string;
  let executablePath: string | undefined;

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

  it('has a browser to run: the system Chromium, or the bundled one unpacked', async () => {
    executablePath = chooseBrowser().executablePath ?? (await unpackBundled());
    expect(executablePath).toBeTruthy();
  });

  // A real browser on a shared 2-core machine: more than the default 60 s under load.
  it('authorizes with a token and runs "Try it out" on GET /products', async () => {
    expect(executablePath).toBeDefined();
    browser = await chromium.launch({ executablePath, args: LAUNCH_ARGS });
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
  }, 120_000);
});
