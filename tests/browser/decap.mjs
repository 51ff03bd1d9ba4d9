// Drives the real Decap CMS that `forklar cms` set up: opens /admin/ of a
// served site, logs in to the local backend (decap-server) and fills in
// forms as an editor would. Prints one JSON line with what happened.
//
//   node decap.mjs create SITE_URL      an article with every part the test reads
//   node decap.mjs no-speaker SITE_URL  a quote without a speaker, which must be refused
import { chromium } from 'playwright-core';

const [mode, site] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const outside = [];
page.on('request', (request) => {
  const url = new URL(request.url());
  if (!['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:') {
    outside.push(request.url());
  }
});
const errors = [];
page.on('pageerror', (err) => errors.push(String(err)));

async function shot(name) {
  if (process.env.DECAP_SHOTS) await page.screenshot({ path: `${process.env.DECAP_SHOTS}/${name}.png`, fullPage: true });
}

// Decap marks optional fields «(valgfritt)» after the label.
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A list keeps a hidden copy of its item's fields; only the visible ones count.
const field = (label) =>
  page.getByLabel(new RegExp(`^${escape(label)}( \\(valgfritt\\))?$`)).filter({ visible: true });

try {
  await page.goto(`${site}/admin/`);
  // The local backend's login page has one button.
  await page.getByRole('button').first().click({ timeout: 60000 });
  await page.waitForURL(/#\/collections/, { timeout: 60000 });
  await page.goto(`${site}/admin/#/collections/articles/new`);
  await field('Tittel').first().waitFor({ timeout: 60000 });
  await shot('1-new');

  const add = async (heading) => {
    // nb_no has no words of its own for the list button; Decap falls back to English.
    await page.getByRole('button', { name: new RegExp(`^(Add|Legg til) ${escape(heading)}$`, 'i') }).first().click();
  };
  if (mode === 'create') {
    await field('Tittel').first().fill('Hva skjedde med CSTO?');
    await field('Ingress').first().fill('Alliansen sendte soldater for første gang.');
    await field('Utkast').first().click();
    await add('Tidslinje');
    await field('Dato').last().fill('2022-01-06');
    await field('Hva skjedde').last().fill('CSTO sender styrker');
    await add('Dette sier de');
    await field('Sitat').last().fill('Dette er en historisk beslutning.');
    await field('Hvem sa det').last().fill('Helge Blakkisrud');
    await field('Kilde').last().fill('NRK');
    const background = field('Bakgrunn').first();
    await background.click();
    await background.pressSequentially('CSTO');
    await page.getByRole('option', { name: 'CSTO' }).first().click();
    const body = page.locator('[data-slate-editor="true"]').last();
    await body.click();
    await page.keyboard.type('Brødteksten skrevet i CMS-et.');
  } else {
    await field('Tittel').first().fill('Sitat uten navn');
    await add('Dette sier de');
    await field('Sitat').last().fill('Ord uten opphav.');
    await field('Kilde').last().fill('NRK');
  }
  await shot('2-filled');
  await page.getByRole('button', { name: /^Publiser/ }).first().click();
  await page.getByText(/Publiser nå/).first().click();
  await page.waitForTimeout(3000);
  await shot('3-published');
  const refused = await page.getByText(/påkrevd/i).allInnerTexts();
  console.log(JSON.stringify({ mode, url: page.url(), refused, outside, errors }));
} catch (err) {
  await shot('error');
  console.log(JSON.stringify({ mode, failure: String(err), url: page.url(), outside, errors }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
