// Debian's Chromium driven by playwright-core, for the console's browser tests and
// its bench: headless, with background networking, sync and component updates
// off, so the browser talks to nothing but the page under test. A page opened
// here records every console error or warning and every uncaught page error; a
// test calls assertClean() and fails on any. Screenshots go to a folder made
// for the run under the temp dir, whose path the caller prints.
// Without Chromium the tests are skipped with the reason, except under CI
// (`CI` set), where .ci/run installs it and a missing browser is a failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--disable-background-networking',
  '--disable-sync',
  '--disable-component-update',
  '--no-sandbox',
  // /dev/shm is small in containers; Chromium then crashes tabs mid-test.
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export class BrowserMissingError extends Error {
  override name = 'BrowserMissingError';
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The reason to skip the browser tests here (Chromium is not installed), or
 * false to run them. Under CI it is always false: launchBrowser then throws,
 * and the missing browser fails the run instead of hiding it.
 */
export function browserSkipReason(): string | false {
  if (executable(CHROMIUM_PATH) || process.env.CI) return false;
  return `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
}

export async function launchBrowser(): Promise<Browser> {
  if (!executable(CHROMIUM_PATH)) throw new BrowserMissingError(`no Chromium at ${CHROMIUM_PATH}: .ci/run installs it (apt-get install -y chromium); CHROMIUM_PATH points elsewhere`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and warnings and uncaught page errors, as `type: text (where)`, since opening. */
  problems: string[];
  /** Throws listing the problems seen since the last call (or since opening), then forgets them. */
  assertClean(what: string): void;
  close(): Promise<void>;
}

export interface OpenPageOptions {
  viewport?: { width: number; height: number };
  baseURL?: string;
  /** Scripts run in every document before the page's own (e.g. counters the bench reads). */
  initScripts?: string[];
}

/** A page in a context of its own, watched for console errors, warnings and page errors. */
export async function openPage(browser: Browser, options: OpenPageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, baseURL: options.baseURL });
  for (const script of options.initScripts ?? []) await context.addInitScript(script);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    const type = msg.type();
    if (type !== 'error' && type !== 'warning') return;
    const where = msg.location();
    problems.push(`console ${type}: ${msg.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''} on ${page.url()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.stack ?? err.message} on ${page.url()}`));
  page.on('crash', () => problems.push(`the page crashed on ${page.url()}`));
  return {
    page,
    context,
    problems,
    assertClean(what) {
      const seen = problems.splice(0);
      if (seen.length > 0) throw new Error(`${what}: ${seen.length} console problem(s):\n  ${seen.join('\n  ')}`);
    },
    close: () => context.close(),
  };
}

/** A new folder for this run's screenshots, under the temp dir (kept after the run so it can be looked at). */
export function screenshotFolder(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tributary-${label}-screenshots-`));
}

/** Writes a full-page PNG named `<name>.png` into `folder`; answers its path. */
export async function screenshot(page: Page, folder: string, name: string): Promise<string> {
  const file = path.join(folder, `${name.replace(/[^a-zA-Z0-9._-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
