// tests/browser/validate.js -- rendered sites through the Nu Html Checker
// and axe-core (issue 17).
//
// usage: node tests/browser/validate.js SITE_DIR...
//   - vnu-jar (npm, run by the system's java): every HTML file of every
//     site, in one JVM (--skip-non-html --errors-only): 0 errors;
//   - axe-core (npm) injected through playwright-core into Debian's
//     chromium: one page of each kind (index.html, overview, run list,
//     run, a run with a chart, environment, leaderboard, comparison,
//     study, model, Pareto, course page) per language of each site, in light and dark colour
//     schemes: 0 violations of any impact.
// Prints one line per failure naming the page and the element (vnu: line,
// column and the markup; axe: the rule and the element's selector), then
// "validated N files, M pages with axe"; exits 1 on any failure, 2 when it
// cannot run (a test that cannot run fails, it never passes).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const CHROMIUM = process.env.PODIUM_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];
// the page kinds, by the folder their pages are in ('' : the language's
// own pages: the overview and course pages)
const KINDS = ['runs', 'envs', 'leaderboards', 'compare', 'study', 'models', 'pareto'];

function cannot(msg) {
  console.log(`cannot run: ${msg}`);
  process.exit(2);
}

function htmlFiles(dir, rel = '') {
  let out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out = out.concat(htmlFiles(dir, r));
    else if (e.name.endsWith('.html')) out.push(r);
  }
  return out.sort();
}

// One page of each kind per language: the chooser, each language's
// overview, run list and first course page, and the first page of each
// folder of KINDS.
function axePages(site) {
  const out = ['index.html'];
  for (const lang of fs.readdirSync(site).sort()) {
    const dir = path.join(site, lang);
    if (!fs.existsSync(path.join(dir, 'index.html')) || lang === 'assets') continue;
    out.push(`${lang}/index.html`);
    const course = fs.readdirSync(dir).filter((f) => f.endsWith('.html') && f !== 'index.html').sort();
    if (course.length) out.push(`${lang}/${course[0]}`);
    for (const k of KINDS) {
      if (!fs.existsSync(path.join(dir, k))) continue;
      const files = fs.readdirSync(path.join(dir, k)).filter((f) => f.endsWith('.html')).sort();
      if (k === 'runs' && files.includes('index.html')) out.push(`${lang}/runs/index.html`);
      const first = files.find((f) => f !== 'index.html');
      if (first) out.push(`${lang}/${k}/${first}`);
      // and a run page with a chart (a training log's, a tracker's curve)
      const chart = k === 'runs' && files.find((f) => f !== 'index.html' &&
        fs.readFileSync(path.join(dir, k, f), 'utf8').includes('<svg'));
      if (chart && chart !== first) out.push(`${lang}/${k}/${chart}`);
    }
  }
  return out;
}

function vnu(sites) {
  let jar;
  try {
    jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  } catch (e) {
    cannot('vnu-jar is not installed (make deps runs npm ci)');
  }
  const r = spawnSync('java', ['-Xss4m', '-jar', jar, '--skip-non-html', '--errors-only',
    '--format', 'json', ...sites], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) cannot(`java does not run (make deps installs default-jre-headless): ${r.error.message}`);
  let report;
  try {
    report = JSON.parse(r.stderr);
  } catch (e) {
    cannot(`vnu printed no report (status ${r.status}): ${String(r.stderr).slice(0, 300)}`);
  }
  const failures = [];
  for (const m of report.messages || []) {
    if (m.type !== 'error' && m.subType !== 'fatal') continue;
    let page = String(m.url || '').replace(/^file:/, '');
    for (const s of sites) {
      const abs = path.resolve(s) + '/';
      if (page.startsWith(abs)) page = path.join(path.basename(s), page.slice(abs.length));
    }
    const extract = (m.extract || '').replace(/\s+/g, ' ').slice(0, 120);
    failures.push(`${page}:${m.lastLine || '?'}:${m.firstColumn || m.lastColumn || '?'}: vnu: ${m.message}${extract ? ` in "${extract}"` : ''}`);
  }
  return failures;
}

async function axe(sites) {
  let chromium, source;
  try {
    ({ chromium } = require('playwright-core'));
    source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch (e) {
    cannot('playwright-core or axe-core is not installed (make deps runs npm ci)');
  }
  if (!fs.existsSync(CHROMIUM)) cannot(`${CHROMIUM} is missing (make deps installs chromium)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-chromium-'));
  const failures = [];
  let ctx, n = 0;
  try {
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: FLAGS,
      viewport: { width: 1280, height: 800 }, offline: true, timeout: 60000,
    });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    cannot(`chromium does not start: ${String(e.message).split('\n')[0]}`);
  }
  try {
    const page = await ctx.newPage();
    page.setDefaultTimeout(60000);
    for (const site of sites) {
      for (const rel of axePages(site)) {
        const url = 'file://' + path.resolve(site, rel);
        for (const scheme of ['light', 'dark']) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.goto(url, { waitUntil: 'load' });
          await page.evaluate(source);
          const v = await page.evaluate(() => window.axe.run(document, {
            resultTypes: ['violations'],
          }).then((r) => r.violations.map((x) => ({
            id: x.id, impact: x.impact, help: x.help,
            nodes: x.nodes.slice(0, 3).map((nd) => ({
              target: nd.target.join(' '),
              html: nd.html.replace(/\s+/g, ' ').slice(0, 100),
              summary: (nd.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160),
            })),
            more: x.nodes.length - 3,
          }))));
          n++;
          for (const x of v)
            for (const nd of x.nodes)
              failures.push(`${path.basename(site)}/${rel} (${scheme}): axe ${x.id} (${x.impact}): ${x.help}: ${nd.target} ${nd.html}${nd.summary ? ` -- ${nd.summary}` : ''}${x.more > 0 ? ` (and ${x.more} more)` : ''}`);
        }
      }
    }
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return { failures, n };
}

async function main() {
  const sites = process.argv.slice(2);
  if (!sites.length) cannot('no site given');
  for (const s of sites)
    if (!fs.existsSync(path.join(s, 'index.html'))) cannot(`no site at ${s}`);
  const files = sites.reduce((k, s) => k + htmlFiles(s).length, 0);
  const failures = vnu(sites);
  const a = await axe(sites);
  for (const f of failures.concat(a.failures)) console.log(f);
  console.log(`validated ${files} files, ${a.n} pages with axe`);
  process.exit(failures.length || a.failures.length ? 1 : 0);
}

main().catch((e) => cannot(String(e && e.stack || e)));
