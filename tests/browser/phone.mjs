#!/usr/bin/env node
// An article read on a phone and on a wide screen, in the Debian Chromium
// (/usr/bin/chromium):
//
//   node phone.mjs <article-url> [screenshot-folder]
//
// 1. At 390 and 320 px with touch (isMobile, hasTouch): a tap on the first
//    mention, scrolled to the bottom of the screen, opens its summary in place
//    without leaving the page (aria-expanded="true"), and the card lies wholly
//    inside the viewport; a tap on «Les mer om …» inside it goes to the entry.
// 2. At 390 px the background box comes right after the section where its
//    first entry is mentioned (the next element is a heading of level 2, or
//    nothing), its entries folded to their titles.
// 3. At 1280 px the background box and the key figures sit in a rail to the
//    right of the text: each box's left edge is right of the text's right edge.
// 4. With scripts off, at 390 px: the long timeline's «Vis hele tidslinjen»
//    and a background entry open with a tap, and the mention is a plain link.
//
// Exit status: 0 success, 1 the page misbehaved, 2 setup failure.

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync',
];

class Failure extends Error {}
const check = (ok, message) => { if (!ok) throw new Failure(message); };

const [url, shots] = process.argv.slice(2);
if (!url) {
  console.error('usage: node phone.mjs <article-url> [screenshot-folder]');
  process.exit(2);
}

let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
} catch (err) {
  console.error(`cannot start ${CHROMIUM}: ${err.message}`);
  process.exit(2);
}

const phone = (width, height, javaScriptEnabled = true) => browser.newContext({
  viewport: { width, height }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, javaScriptEnabled,
});

async function tapMention(width, height) {
  const context = await phone(width, height);
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const link = page.locator('a.mention').first();
  check(await link.count() === 1, 'the article has no first-mention link (a.mention)');
  const href = new URL(await link.getAttribute('href'), url).href;
  const summary = await link.getAttribute('data-summary');
  // The mention just above the bottom edge: the card must flip above it.
  await link.evaluate((el) => {
    const r = el.getBoundingClientRect();
    window.scrollBy(0, r.bottom - window.innerHeight + 24);
  });
  await link.tap();
  const card = page.locator('.mention-preview');
  await card.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
  check(page.url() === url, `a tap on the mention left the page for ${page.url()}`);
  check(await card.isVisible(), 'a tap on the mention opened no card (.mention-preview)');
  check(await link.getAttribute('aria-expanded') === 'true', 'the tapped mention is not aria-expanded="true"');
  const controls = await link.getAttribute('aria-controls');
  check(controls && await page.locator(`#${controls}`).count() === 1, 'the mention does not control its card (aria-controls)');
  check((await card.innerText()).includes(summary), 'the card does not show the entry\'s summary');
  const box = await card.boundingBox();
  const view = await page.evaluate(() => ({ w: document.documentElement.clientWidth, h: window.innerHeight }));
  check(box.x >= 0 && box.y >= 0 && box.x + box.width <= view.w && box.y + box.height <= view.h,
    `at ${width} px the card (${JSON.stringify(box)}) is not inside the ${view.w}×${view.h} viewport`);
  if (shots) await page.screenshot({ path: `${shots}/mention-tap-${width}.png` });
  console.log(`${width} px: a tap opens the summary in place, inside the viewport`, JSON.stringify(box));
  const more = card.locator('a');
  check(new URL(await more.getAttribute('href'), url).href === href, 'the card\'s link does not lead to the entry');
  const words = await more.innerText();
  check(/ →$/.test(words), `the card's link reads «${words}», not «Les mer om … →»`);
  await Promise.all([page.waitForURL(href, { timeout: 10000 }), more.tap()]);
  console.log(`${width} px: a tap on «${words}» goes to ${href}`);
  await context.close();
}

const text = (page) => page.evaluate(() => {
  const paragraphs = [...document.querySelectorAll('.article-body > p')];
  return Math.max(...paragraphs.map((p) => p.getBoundingClientRect().right));
});

