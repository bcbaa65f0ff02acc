// Browser end-to-end test of the classroom page, run by tests/serve_browser.rs:
//
//   node tests/e2e/classroom.mjs http://127.0.0.1:PORT/ OUTDIR
//
// Drives Debian's Chromium (/usr/bin/chromium, or $POVSIM_CHROMIUM) headless through
// playwright-core, as a student would: moves a slider, presses Run, waits for months to pass,
// checks that the charts and the village view changed, opens a household's story, refuses a
// bad world size, runs A/B mode. Screenshots go to OUTDIR. Exits 0 on success, 1 on failure
// (with OUTDIR/failure.png).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error('usage: node classroom.mjs URL OUTDIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const step = (text) => console.log(`ok: ${text}`);
function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.POVSIM_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Without the networking flags Chromium keeps trying hosts this closed network refuses.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
const problems = [];
const outside = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  // The one 400 this test provokes on purpose (a bad world size) is logged by Chromium too.
  if (m.type() === 'error' && !m.text().includes('status of 400')) problems.push(`console error: ${m.text()}`);
});
page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) outside.push(r.url()); });

const byId = (id) => page.locator(`[id="${id}"]`);
const monthsDone = () => page.evaluate(() => Number(document.body.dataset.month || 0));
const gridPicture = () => page.evaluate(() => Array.from(document.querySelectorAll('canvas.grid')).map((c) => c.toDataURL()).join('|'));
const points = (selector) => page.evaluate((sel) => {
  const line = document.querySelector(sel);
  return line ? line.getAttribute('points').trim().split(/\s+/).length : 0;
}, selector);

// A message floats over the page for a few seconds; a click closes it (as before a screenshot).
async function closeNotice() {
  if (await page.locator('#notice').isVisible()) await page.click('#notice');
}

async function waitMonths(n) {
  await page.waitForFunction((m) => Number(document.body.dataset.month) >= m, n, { timeout: 90_000 });
}

async function runUntil(n) {
  await page.click('#run');
  await waitMonths(n);
  await page.click('#pause');
  // Let the request in flight land.
  await page.waitForTimeout(600);
}

