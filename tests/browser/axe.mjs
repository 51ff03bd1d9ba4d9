#!/usr/bin/env node
// Runs axe-core on pages in the Debian Chromium (/usr/bin/chromium) and
// prints every violation as readable text.
//
//   node axe.mjs [--scheme=both|light|dark] [--widths=390,1280] [--timeout=MS] <url> [<url>...]
//
// --scheme  which `prefers-color-scheme` to emulate; `both` (the default)
//           checks every page once in light and once in dark mode, since the
//           theme has a dark mode and contrast must hold in both.
// --widths  the viewport widths in CSS pixels to check each page at (default
//           390 and 1280: a phone and a wide screen lay the page out differently).
// --timeout navigation timeout per page in milliseconds (default 30000).
//
// Environment: CHROMIUM overrides the browser path (default /usr/bin/chromium).
// Playwright is used only to drive that browser: it never downloads one.
//
// Exit status: 0 no violation, 1 at least one violation, 2 setup failure
// (bad arguments, no browser, axe-core missing, a page that did not load).

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
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

class SetupError extends Error {}

function usage(message) {
  if (message) console.error(`axe.mjs: ${message}`);
  console.error('usage: node axe.mjs [--scheme=both|light|dark] [--widths=390,1280] [--timeout=MS] <url> [<url>...]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { schemes: ['light', 'dark'], widths: [390, 1280], timeout: 30000, urls: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') usage();
    const m = /^--(scheme|widths|timeout)(?:=(.*))?$/.exec(arg);
    if (m) {
      const value = m[2] ?? argv[++i];
      if (value === undefined) usage(`--${m[1]} needs a value`);
      if (m[1] === 'scheme') {
        if (value === 'both') opts.schemes = ['light', 'dark'];
        else if (value === 'light' || value === 'dark') opts.schemes = [value];
        else usage(`--scheme must be both, light or dark, not ${JSON.stringify(value)}`);
      } else if (m[1] === 'widths') {
        opts.widths = value.split(',').map(Number);
        if (opts.widths.some((w) => !Number.isInteger(w) || w < 200)) usage(`bad --widths ${JSON.stringify(value)}`);
      } else {
        opts.timeout = Number(value);
        if (!Number.isFinite(opts.timeout) || opts.timeout <= 0) usage(`bad --timeout ${JSON.stringify(value)}`);
      }
    } else if (arg.startsWith('--')) {
      usage(`unknown option ${arg}`);
    } else {
      opts.urls.push(arg);
    }
  }
  if (opts.urls.length === 0) usage('no URL given');
  return opts;
}

function describeNode(node) {
  const target = node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | ');
  // The first check message says why this element fails (e.g. the contrast ratio found).
  const checks = [...(node.any || []), ...(node.all || []), ...(node.none || [])];
  const why = checks.map((c) => c.message).filter(Boolean)[0];
  return why ? `${target}\n        ${why}` : target;
}

async function checkPage(context, axeSource, url, scheme, width, timeout) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const failedRequests = [];
  page.on('response', (res) => {
    if (res.status() >= 400) failedRequests.push(`${res.status()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    failedRequests.push(`${req.failure()?.errorText ?? 'failed'} ${req.url()}`);
  });
  try {
    await page.emulateMedia({ colorScheme: scheme });
    let response;
    try {
      response = await page.goto(url, { waitUntil: 'load', timeout });
    } catch (err) {
      throw new SetupError(`could not load ${url}: ${err.message.split('\n')[0]}`);
    }
    if (response && response.status() >= 400) {
      throw new SetupError(`${url} answered HTTP ${response.status()}`);
    }
    await page.evaluate(() => document.fonts && document.fonts.ready);
    // axe assumes a white canvas when neither <html> nor <body> has a
    // background colour, which is wrong for a page with `color-scheme: light
    // dark` in dark mode: the browser paints a dark canvas there (axe-core
    // issues #3605, #4608). Painting <html> with the system colour `Canvas`
    // changes nothing on screen and lets axe see the real background.
    const canvasPainted = await page.evaluate(() => {
      const transparent = (el) => {
        const c = getComputedStyle(el).backgroundColor;
        return c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
      };
      const html = document.documentElement;
      if (!transparent(html) || (document.body && !transparent(document.body))) return false;
      html.style.setProperty('background-color', 'Canvas');
      return getComputedStyle(html).backgroundColor;
    });
    await page.addScriptTag({ content: axeSource });
    const results = await page.evaluate(async (tags) => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
      return {
        version: r.testEngine && r.testEngine.version,
        passes: r.passes.length,
        incomplete: r.incomplete.map((v) => v.id),
        violations: r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target, any: n.any, all: n.all, none: n.none })),
        })),
      };
    }, TAGS);
    return { ...results, failedRequests, canvasPainted };
  } finally {
    await page.close().catch(() => {});
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(CHROMIUM)) {
    throw new SetupError(`no browser at ${CHROMIUM} (install: apt-get install chromium)`);
  }
  if (!existsSync(AXE_PATH)) {
    throw new SetupError(`axe-core not found at ${AXE_PATH} (run: cd tests/browser && npm ci)`);
  }
  const axeSource = readFileSync(AXE_PATH, 'utf8');

  const userDataDir = mkdtempSync(join(tmpdir(), 'forklar-axe-'));
  let context;
  let pagesWithViolations = 0;
  let checked = 0;
  try {
    try {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 900 },
      });
    } catch (err) {
      throw new SetupError(`could not start ${CHROMIUM}: ${err.message.split('\n')[0]}`);
    }
    const browserVersion = context.browser()?.version() ?? '?';
    let axeVersion;
    for (const url of opts.urls) {
      for (const scheme of opts.schemes) for (const width of opts.widths) {
        const r = await checkPage(context, axeSource, url, scheme, width, opts.timeout);
        if (!axeVersion) {
          axeVersion = r.version;
          console.log(`axe-core ${axeVersion} in Chromium ${browserVersion}; tags: ${TAGS.join(', ')}`);
        }
        checked++;
        const n = r.violations.length;
        const head = `${url} [${scheme} ${width}px]`;
        if (n === 0) {
          console.log(`ok   ${head}: no violations (${r.passes} rules passed)`);
        } else {
          pagesWithViolations++;
          console.log(`FAIL ${head}: ${n} violation${n === 1 ? '' : 's'}`);
          for (const v of r.violations) {
            console.log(`  ${v.id} (${v.impact}): ${v.help}`);
            console.log(`    ${v.helpUrl}`);
            for (const node of v.nodes) console.log(`    - ${describeNode(node)}`);
          }
        }
        if (r.incomplete.length > 0) {
          console.log(`     needs review by hand (axe could not decide): ${r.incomplete.join(', ')}`);
        }
        if (r.canvasPainted && r.canvasPainted !== 'rgb(255, 255, 255)') {
          console.log(`     note: the page sets no background colour; checked against the browser's canvas colour ${r.canvasPainted}`);
        }
        for (const f of r.failedRequests) {
          console.log(`     note: a request of this page failed: ${f}`);
        }
      }
    }
  } finally {
    if (context) await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  }
  console.log(`axe: ${checked} page check${checked === 1 ? '' : 's'}, ${pagesWithViolations} with violations`);
  return pagesWithViolations > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof SetupError) console.error(`axe.mjs: setup failure: ${err.message}`);
    else console.error('axe.mjs: setup failure:', err);
    process.exit(2);
  },
);
