#!/usr/bin/env node
// Checks a live article's script in the Debian Chromium (/usr/bin/chromium),
// on a plain static server, not `forklar serve`:
//
//   node live.mjs <article-url> <served-dir> <newer-build-dir> <slug>
//
// 1. With scripts on: the article is open; its page and updates.json are
//    replaced by a newer build's; when the script checks (as it does every
//    minute while the tab is visible; here on a visibility change), it offers
//    «1 ny oppdatering – vis», and the button puts the new update at the top
//    of the list without navigating, moves focus to it and announces it.
//    While the offer shows, axe-core finds no violation at 390 and 1280 px,
//    in light and dark colour scheme.
// 2. With scripts off: the page lists every update of the newer build.
//
// Exit status: 0 success, 1 the page misbehaved, 2 setup failure.

import { chromium } from 'playwright-core';
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const AXE_PATH = join(dirname(fileURLToPath(import.meta.url)), 'node_modules', 'axe-core', 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync',
];

class Failure extends Error {}
const check = (ok, message) => { if (!ok) throw new Failure(message); };

const [url, served, newer, slug] = process.argv.slice(2);
if (!slug) {
  console.error('usage: node live.mjs <article-url> <served-dir> <newer-build-dir> <slug>');
  process.exit(2);
}

let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
} catch (err) {
  console.error(`cannot start ${CHROMIUM}: ${err.message}`);
  process.exit(2);
}

const newerJson = JSON.parse(readFileSync(join(newer, slug, 'updates.json'), 'utf8'));
const allIds = newerJson.updates.map((u) => u.id);
let status = 0;
try {
  const page = await browser.newPage();
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(new URL(url).origin)) outside.push(r.url()); });
  await page.goto(url, { waitUntil: 'load' });
  const before = await page.$$eval('li.update', (items) => items.map((i) => i.id));
  check(before.length === allIds.length - 1,
    `the older build should show ${allIds.length - 1} updates, not ${before.length}`);
  const fresh = allIds.filter((id) => !before.includes(id));
  check(fresh.length === 1, `the newer build should add one update: ${fresh}`);
  check(await page.$('.updates-new') === null, 'no offer before anything is new');

  for (const file of ['index.html', 'updates.json']) {
    copyFileSync(join(newer, slug, file), join(served, slug, file));
  }
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  const button = await page.waitForSelector('button.updates-new', { timeout: 10000 });
  const label = (await button.textContent()).trim();
  check(/^1 (ny oppdatering – vis|new update – show)$/.test(label), `the offer reads «${label}»`);
  await page.addScriptTag({ content: readFileSync(AXE_PATH, 'utf8') });
  for (const width of [390, 1280]) {
    for (const scheme of ['light', 'dark']) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      const violations = await page.evaluate(async (tags) => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
        return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
      }, TAGS);
      check(violations.length === 0, `axe at ${width} px, ${scheme}: ${violations.join(' | ')}`);
    }
  }
  await button.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#${fresh[0]}`, { timeout: 10000 });
  check(page.url() === url, `the page navigated to ${page.url()}`);
  const after = await page.$$eval('.update-list > li.update', (items) => items.map((i) => i.id));
  check(after[0] === fresh[0], `the new update should be first, got ${after.join(', ')}`);
  check(after.length === allIds.length, `every update should be listed now: ${after.length}`);
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check(focused === fresh[0], `focus should move to the new update, not ${focused}`);
  const said = await page.$eval('[role="status"]', (el) => el.textContent.trim());
  check(said.startsWith('1 '), `the live region should announce the update, said «${said}»`);
  check(await page.$('.updates-new') === null, 'the offer goes once taken');
  check(outside.length === 0, `requests left the site: ${outside.join(', ')}`);

  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(url, { waitUntil: 'load' });
  const listed = await plain.$$eval('li.update', (items) => items.map((i) => i.id));
  check(JSON.stringify([...listed].sort()) === JSON.stringify([...allIds].sort()),
    `without scripts the page should list every update: ${listed.join(', ')}`);
  console.log(`ok ${url}: offered and inserted ${fresh[0]}; without scripts ${listed.length} updates`);
} catch (err) {
  if (err instanceof Failure) {
    console.error(`FAIL ${url}: ${err.message}`);
    status = 1;
  } else {
    console.error(`error: ${err.stack || err}`);
    status = 2;
  }
} finally {
  await browser.close();
}
process.exit(status);
