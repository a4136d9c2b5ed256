// tests/browser/check.js -- the rendered site as a phone and a desktop see
// it, in headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core (package.json; `make deps` runs npm ci).
//
// usage: node tests/browser/check.js SITE_DIR
// Loads every page below SITE_DIR (but data/ and reports/) at 390 and 1280
// CSS px and checks, per issue 17:
//   - the page at 390 px is less than 3 times as tall as at 1280 px;
//   - nothing scrolls the page sideways (a wide table scrolls in its own
//     .scroll box);
//   - every chart text is 11 CSS px or more;
//   - no two chart texts overlap.
// Prints one line per failure, naming the page, the width and the element,
// then "checked N pages"; exits 1 on any failure, 2 when it cannot run (a
// test that cannot run fails, it never passes).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM = process.env.PODIUM_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];
const WIDTHS = [390, 1280];

function cannot(msg) {
  console.log(`cannot run: ${msg}`);
  process.exit(2);
}

function pages(dir, rel = '') {
  let out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!rel && (e.name === 'data' || e.name === 'reports' || e.name === 'assets')) continue;
      out = out.concat(pages(dir, r));
    } else if (e.name.endsWith('.html')) {
      out.push(r);
    }
  }
  return out.sort();
}

// Runs in the page: its height, what scrolls it sideways, and its charts.
function measure() {
  const doc = document.documentElement;
  const name = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let p = e.tagName.toLowerCase();
      if (e.id) p += `#${e.id}`;
      else if (e.classList.length) p += `.${[...e.classList].join('.')}`;
      parts.unshift(p);
    }
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${parts.join(' > ')}${text ? ` "${text}"` : ''}`;
  };
  const r = { height: doc.scrollHeight, wide: [], small: [], overlaps: [] };
  if (doc.scrollWidth > doc.clientWidth + 1) {
    // the outermost elements that reach past the window and are not
    // inside a box that scrolls on its own
    for (const el of document.body.querySelectorAll('*')) {
      const b = el.getBoundingClientRect();
      if (b.width === 0 || (b.right <= doc.clientWidth + 1 && b.left >= -1)) continue;
      let inner = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        const pb = p.getBoundingClientRect();
        if (ox !== 'visible' || pb.right > doc.clientWidth + 1 || pb.left < -1) { inner = true; break; }
      }
      if (!inner) r.wide.push(`${name(el)} (${Math.round(b.left)}..${Math.round(b.right)} px)`);
      if (r.wide.length >= 3) break;
    }
    if (!r.wide.length) r.wide.push(`the page is ${doc.scrollWidth} px wide`);
  }
  document.querySelectorAll('svg.chart').forEach((svg, k) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text')];
    const boxes = texts.map((t) => t.getBoundingClientRect());
    const label = (t) => `chart ${k + 1} text "${(t.firstChild && t.firstChild.nodeValue || '').slice(0, 40)}"`;
    texts.forEach((t) => {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 11) r.small.push(`${label(t)} is ${px.toFixed(1)} CSS px`);
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.width && b.width && a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
            a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
          r.overlaps.push(`${label(texts[i])} overlaps ${label(texts[j])}`);
      }
    }
  });
  return r;
}

async function main() {
  const site = process.argv[2];
  if (!site || !fs.existsSync(path.join(site, 'index.html'))) cannot(`no site at ${site}`);
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (e) {
    cannot('playwright-core is not installed (make deps runs npm ci)');
  }
  if (!fs.existsSync(CHROMIUM)) cannot(`${CHROMIUM} is missing (make deps installs chromium)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-chromium-'));
  let ctx;
  const failures = [];
  try {
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: FLAGS,
      viewport: { width: WIDTHS[0], height: 800 }, offline: true,
      timeout: 60000,
    });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    cannot(`chromium does not start: ${String(e.message).split('\n')[0]}`);
  }
  const list = pages(site);
  try {
    const page = await ctx.newPage();
    page.setDefaultTimeout(30000);
    for (const rel of list) {
      const url = 'file://' + path.resolve(site, rel);
      const seen = {};
      for (const w of WIDTHS) {
        await page.setViewportSize({ width: w, height: 800 });
        await page.goto(url, { waitUntil: 'load' });
        const m = await page.evaluate(measure);
        seen[w] = m.height;
        for (const x of m.wide) failures.push(`${rel} at ${w} px: scrolls sideways: ${x}`);
        for (const x of m.small) failures.push(`${rel} at ${w} px: ${x}`);
        for (const x of m.overlaps) failures.push(`${rel} at ${w} px: ${x}`);
      }
      if (seen[390] >= 3 * seen[1280])
        failures.push(`${rel}: ${seen[390]} px tall at 390 px, 3 times or more its ${seen[1280]} px at 1280 px`);
    }
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  for (const f of failures) console.log(f);
  console.log(`checked ${list.length} pages at ${WIDTHS.join(' and ')} px`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => cannot(String(e && e.stack || e)));
