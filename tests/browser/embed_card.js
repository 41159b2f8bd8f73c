#!/usr/bin/env node
// embed_card.js: an embed card in headless Chromium (playwright-core, the machine's chromium):
// the page asks nothing of any host but the site until the reader clicks the card's button;
// the click puts a youtube-nocookie.com player in the card. Requests off the site are recorded
// and refused (no network is used), and CSP violations are collected.
//
// Usage: node embed_card.js --base http://127.0.0.1:PORT --path /2022/03/post/
// Prints one JSON object: {status, button, before, after, iframe, cspViolations}; before/after
// are the URLs asked of other hosts before and after the click.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--base') out.base = argv[++i];
    else if (argv[i] === '--path') out.path = argv[++i];
    else throw new Error(`bad argument ${argv[i]}`);
  }
  if (!out.base || !out.path) throw new Error('usage: node embed_card.js --base URL --path PATH');
  return out;
}

(async () => {
  const opt = args();
  const origin = new URL(opt.base).origin;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gazette-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const result = { before: [], after: [], cspViolations: [] };
  let clicked = false;
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      (clicked ? result.after : result.before).push(url);
      return route.abort();
    });
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) result.cspViolations.push(m.text());
    });
    const response = await page.goto(opt.base + opt.path, { waitUntil: 'load', timeout: 20000 });
    result.status = response.status();
    const button = page.locator('figure.gazette-embed button.gazette-embed-play');
    result.button = (await button.count()) ? await button.first().textContent() : null;
    if (result.button) {
      clicked = true;
      await button.first().click();
      const frame = page.locator('figure.gazette-embed iframe');
      await frame.first().waitFor({ timeout: 5000 });
      result.iframe = await frame.first().getAttribute('src');
      await page.waitForTimeout(300); // let the frame's request reach the router
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result) + '\n');
})().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
