// The console with API_KEYS set, in Chromium: the page itself loads without a
// key, asks for one when its API answers 401, says so when the key given is
// refused, and shows the view once the right one is given; the key is kept in
// the browser, so a reload asks no more.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser, openPage } from '../../helpers/browser.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';

const KEY = 'console-test-key';
const UI_TIMEOUT = 15_000;

describe('the console behind API_KEYS', { skip: browserSkipReason() }, () => {
  let system: TestSystem;
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
    system = await startTestSystem({ services: ['players'], workers: false, env: { API_KEYS: KEY } });
  });

  after(async () => {
    await browser?.close();
    await system?.close();
  });

  test('asks for the key, refuses a wrong one, shows the view with the right one and keeps it', async () => {
    const unauthenticated = await fetch(`${system.url}/api/console/overview`);
    assert.equal(unauthenticated.status, 401, 'the console API needs the key');
    await unauthenticated.arrayBuffer();

    const p = await openPage(browser, { baseURL: system.url });
    try {
      await p.page.goto('/console/');
      const prompt = p.page.locator('[data-testid="key-prompt"]');
      await prompt.waitFor({ timeout: UI_TIMEOUT });
      await prompt.locator('input[name="apiKey"]').fill('not-the-key');
      await prompt.locator('button[type="submit"]').click();
      await prompt.getByText('was refused').waitFor({ timeout: UI_TIMEOUT });

      await prompt.locator('input[name="apiKey"]').fill(KEY);
      await prompt.locator('button[type="submit"]').click();
      await p.page.locator('[data-view="overview"][data-ready="true"]').waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await prompt.count(), 0, 'the prompt is gone');

      await p.page.reload();
      await p.page.locator('[data-view="overview"][data-ready="true"]').waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await p.page.locator('[data-testid="key-prompt"]').count(), 0, 'no prompt after a reload: the key was kept');
      // The browser logs each refused call as a failed resource; nothing else may show.
      const others = p.problems.filter((line) => !/status of 40[13]/.test(line));
      assert.deepEqual(others, []);
    } finally {
      await p.close();
    }
  });
});
