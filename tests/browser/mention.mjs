#!/usr/bin/env node
// Checks the preview of a background entry on its first mention in an article,
// in the Debian Chromium (/usr/bin/chromium), as WCAG 1.4.13 asks:
//
//   node mention.mjs <article-url>
//
// 1. With scripts on: hovering the first `a.mention` shows a tooltip with the
//    entry's summary, the link is described by it, and the tooltip stays while
//    the pointer moves onto it; Esc dismisses it.
// 2. Reaching the link with the keyboard (Tab) shows the preview; Esc hides it
//    and leaves the focus on the link; Enter follows it.
// 3. With scripts off: the mention is a plain link to the entry's page, and no
//    preview exists.
// 4. Without the stylesheet, likewise.
//
// Exit status: 0 success, 1 the preview misbehaved, 2 setup failure.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync',
];

class Failure extends Error {}
const check = (ok, message) => { if (!ok) throw new Failure(message); };

const url = process.argv[2];
if (!url) {
  console.error('usage: node mention.mjs <article-url>');
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), 'forklar-mention-'));
let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
} catch (err) {
  console.error(`cannot start ${CHROMIUM}: ${err.message}`);
  rmSync(profile, { recursive: true, force: true });
  process.exit(2);
}

const preview = '.mention-preview[role="tooltip"]';
let status = 0;
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const link = page.locator('a.mention').first();
  check(await link.count() === 1, 'the article has no first-mention link (a.mention)');
  const summary = await link.getAttribute('data-summary');
  const href = await link.getAttribute('href');
  check(summary && summary.length > 0, 'the mention carries no summary');

  // 1. Hover, then move onto the preview itself: it stays; Esc dismisses it.
  await link.hover();
  await page.waitForSelector(preview, { state: 'visible', timeout: 5000 });
  check((await page.locator(preview).innerText()).includes(summary),
    'the preview does not show the entry\'s summary');
  const described = await link.getAttribute('aria-describedby');
  check(described && await page.locator(`#${described}`).count() === 1,
    'the link is not described by the preview (aria-describedby)');
  await page.locator(preview).hover();
  check(await page.locator(preview).isVisible(), 'the preview closes when the pointer moves onto it');
  await page.keyboard.press('Escape');
  await page.waitForSelector(preview, { state: 'detached', timeout: 5000 });
  console.log('hover: preview shown, hoverable, dismissed with Esc');

  // 2. Keyboard: Tab until the mention has focus.
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  let focused = false;
  for (let i = 0; i < 200 && !focused; i++) {
    await page.keyboard.press('Tab');
    focused = await link.evaluate((el) => el === document.activeElement);
  }
  check(focused, 'the mention cannot be reached with Tab');
  await page.waitForSelector(preview, { state: 'visible', timeout: 5000 });
  await page.keyboard.press('Escape');
  await page.waitForSelector(preview, { state: 'detached', timeout: 5000 });
  check(await link.evaluate((el) => el === document.activeElement), 'Esc moved the focus away from the mention');
  await Promise.all([page.waitForURL(new URL(href, url).href, { timeout: 10000 }), page.keyboard.press('Enter')]);
  console.log('keyboard: preview shown on focus, dismissed with Esc, Enter follows the link');

  // 3. Without scripts: a plain link.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noScript = await plain.newPage();
  await noScript.goto(url, { waitUntil: 'load' });
  const plainLink = noScript.locator('a.mention').first();
  check(await plainLink.getAttribute('href') === href, 'without scripts the mention is not a link');
  await plainLink.hover();
  await noScript.waitForTimeout(300);
  check(await noScript.locator(preview).count() === 0, 'a preview appears without scripts');
  console.log('no scripts: a plain link to', href);

  // 4. Without the stylesheet: still a plain link, no box at the end of the page.
  const bare = await browser.newPage();
  await bare.route('**/*.css', (route) => route.abort());
  await bare.goto(url, { waitUntil: 'load' });
  await bare.locator('a.mention').first().hover();
  await bare.waitForTimeout(300);
  check(await bare.locator('.mention-preview').count() === 0, 'a preview appears without the stylesheet');
  console.log('no stylesheet: a plain link');
} catch (err) {
  console.error(err instanceof Failure ? `FAILED: ${err.message}` : `error: ${err.stack || err}`);
  status = err instanceof Failure ? 1 : 2;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
