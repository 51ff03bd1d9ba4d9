#!/usr/bin/env node
// Checks `forklar serve`'s live reload in the Debian Chromium (/usr/bin/chromium).
//
//   node reload.mjs <article-url> <content-file> [<name-in-overlay>]
//
// Opens <article-url> (served by `forklar serve`, whose source is <content-file>),
// waits until the page's EventSource is connected, then, from here:
//
//   1. appends a sentence to <content-file> and waits until the page shows it,
//      reloaded by the injected script alone (this script never reloads);
//   2. breaks the front matter (an unterminated title string) and waits until
//      the overlay #forklar-build-error is visible and names the file;
//   3. fixes it with another sentence and waits until the overlay is gone and
//      the new sentence is shown.
//
// <name-in-overlay> is what the overlay must contain (default: the file's name).
// Environment: CHROMIUM overrides the browser path; STEP_TIMEOUT (ms, default
// 10000) bounds each wait. The content file is left with the last good text.
//
// Exit status: 0 success, 1 live reload misbehaved, 2 setup failure.

import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

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
const STEP_TIMEOUT = Number(process.env.STEP_TIMEOUT || 10000);
const EVENTS_PATH = '/__forklar/events';

class SetupError extends Error {}
class Failure extends Error {}

const started = Date.now();
const log = (msg) => console.log(`[${String(Date.now() - started).padStart(6)} ms] ${msg}`);

function usage(message) {
  if (message) console.error(`reload.mjs: ${message}`);
  console.error('usage: node reload.mjs <article-url> <content-file> [<name-in-overlay>]');
  process.exit(2);
}

// Wraps EventSource before any page script runs, so this script can tell when
// the page's live-reload connection is open. Runs again on every reload.
function recordEventSources() {
  const Original = window.EventSource;
  window.__forklarSources = [];
  window.EventSource = class extends Original {
    constructor(...args) {
      super(...args);
      window.__forklarSources.push(this);
    }
  };
}

async function main() {
  const [url, file, name = basename(process.argv[3] || '')] = process.argv.slice(2);
  if (!url || !file) usage('an URL and a content file are needed');
  if (!existsSync(file)) throw new SetupError(`${file} does not exist`);
  if (!existsSync(CHROMIUM)) throw new SetupError(`${CHROMIUM} not found (set CHROMIUM)`);
  const original = readFileSync(file, 'utf8');
  if (!/^title = ".*"$/m.test(original)) {
    throw new SetupError(`${file} has no title = "…" line to break`);
  }

  const profile = mkdtempSync(join(tmpdir(), 'forklar-reload-'));
  let context;
  try {
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
      });
    } catch (err) {
      throw new SetupError(`cannot start ${CHROMIUM}: ${err.message}`);
    }
    const page = context.pages()[0] || (await context.newPage());
    await page.addInitScript(recordEventSources);
    page.on('pageerror', (err) => log(`page error: ${err.message}`));
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });

    const response = await page.goto(url, { waitUntil: 'load', timeout: 30000 }).catch((err) => {
      throw new SetupError(`cannot open ${url}: ${err.message}`);
    });
    if (!response || response.status() !== 200) {
      throw new SetupError(`${url} answered ${response ? response.status() : 'nothing'}`);
    }

    const connected = async (step) => {
      try {
        await page.waitForFunction(
          (path) =>
            (window.__forklarSources || []).some(
              (s) => s.readyState === 1 && new URL(s.url).pathname === path,
            ),
          EVENTS_PATH,
          { timeout: STEP_TIMEOUT, polling: 50 },
        );
      } catch {
        throw new Failure(`${step}: the page's EventSource to ${EVENTS_PATH} did not connect`);
      }
    };
    const bodyText = () => page.evaluate(() => document.body.innerText);
    const waitFor = async (step, fn, arg) => {
      try {
        await page.waitForFunction(fn, arg, { timeout: STEP_TIMEOUT, polling: 50 });
      } catch {
        let text = '';
        try {
          text = await bodyText();
        } catch {}
        throw new Failure(`${step} within ${STEP_TIMEOUT} ms; the page reads:\n${text}`);
      }
    };

    await connected('after loading');
    log(`loaded ${url}, live reload connected`);

    // 1. A good save.
    const first = 'Første nye setning fra nettlesertesten.';
    await page.evaluate(() => {
      window.__forklarMark = 'not reloaded';
    });
    const beforeSave = navigations;
    const good1 = `${original.trimEnd()}\n\n${first}\n`;
    writeFileSync(file, good1);
    log('saved a new sentence');
    await waitFor(
      'the page did not show the new sentence',
      (s) => document.body && document.body.innerText.includes(s),
      first,
    );
    const reloaded = await page.evaluate(() => window.__forklarMark === undefined);
    if (!reloaded || navigations === beforeSave) {
      throw new Failure('the new sentence appeared without a page reload');
    }
    log('the page reloaded by itself and shows the new sentence');
    await connected('after the reload');

    // 2. A broken save.
    writeFileSync(file, good1.replace(/^title = "(.*)"$/m, 'title = "$1'));
    log('saved broken front matter');
    await waitFor(
      'the error overlay #forklar-build-error did not appear with the file name',
      (n) => {
        const o = document.getElementById('forklar-build-error');
        if (!o) return false;
        const r = o.getBoundingClientRect();
        const style = getComputedStyle(o);
        return (
          r.width > 0 &&
          r.height > 0 &&
          style.visibility !== 'hidden' &&
          style.display !== 'none' &&
          o.getAttribute('role') === 'alertdialog' &&
          o.textContent.includes(n)
        );
      },
      name,
    );
    const overlay = await page.evaluate(
      () => document.getElementById('forklar-build-error').innerText,
    );
    log(`the overlay shows: ${overlay.replace(/\s+/g, ' ').trim()}`);
    if (!(await bodyText()).includes(first)) {
      throw new Failure('the page behind the overlay lost the last good text');
    }

    // 3. The fix.
    const second = 'Andre nye setning etter rettingen.';
    writeFileSync(file, `${good1.trimEnd()}\n\n${second}\n`);
    log('saved the fix');
    await waitFor(
      'the overlay did not go away with the fixed text shown',
      (s) =>
        !document.getElementById('forklar-build-error') &&
        document.body &&
        document.body.innerText.includes(s),
      second,
    );
    log('the overlay is gone and the fixed text is shown');
    console.log('ok live reload, error overlay and recovery work in Chromium');
    return 0;
  } finally {
    if (context) await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof Failure) {
      console.error(`FAIL ${err.message}`);
      process.exit(1);
    }
    console.error(`reload.mjs: ${err instanceof SetupError ? err.message : err.stack || err}`);
    process.exit(2);
  },
);