try {
  await page.goto(url);
  await page.waitForSelector('body.ready', { timeout: 30_000 });
  check((await page.textContent('#month')).trim() === '2014-01', 'the page starts at 2014-01');
  check(await page.locator('canvas.grid').count() === 20, 'twenty villages by default');
  step('page loaded: 2014-01, twenty villages');

  // A smaller world for speed, typed as a teacher would.
  const sizeBefore = await page.textContent('.village-sub');
  await byId('world-population.households_per_village').fill('100');
  await byId('world-population.households_per_village').press('Enter');
  await page.waitForFunction((before) => document.querySelector('.village-sub').textContent !== before, sizeBefore, { timeout: 10_000 });

  // A bad world size is refused, naming the parameter and its range.
  await byId('world-population.villages').fill('99');
  await byId('world-population.villages').press('Enter');
  const error = page.locator('.lever.has-error .error');
  await error.waitFor({ timeout: 10_000 });
  const errorText = await error.textContent();
  check(errorText.includes('population.villages') && errorText.includes('[1, 40]'), `the refusal names the range: ${errorText}`);
  step(`a bad world size is refused: "${errorText}"`);
  await byId('world-population.villages').fill('12');
  await byId('world-population.villages').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('canvas.grid').length === 12, null, { timeout: 10_000 });
  check(await page.locator('.lever.has-error').count() === 0, 'the error clears once the value is good');
  step('world of 12 villages');

  const startGrid = await gridPicture();

  // Move the admin-burden slider with the keyboard: 0.50 -> 0.20.
  const slider = byId('lever-a-cadres.admin_burden');
  await slider.focus();
  for (let k = 0; k < 6; k += 1) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('[id="lever-a-cadres.admin_burden"]').nextElementSibling.textContent === '0.20');
  await page.locator('#notice', { hasText: 'Levers changed' }).waitFor({ timeout: 10_000 });
  step('admin burden slider moved to 0.20; the world restarted');

  // Fastest speed, then Run.
  await page.locator('#speed').focus();
  await page.keyboard.press('End');
  check((await page.textContent('#speed-out')).includes('24'), 'speed at 24 months/s');
  await runUntil(30);
  const label = (await page.textContent('#month')).trim();
  check(/^20(1[5-9]|2\d)-\d\d$/.test(label), `the month moved on: ${label}`);
  const registered = await points('#chart-poor polyline.line-registered');
  const relapses = await points('#chart-exits polyline.line-relapses_cum');
  const enthusiasm = await points('#chart-cadres polyline.line-mean_enthusiasm');
  check(registered >= 30 && relapses >= 30 && enthusiasm >= 18, `charts have a point per month (secretaries from 2015) (${registered}, ${relapses}, ${enthusiasm})`);
  check(await gridPicture() !== startGrid, 'the village view changed');
  check(await page.locator('.secretary .background').count() === 12, 'every village shows its secretary');
  step(`ran to ${label}: charts drawn (${registered} points), village grids changed, secretaries shown`);

  // Click a household that has exited (green), or the first one: its story opens.
  const cols = 15; const cell = 8;
  const exited = await page.evaluate(() => {
    const legend = Array.from(document.querySelectorAll('#legend .item')).map((i) => i.dataset.status);
    const code = String(legend.indexOf('exited'));
    const canvases = document.querySelectorAll('canvas.grid');
    // The page's own state holds the status digits of each village.
    const villages = app.view.sides[0].villages;
    for (let v = 0; v < villages.length; v += 1) {
      const h = villages[v].status.indexOf(code);
      if (h >= 0 && canvases[v]) return { v, h };
    }
    return { v: 0, h: 0 };
  });
  await page.locator('canvas.grid').nth(exited.v).click({ position: { x: (exited.h % cols) * cell + 3, y: Math.floor(exited.h / cols) * cell + 3 } });
  await page.locator('#story table.events tbody tr').first().waitFor({ timeout: 20_000 });
  const storyText = await page.textContent('#story');
  check(storyText.includes('new secretary'), 'the story tells of the new secretary');
  check(storyText.includes('exited poverty'), 'the story of an exited household tells of its exit');
  check((await page.textContent('#story-title')).includes(`Household ${exited.h}, village ${exited.v}`), 'the story is of the clicked household');
  check(await page.locator('#story svg.spark polyline').count() === 2, 'the story draws income and line');
  await closeNotice();
  await page.screenshot({ path: join(outDir, 'classroom-story.png') });
  step(`household ${exited.h} of village ${exited.v} (exited): story opened`);
  await page.click('#story-close');
  await closeNotice();
  await page.screenshot({ path: join(outDir, 'classroom.png'), fullPage: true });

  // A/B mode: B starts as A; move B's admin burden up; same luck, one change.
  await page.check('#ab');
  await page.waitForFunction(() => document.querySelectorAll('canvas.grid[data-side="b"]').length === 12, null, { timeout: 10_000 });
  const sliderB = byId('lever-b-cadres.admin_burden');
  await sliderB.focus();
  for (let k = 0; k < 12; k += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[id="lever-b-cadres.admin_burden"]').nextElementSibling.textContent === '0.80');
  await page.locator('.lever.differs[data-key="cadres.admin_burden"]').waitFor();
  await page.waitForFunction(() => Number(document.body.dataset.month) === 0, null, { timeout: 10_000 });
  await runUntil(60);
  const lineA = await page.getAttribute('#chart-poor polyline.line-truly_poor.side-A', 'points');
  const lineB = await page.getAttribute('#chart-poor polyline.line-truly_poor.side-B', 'points');
  check(lineA && lineB && lineA !== lineB, 'side B differs from side A');
  step(`A/B mode ran to ${(await page.textContent('#month')).trim()}: side B (admin burden 0.80) differs from side A (0.20)`);
  await closeNotice();
  await page.screenshot({ path: join(outDir, 'classroom-ab.png'), fullPage: true });

  check(outside.length === 0, `requests left the server: ${outside.join(', ')}`);
  check(problems.length === 0, problems.join('\n'));
  step('no page errors, no requests outside the server');
  console.log(`screenshots: ${join(outDir, 'classroom.png')}, classroom-story.png, classroom-ab.png`);
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`FAILED: ${e.message}`);
  if (problems.length) console.error(problems.join('\n'));
  try { await page.screenshot({ path: join(outDir, 'failure.png'), fullPage: true }); } catch (_) { /* ignore */ }
  await browser.close();
  process.exit(1);
}
