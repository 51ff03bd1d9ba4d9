#!/usr/bin/env node
// Checks the search page in the Debian Chromium (/usr/bin/chromium), on a
// static server that serves the built sample site under a sub-path:
//
//   node search.mjs <search-page-url> <site-path> [<axe-url>...]
//
// 1. With the keyboard only: Tab to the field, type «CSTO», Enter. The live
//    region says how many results; the CSTO background entry is the first
//    result and labelled «Bakgrunn», articles come right after it. «Tokajev»
//    gives the Tokajev entry first and every article mentioning him. Tab
//    reaches the first result and Enter opens it.
// 2. Every request stays on the site and under its path (<site-path>).
// 3. With scripts off: the page says search needs JavaScript.
// 4. axe-core finds no violation on the search page with results showing and
//    on each <axe-url>, at 390 and 1280 px, in light and dark colour scheme.
//
// Exit status: 0 success, 1 the page misbehaved, 2 setup failure.

import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
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

const [url, sitePath, ...axeUrls] = process.argv.slice(2);
if (!sitePath) {
  console.error('usage: node search.mjs <search-page-url> <site-path> [<axe-url>...]');
  process.exit(2);
}
const origin = new URL(url).origin;

let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
} catch (err) {
  console.error(`cannot start ${CHROMIUM}: ${err.message}`);
  process.exit(2);
}

// The results as a reader sees them: label, title, address.
const results = (page) => page.$$eval('#search-results > li', (items) => items.map((li) => ({
  kind: li.querySelector('.search-kind')?.textContent.trim(),
  title: li.querySelector('h2 a')?.textContent.trim(),
  href: li.querySelector('h2 a')?.getAttribute('href'),
})));

async function search(page, query) {
  await page.keyboard.press('Control+A');
  await page.keyboard.type(query);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (q) => document.getElementById('search-status').textContent.includes(q)
      && !document.getElementById('search-results').hidden,
    query, { timeout: 20000 },
  );
  return {
    said: await page.$eval('#search-status', (el) => el.textContent.trim()),
    found: await results(page),
  };
}

async function axeAt(page, where) {
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
      check(violations.length === 0, `axe on ${where} at ${width} px, ${scheme}: ${violations.join(' | ')}`);
    }
  }
}

let status = 0;
try {
  const page = await browser.newPage();
  const strays = [];
  const failed = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin !== origin || !u.pathname.startsWith(sitePath)) strays.push(r.url());
  });
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  await page.goto(url, { waitUntil: 'load' });

  // Keyboard only: Tab from the top of the page to the field.
  let focused = null;
  for (let i = 0; i < 30 && focused !== 'search-query'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.id);
  }
  check(focused === 'search-query', 'Tab should reach the search field');

  const csto = await search(page, 'CSTO');
  const cstoList = csto.found.map((r) => `${r.kind}: ${r.title} (${r.href})`).join('\n  ');
  check(/^\d+ treff for «CSTO»$/.test(csto.said), `the live region says «${csto.said}»`);
  check(csto.found.length >= 3, `«CSTO» should find the entry and the articles:\n  ${cstoList}`);
  check(csto.found[0].href === `${sitePath}bakgrunn/csto/` && csto.found[0].kind === 'Bakgrunn',
    `the CSTO entry should be first, labelled Bakgrunn:\n  ${cstoList}`);
  check(csto.found[1].kind === 'Artikkel', `an article should come right after the entry:\n  ${cstoList}`);
  const cstoArticles = csto.found.filter((r) => r.kind === 'Artikkel');
  check(cstoArticles.length >= 2, `«CSTO» should find the articles:\n  ${cstoList}`);

  const tokajev = await search(page, 'Tokajev');
  const tokajevList = tokajev.found.map((r) => `${r.kind}: ${r.title} (${r.href})`).join('\n  ');
  check(tokajev.found[0].href === `${sitePath}bakgrunn/tokajev/`,
    `the Tokajev entry should be first:\n  ${tokajevList}`);
  const tokajevArticles = tokajev.found.filter((r) => r.kind === 'Artikkel');
  check(tokajevArticles.length >= 2, `«Tokajev» should find the articles:\n  ${tokajevList}`);

  // The results pass axe while shown.
  await axeAt(page, 'the search page with results');

  // Tab on from the field: the button, then the first result; Enter opens it.
  await page.focus('#search-query');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const onResult = await page.evaluate(() => document.activeElement?.getAttribute('href'));
  check(onResult === tokajev.found[0].href, `Tab should reach the first result, not ${onResult}`);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  check(new URL(page.url()).pathname === tokajev.found[0].href, `Enter should open ${tokajev.found[0].href}, opened ${page.url()}`);

  check(strays.length === 0, `requests left the site or its path: ${strays.join(', ')}`);
  check(failed.length === 0, `requests failed: ${failed.join(', ')}`);

  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(url, { waitUntil: 'load' });
  const message = await plain.evaluate(() => document.querySelector('main').innerText);
  check(message.includes('Søket trenger JavaScript'), `without scripts the page should say so: «${message}»`);
  await noScript.close();

  for (const other of axeUrls) {
    const p = await browser.newPage();
    await p.goto(other, { waitUntil: 'load' });
    await axeAt(p, other);
    await p.close();
  }
  console.log(`ok ${url}: «CSTO» ${csto.found.length} results, first ${csto.found[0].href}; `
    + `«Tokajev» ${tokajev.found.length} results; axe clean on ${axeUrls.length + 1} pages`
    + `\n«CSTO»:\n  ${cstoList}\n«Tokajev»:\n  ${tokajevList}`);
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