let status = 0;
try {
  await tapMention(390, 844);
  await tapMention(320, 568);

  // 2. The phone placement.
  const context = await phone(390, 844);
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const placement = await page.evaluate(() => {
    const box = document.querySelector('.background-box');
    if (!box) return 'no background box';
    const mention = document.querySelector('a.mention');
    const next = box.nextElementSibling;
    if (!(mention.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING)) return 'the box comes before the first mention';
    if (next && !/^H[12]$/.test(next.tagName)) return `the box is followed by ${next.tagName}, not the next section's heading`;
    for (let el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (el.contains(mention)) return 'ok';
      if (/^H[12]$/.test(el.tagName)) return 'a heading stands between the first mention and the box';
    }
    return 'the first mention is not in the section before the box';
  });
  check(placement === 'ok', `at 390 px: ${placement}`);
  const entries = page.locator('.background-box details');
  check(await entries.count() > 0, 'the background box has no folded entries (<details>)');
  check(await entries.evaluateAll((all) => all.every((d) => !d.open)), 'on a phone the entries are not folded');
  if (shots) await page.locator('.background-box').screenshot({ path: `${shots}/background-390.png` });
  console.log('390 px: the background box follows the section of the first mention, folded');
  await context.close();

  // 3. The rail.
  const wide = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await wide.goto(url, { waitUntil: 'load' });
  const right = await text(wide);
  for (const selector of ['.background-box', '.key-figures']) {
    const rail = await wide.locator(selector).boundingBox();
    check(rail, `at 1280 px there is no ${selector}`);
    check(rail.x > right, `at 1280 px ${selector} (left edge ${rail.x}) is not beside the text (right edge ${right})`);
  }
  check(await wide.locator('.background-box details').evaluateAll((all) => all.every((d) => d.open)),
    'beside the text the entries are not unfolded');
  // Headings wrap in lines of even length, not a long line and a lone word.
  const unbalanced = await wide.evaluate(() => [...document.querySelectorAll('h1, h2, h3')]
    .filter((h) => getComputedStyle(h).textWrap !== 'balance' && getComputedStyle(h).textWrapStyle !== 'balance')
    .map((h) => h.textContent.trim()));
  check(unbalanced.length === 0, `headings not balanced: ${unbalanced.join(' | ')}`);
  if (shots) await wide.screenshot({ path: `${shots}/article-1280.png` });
  console.log(`1280 px: background box and key figures right of the text (text ends at ${right})`);
  await wide.close();

  // 4. Without scripts.
  const off = await phone(390, 844, false);
  const plain = await off.newPage();
  await plain.goto(url, { waitUntil: 'load' });
  const more = plain.locator('details.timeline-more');
  check(await more.count() === 1, 'the long timeline has no «Vis hele tidslinjen» (<details class="timeline-more">)');
  const hidden = more.locator('li').first();
  check(!(await hidden.isVisible()), 'the folded part of the timeline is visible before it is opened');
  await more.locator('summary').tap();
  await hidden.waitFor({ state: 'visible', timeout: 5000 });
  check(await more.evaluate((d) => d.open), 'the timeline did not unfold');
  // Opened, the whole timeline takes the place of its key events: no event twice.
  check(!(await plain.locator('section.timeline > ol.timeline-events').isVisible()),
    'with the whole timeline open, its key events are still shown above it');
  const shown = await plain.locator('section.timeline .event-title').evaluateAll((all) => all
    .filter((h) => h.checkVisibility()).map((h) => h.textContent.trim()));
  check(shown.length > 0 && new Set(shown).size === shown.length, `events shown twice: ${shown.join(' | ')}`);
  const entry = plain.locator('.background-box details').first();
  await entry.locator('summary').tap();
  check(await entry.evaluate((d) => d.open), 'a background entry does not open without scripts');
  const mention = plain.locator('a.mention').first();
  const href = new URL(await mention.getAttribute('href'), url).href;
  await Promise.all([plain.waitForURL(href, { timeout: 10000 }), mention.tap()]);
  console.log('no scripts: the timeline and the entries unfold, a mention is a plain link');
  await off.close();
} catch (err) {
  console.error(err instanceof Failure ? `FAILED: ${err.message}` : `error: ${err.stack || err}`);
  status = err instanceof Failure ? 1 : 2;
} finally {
  await browser.close();
}
process.exit(status);
