#!/usr/bin/env node
// Checks how pages print, in the Debian Chromium (/usr/bin/chromium), with the
// screen in dark mode (the harder case: the print must still be light):
//
//   node print.mjs <url> [<url>...]
//
// For every page, with print media emulated:
// * the page and its body are light (near-white background, dark text);
// * the site navigation and the skip link are hidden;
// * the page's address (its rel=canonical) is visible, with and without
//   JavaScript; with JavaScript the `beforeprint` event adds today's year;
// * folded `<details>` are opened for printing;
// * axe-core's colour-contrast rule finds nothing under print media.
//
// Exit status: 0 all good, 1 a page prints badly, 2 setup failure.

import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const AXE_PATH = join(HERE, 'node_modules', 'axe-core', 'axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error('usage: node print.mjs <url> [<url>...]');
  process.exit(2);
}

// What the print shows, read in the page.
function inspect() {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const visible = (el) => {
    if (!el) return false;
    const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
  };
  const body = getComputedStyle(document.body);
  const html = getComputedStyle(document.documentElement);
  const canonical = document.querySelector('link[rel=canonical]')?.href ?? null;
  const address = [...document.querySelectorAll('.site-footer *')].find(
    (el) => canonical && visible(el) && el.textContent.includes(canonical),
  );
  return {
    bodyBackground: body.backgroundColor,
    bodyBackgroundLum: lum(body.backgroundColor),
    htmlBackground: html.backgroundColor,
    htmlTransparent: /rgba\(.*,\s*0\)$/.test(html.backgroundColor) || html.backgroundColor === 'transparent',
    htmlBackgroundLum: lum(html.backgroundColor),
    textLum: lum(body.color),
    text: body.color,
    navVisible: visible(document.querySelector('.site-header nav')),
    skipVisible: visible(document.querySelector('.skip-link')),
    canonical,
    addressText: address ? address.textContent.trim() : null,
    closedDetails: document.querySelectorAll('details:not([open])').length,
  };
}

async function checkPage(browser, axeSource, url) {
  const problems = [];
  for (const javaScript of [true, false]) {
    const context = await browser.newContext({
      colorScheme: 'dark',
      javaScriptEnabled: javaScript,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const label = javaScript ? '' : ' (JavaScript off)';
    try {
      const response = await page.goto(url, { waitUntil: 'load' });
      if (!response || response.status() >= 400) {
        throw new Error(`${url} answered HTTP ${response?.status()}`);
      }
      await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
      if (javaScript) {
        await page.evaluate(() => dispatchEvent(new Event('beforeprint')));
      }
      const r = await page.evaluate(inspect);
      if (r.bodyBackgroundLum < 0.9) problems.push(`the body prints on ${r.bodyBackground}, not a light background${label}`);
      if (!r.htmlTransparent && r.htmlBackgroundLum < 0.9) problems.push(`the page prints on ${r.htmlBackground}${label}`);
      if (r.textLum > 0.05) problems.push(`the text prints in ${r.text}, not a dark colour${label}`);
      if (r.navVisible) problems.push(`the site navigation is printed${label}`);
      if (r.skipVisible) problems.push(`the skip link is printed${label}`);
      if (!r.canonical) problems.push('the page has no <link rel=canonical> to print');
      else if (!r.addressText) problems.push(`the address ${r.canonical} is not printed in the footer${label}`);
      if (javaScript) {
        const year = String(new Date().getFullYear());
        if (r.addressText && !r.addressText.includes(year)) {
          problems.push(`the print date is missing after beforeprint: ${JSON.stringify(r.addressText)}`);
        }
        if (r.closedDetails > 0) problems.push(`${r.closedDetails} <details> stay folded in print`);
        await page.addScriptTag({ content: axeSource });
        const contrast = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const res = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } });
          return res.violations.flatMap((v) =>
            v.nodes.map((n) => `${n.target.join(' ')}: ${(n.any[0] && n.any[0].message) || v.help}`),
          );
        });
        for (const c of contrast) problems.push(`low contrast in print: ${c}`);
        if (r.addressText) console.log(`     prints: ${r.addressText}`);
      }
    } finally {
      await context.close().catch(() => {});
    }
  }
  return problems;
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}`);
  if (!existsSync(AXE_PATH)) throw new Error(`axe-core not found at ${AXE_PATH}`);
  const axeSource = readFileSync(AXE_PATH, 'utf8');
  const userDataDir = mkdtempSync(join(tmpdir(), 'forklar-print-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  let bad = 0;
  try {
    for (const url of urls) {
      const problems = await checkPage(browser, axeSource, url);
      if (problems.length === 0) {
        console.log(`ok   ${url} [print, screen dark]`);
      } else {
        bad++;
        console.log(`FAIL ${url} [print, screen dark]`);
        for (const p of problems) console.log(`  - ${p}`);
      }
    }
  } finally {
    await browser.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  }
  console.log(`print: ${urls.length} page${urls.length === 1 ? '' : 's'}, ${bad} printing badly`);
  return bad > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('print.mjs: setup failure:', err);
    process.exit(2);
  },
);
