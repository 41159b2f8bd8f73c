#!/usr/bin/env node
// media_flow.js: the media library in the machine's headless Chromium (playwright-core): an
// author signs in, drops a text file named .jpg on the upload area (the form shows the refusal
// without leaving the page), types the alt text and drops an image (it is sent, with progress,
// and the browser lands on the new media's page), then inserts the image's Markdown into the
// post editor at the cursor with the Insert button.
//
// Usage: node media_flow.js --base http://127.0.0.1:PORT --out DIR --login LOGIN --image FILE
//          --alt TEXT
// The password is read from GAZETTE_ADMIN_PASSWORD. Whole-page screenshots go to DIR:
// library-1280.png, library-390.png (after the upload), media-1280.png, media-390.png,
// editor-390.png, and failure.png when a step fails. Prints one JSON object: {ok, failedStep,
// error, mediaPath, markdown, refusal, body, pageErrors, consoleErrors, screenshots}; exits 1
// when a step failed, 2 on bad arguments. Environment: CHROMIUM (default /usr/bin/chromium).
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const TIMEOUT = 15000;

function args() {
  const out = {};
  const names = { '--base': 'base', '--out': 'dir', '--login': 'login', '--image': 'image',
    '--alt': 'alt' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    out[key] = argv[++i];
  }
  out.password = process.env.GAZETTE_ADMIN_PASSWORD;
  for (const k of ['base', 'dir', 'login', 'image', 'alt', 'password']) {
    if (!out[k]) throw new Error(`missing ${k}`);
  }
  return out;
}

// Drops a file (name, type, base64 bytes) on the element `selector`, as a person dragging it
// from their desktop: dragenter, dragover, drop with a DataTransfer that holds it.
async function dropFile(page, selector, name, type, base64) {
  await page.evaluate(({ selector, name, type, base64 }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], name, { type }));
    const target = document.querySelector(selector);
    for (const kind of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(kind, { bubbles: true, cancelable: true,
        dataTransfer: data }));
    }
  }, { selector, name, type, base64 });
}

(async () => {
  let opt;
  try {
    opt = args();
  } catch (e) {
    process.stderr.write(`media_flow.js: ${e.message}\n`);
    process.exit(2);
  }
  fs.mkdirSync(opt.dir, { recursive: true });
  const summary = { ok: false, failedStep: null, error: null, pageErrors: [], consoleErrors: [],
    screenshots: {} };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1, baseURL: opt.base });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => summary.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location().url || '')) {
      summary.consoleErrors.push(m.text());
    }
  });
  const shot = async (name, width) => {
    await page.setViewportSize({ width, height: width < 800 ? 740 : 900 });
    const file = path.join(opt.dir, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    summary.screenshots[`${name}-${width}`] = { file, scrollWidth: await page.evaluate(
      () => document.documentElement.scrollWidth) };
    await page.setViewportSize({ width: 1280, height: 900 });
  };
  let step = 'sign in';
  try {
    await page.goto('/admin/login');
    await page.fill('#login', opt.login);
    await page.fill('#password', opt.password);
    await Promise.all([page.waitForURL('**/admin/'), page.click('button[type=submit]')]);

    step = 'drop a text file named .jpg';
    await page.goto('/admin/media');
    await page.fill('#alt', opt.alt);
    await dropFile(page, '#drop-zone', 'notes.jpg', 'image/jpeg',
      Buffer.from('Only words, no picture.\n').toString('base64'));
    await page.waitForFunction(() => /not of a kind/.test(
      document.querySelector('.upload-progress').textContent));
    summary.refusal = await page.textContent('.upload-progress');
    if (!/\/admin\/media$/.test(page.url())) throw new Error(`left the page: ${page.url()}`);

    step = 'drop an image';
    const image = fs.readFileSync(opt.image).toString('base64');
    await Promise.all([
      page.waitForURL(/\/admin\/media\/\d+\?done=uploaded$/),
      dropFile(page, '#drop-zone', path.basename(opt.image), 'image/jpeg', image),
    ]);
    summary.mediaPath = new URL(page.url()).pathname;
    summary.markdown = await page.inputValue('#markdown');
    await shot('media', 1280);
    await shot('media', 390);
    await page.goto('/admin/media');
    await shot('library', 1280);
    await shot('library', 390);

    step = 'insert into a post';
    await page.goto('/admin/posts/new');
    await page.fill('#body', 'Before the picture.');
    await page.evaluate(() => {
      const body = document.getElementById('body');
      body.selectionStart = body.selectionEnd = body.value.length;
    });
    const id = summary.mediaPath.split('/').pop();
    await page.click(`button[data-insert="insert-${id}"]`);
    summary.body = await page.inputValue('#body');
    await shot('editor', 390);
    summary.ok = true;
  } catch (e) {
    summary.failedStep = step;
    summary.error = String(e && e.message || e);
    try {
      await page.screenshot({ path: path.join(opt.dir, 'failure.png'), fullPage: true });
    } catch (ignored) { /* the page may be gone */ }
  }
  await browser.close();
  process.stdout.write(JSON.stringify(summary) + '\n');
  process.exit(summary.ok ? 0 : 1);
})();
