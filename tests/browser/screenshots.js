#!/usr/bin/env node
// screenshots.js: screenshots of gazette pages in the machine's headless Chromium, driven by
// playwright-core (which never downloads a browser of its own).
//
// Usage: node screenshots.js --base http://127.0.0.1:PORT --out DIR NAME=PATH...
// Each page is taken at each width in WIDTHS (default 1280 and 360 CSS pixels) (a whole-page PNG, DIR/NAME-WIDTH.png).
// Prints one JSON array on stdout: {name, path, width, status, file, scrollWidth, clientWidth,
// fontSizePx}; scrollWidth is document.documentElement.scrollWidth (over the width means a
// horizontal scroll bar). Environment: CHROMIUM (default /usr/bin/chromium); WIDTHS, the widths
// in CSS pixels, comma-separated (default 1280,360: 360 is the narrowest common phone).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

function args() {
  const out = { pages: [] };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--base') out.base = argv[++i];
    else if (argv[i] === '--out') out.dir = argv[++i];
    else {
      const eq = argv[i].indexOf('=');
      if (eq < 1) throw new Error(`bad argument ${argv[i]} (NAME=PATH expected)`);
      out.pages.push({ name: argv[i].slice(0, eq), path: argv[i].slice(eq + 1) });
    }
  }
  if (!out.base || !out.dir || !out.pages.length) {
    throw new Error('usage: node screenshots.js --base URL --out DIR NAME=PATH...');
  }
  return out;
}

(async () => {
  const opt = args();
  fs.mkdirSync(opt.dir, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gazette-chromium-'));
  // A fresh profile directory for this run (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  const results = [];
  try {
    const page = context.pages()[0] || await context.newPage();
    const widths = (process.env.WIDTHS || '1280,360').split(',').map(Number);
    for (const width of widths) {
      await page.setViewportSize({ width, height: width < 800 ? 740 : 900 });
      for (const p of opt.pages) {
        const response = await page.goto(opt.base + p.path, { waitUntil: 'load', timeout: 20000 });
        const file = path.join(opt.dir, `${p.name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        const m = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          fontSizePx: parseFloat(getComputedStyle(document.body).fontSize),
        }));
        results.push({ name: p.name, path: p.path, width, status: response && response.status(),
          file, ...m });
      }
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(results) + '\n');
})().catch((e) => {
  process.stderr.write(`screenshots.js: ${e && e.stack || e}\n`);
  process.exit(1);
});
