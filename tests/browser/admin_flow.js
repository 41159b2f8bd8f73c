#!/usr/bin/env node
// admin_flow.js: the administration's main story in the machine's headless Chromium, driven by
// playwright-core (which never downloads a browser of its own): an editor signs in, writes and
// publishes a post; a reader (another browser context, no cookies) comments on it; the comment
// is held; the editor approves it from the queue; the reader sees it.
//
// Usage: node admin_flow.js --base http://127.0.0.1:PORT --out DIR --login LOGIN
//          --title TITLE --body MARKDOWN --author NAME --email EMAIL --comment TEXT
//          [--min-seconds N]
// The editor's password is read from the environment variable GAZETTE_ADMIN_PASSWORD (not argv).
// --min-seconds is the site's comments.min_seconds: the reader waits, as a person would, until
// the form's signed time stamp is that old before sending it (a wait on the clock, not a sleep).
//
// Screenshots (1280 CSS px wide, whole page) go to DIR: dashboard.png, editor.png (text filled
// in), queue.png (the held comment), and failure-STEP.png when a step fails.
// Prints one JSON object on stdout: {ok, failedStep, error, steps, ...facts}; exits 1 when a step
// failed (the JSON says which), 2 on bad arguments. Environment: CHROMIUM (default
// /usr/bin/chromium).
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const WIDTH = 1280;
const HEIGHT = 900;
const ACTION_TIMEOUT = 15000;   // ms for one click, fill or navigation
const EVENTUALLY = 10000;       // ms for a write to show on a public page (the page cache)

function args() {
  const out = { minSeconds: 0 };
  const names = { '--base': 'base', '--out': 'dir', '--login': 'login', '--title': 'title',
    '--body': 'body', '--author': 'author', '--email': 'email', '--comment': 'comment',
    '--min-seconds': 'minSeconds' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    out[key] = argv[++i];
  }
  out.minSeconds = Number(out.minSeconds);
  out.password = process.env.GAZETTE_ADMIN_PASSWORD;
  for (const k of ['base', 'dir', 'login', 'title', 'body', 'author', 'email', 'comment',
    'password']) {
    if (!out[k]) throw new Error(`missing ${k === 'password' ? 'GAZETTE_ADMIN_PASSWORD' : k}`);
  }
  return out;
}

function pathOf(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

(async () => {
  let opt;
  try {
    opt = args();
  } catch (e) {
    process.stderr.write(`admin_flow.js: ${e.message}\n`);
    process.exit(2);
  }
  fs.mkdirSync(opt.dir, { recursive: true });
  const summary = { ok: false, failedStep: null, error: null, steps: [], screenshots: {},
    consoleErrors: [], pageErrors: [], httpErrors: [] };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // One context per person: separate cookie jars, as two browsers on two machines.
  const newPage = async (who) => {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT },
      deviceScaleFactor: 1, baseURL: opt.base });
    context.setDefaultTimeout(ACTION_TIMEOUT);
    const page = await context.newPage();
    page.on('console', (m) => {
      const where = m.location() && m.location().url;
      // the browser asks for /favicon.ico by itself; the theme has no icon (not the page's error)
      if (m.type() === 'error' && !/\/favicon\.ico$/.test(where || '')) {
        summary.consoleErrors.push(`${who}: ${m.text()}${where ? ` (${where})` : ''}`);
      }
    });
    page.on('pageerror', (e) => summary.pageErrors.push(`${who}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !/\/favicon\.ico$/.test(r.url())) {
        summary.httpErrors.push(`${who}: ${r.status()} ${r.url()}`);
      }
    });
    return { context, page };
  };
  const editor = await newPage('editor');
  const reader = await newPage('reader');
  let current = editor.page;  // the page a failure screenshot is taken of

  async function shot(page, name) {
    const file = path.join(opt.dir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    const m = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    summary.screenshots[name] = { file, url: page.url(), ...m };
  }

  async function step(name, page, fn) {
    current = page;
    summary.steps.push(name);
    try {
      await fn();
    } catch (e) {
      e.step = e.step || name;
      throw e;
    }
  }

  // GETs `url` in `page` until ok(page, status) is true or EVENTUALLY ms pass; a running
  // server shows a write on its cached public pages within a moment, not at once.
  async function eventually(page, url, ok, what) {
    const deadline = Date.now() + EVENTUALLY;
    let last = '';
    for (let attempt = 1; ; attempt++) {
      const response = await page.goto(url, { waitUntil: 'load' });
      const status = response ? response.status() : 0;
      if (await ok(page, status)) return attempt;
      last = `HTTP ${status}`;
      if (Date.now() >= deadline) {
        throw new Error(`${what}: not seen within ${EVENTUALLY} ms at ${url} (last: ${last})`);
      }
      await page.waitForTimeout(100);  // the poll interval between reloads
    }
  }

  // Clicks a form's submit button and follows the POST's 303 to a page matching `target` (a URL
  // predicate). Any other answer (a form shown again with an error, a 4xx/5xx) fails at once
  // with the status and the page's error message rather than after a navigation timeout.
  async function submit(page, button, target, what) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' &&
        r.request().frame() === page.mainFrame()),
      button.click(),
    ]);
    if (response.status() !== 303) {
      await page.waitForLoadState('load');
      const shown = (await page.locator('.error, .form-error, [role=alert], .error-page h1')
        .allTextContents()).map((t) => t.trim()).filter(Boolean);
      if (!shown.length) shown.push(`title: ${await page.title()}`);
      throw new Error(`${what}: POST ${pathOf(response.url())} answered ${response.status()}, ` +
        `not a redirect (the page says: ${shown.join(' ')})`);
    }
    await page.waitForURL(target, { waitUntil: 'load' }).catch((e) => {
      throw new Error(`${what}: sent to ${page.url()}, not the expected page ` +
        `(${e.message.split('\n')[0]})`);
    });
  }

  try {
    const ep = editor.page;
    const rp = reader.page;

    await step('editor signs in', ep, async () => {
      const r = await ep.goto('/admin/login');
      check(r && r.status() === 200, `GET /admin/login answered ${r && r.status()}`);
      await ep.getByLabel('Login', { exact: true }).fill(opt.login);
      await ep.getByLabel('Password', { exact: true }).fill(opt.password);
      await submit(ep, ep.getByRole('button', { name: 'Sign in' }),
        (u) => u.pathname === '/admin/', 'signing in');
      const h1 = (await ep.locator('main h1').textContent() || '').trim();
      check(h1 === 'Dashboard', `the page after sign-in has <h1> ${JSON.stringify(h1)}`);
      const cookies = await editor.context.cookies();
      summary.editorCookies = cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly,
        sameSite: c.sameSite, secure: c.secure }));
      summary.dashboardUrl = pathOf(ep.url());
      await shot(ep, 'dashboard');
    });

    await step('editor writes the post', ep, async () => {
      await Promise.all([
        ep.waitForURL((u) => u.pathname === '/admin/posts/new'),
        ep.getByRole('navigation', { name: 'Administration' })
          .getByRole('link', { name: 'Write', exact: true }).click(),
      ]);
      await ep.getByLabel('Title', { exact: true }).fill(opt.title);
      await ep.getByLabel('Text (Markdown)').fill(opt.body);
      await ep.getByLabel('Status', { exact: true }).selectOption('publish');
      await ep.getByLabel('Comments', { exact: true }).selectOption('open');
      await shot(ep, 'editor');
    });

    await step('editor saves and publishes', ep, async () => {
      await submit(ep, ep.getByRole('button', { name: 'Save', exact: true }),
        (u) => /^\/admin\/posts\/\d+$/.test(u.pathname), 'saving the post');
      summary.postId = ep.url().match(/\/admin\/posts\/(\d+)/)[1];
      summary.saveNotice = ((await ep.locator('.notice').allTextContents()).join(' ')).trim();
      summary.savedStatus = ((await ep.locator('p.meta .status').textContent()) || '').trim();
      const view = ep.getByRole('link', { name: 'View the post', exact: true });
      check(await view.count() === 1, 'no "View the post" link after publishing');
      const href = await view.getAttribute('href');
      summary.postUrl = new URL(href, ep.url()).href;
      summary.postPath = new URL(summary.postUrl).pathname;
    });

    await step('reader opens the post', rp, async () => {
      summary.readerPostAttempts = await eventually(rp, summary.postUrl,
        async (page, status) => status === 200, 'the published post');
      summary.readerTitle = ((await rp.locator('h1.entry-title').textContent()) || '').trim();
      summary.readerEmphasis = await rp.locator('.entry-content em').allTextContents();
    });

    await step('reader comments', rp, async () => {
      const form = rp.locator('form#commentform');
      check(await form.count() === 1, 'no comment form (#commentform) on the post');
      await form.getByLabel('Comment', { exact: true }).fill(opt.comment);
      await form.getByLabel('Name', { exact: true }).fill(opt.author);
      await form.getByLabel('Email', { exact: true }).fill(opt.email);
      // The honeypot must be in the form but out of a person's sight: playwright's isVisible()
      // counts an element moved off the page as visible, so look at where its box is drawn.
      const honeypot = form.locator('input[name=subject]');
      summary.honeypotPresent = await honeypot.count() > 0;
      summary.honeypotVisible = summary.honeypotPresent && await honeypot.evaluate((input) => {
        for (let el = input; el && el !== document.body; el = el.parentElement) {
          const style = getComputedStyle(el);
          if (style.display === 'none' || style.visibility === 'hidden') return false;
          const r = el.getBoundingClientRect();
          if (r.width <= 1 || r.height <= 1 || r.right <= 0 || r.bottom <= 0) return false;
        }
        return true;
      });
      // A person takes a few seconds to write; the server refuses a form sent back sooner than
      // comments.min_seconds after its signed stamp ("SECONDS.MAC") was made.
      const stamp = form.locator('input[name=comment_stamp]');
      summary.stampPresent = await stamp.count() > 0;
      if (summary.stampPresent && opt.minSeconds > 0) {
        const made = Number((await stamp.getAttribute('value')).split('.')[0]);
        check(Number.isFinite(made) && made > 0, 'the comment form\'s time stamp is malformed');
        await rp.waitForFunction((due) => Date.now() >= due, (made + opt.minSeconds) * 1000 + 50,
          { timeout: (opt.minSeconds + 5) * 1000, polling: 100 });
      }
      await submit(rp, form.getByRole('button', { name: 'Post Comment' }),
        (u) => u.pathname === summary.postPath, 'sending the comment');
      summary.afterCommentUrl = pathOf(rp.url());
      const held = rp.locator('.comment-awaiting-moderation');
      await held.first().waitFor({ state: 'visible' }).catch(() => {
        throw new Error('no "awaiting moderation" message after sending the comment ' +
          `(at ${rp.url()})`);
      });
      summary.heldMessage = ((await held.first().textContent()) || '').trim();
      const mine = rp.locator('li.comment', { has: held });
      summary.heldCommentText = ((await mine.first().locator('.comment-content').textContent())
        || '').trim();
      summary.heldCommentAuthor = ((await mine.first().locator('.comment-author').textContent())
        || '').trim();
      summary.readerCookies = (await reader.context.cookies()).map((c) => c.name);
    });

    await step('reader\'s plain view hides the held comment', rp, async () => {
      const r = await rp.goto(summary.postUrl);
      check(r && r.status() === 200, `the post answered ${r && r.status()}`);
      summary.publicBeforeApproval = (await rp.locator('.comment-list').count()) > 0
        ? ((await rp.locator('.comment-list').textContent()) || '') : '';
    });

    await step('editor opens the queue', ep, async () => {
      await ep.goto('/admin/');
      const link = ep.getByRole('link', { name: /waiting for moderation/ });
      summary.dashboardPending = ((await link.locator('strong').textContent()) || '').trim();
      await Promise.all([
        ep.waitForURL((u) => u.pathname === '/admin/comments' &&
          u.searchParams.get('status') === 'pending'),
        link.click(),
      ]);
      const row = ep.locator('tbody tr', { hasText: opt.comment });
      await row.first().waitFor({ state: 'visible' }).catch(() => {
        throw new Error('the held comment is not in the queue at /admin/comments?status=pending');
      });
      summary.queueRows = await ep.locator('tbody tr').count();
      summary.queueAuthor = ((await row.first().locator('td strong').first().textContent()) ||
        '').trim();
      summary.queueText = ((await row.first().locator('.body').textContent()) || '').trim();
      summary.queueButtons = (await row.first().locator('.actions button').allTextContents())
        .map((s) => s.trim());
      await shot(ep, 'queue');
    });

    await step('editor approves', ep, async () => {
      const row = ep.locator('tbody tr', { hasText: opt.comment }).first();
      await submit(ep, row.getByRole('button', { name: 'Approve', exact: true }),
        (u) => u.pathname === '/admin/comments' && u.searchParams.get('done') === 'approved',
        'approving the comment');
      summary.approveNotice = ((await ep.locator('.notice').allTextContents()).join(' ')).trim();
      summary.afterApproveUrl = pathOf(ep.url());
      summary.queueStillHasComment =
        (await ep.locator('tbody tr', { hasText: opt.comment }).count()) > 0;
    });

    await step('reader sees the approved comment', rp, async () => {
      summary.readerFinalAttempts = await eventually(rp, summary.postUrl, async (page, status) =>
        status === 200 &&
        (await page.locator('.comment-list .comment-content', { hasText: opt.comment }).count())
          > 0, 'the approved comment on the public post');
      const li = rp.locator('li.comment', { hasText: opt.comment }).first();
      summary.finalCommentText = ((await li.locator('.comment-content').textContent()) || '')
        .trim();
      summary.finalCommentAuthor = ((await li.locator('.comment-author').textContent()) || '')
        .trim();
      summary.finalHeldMessages = await rp.locator('.comment-awaiting-moderation').count();
      summary.finalCommentsTitle = ((await rp.locator('.comments-title').allTextContents())
        .join(' ')).trim();
    });

    summary.ok = true;
  } catch (e) {
    summary.failedStep = e.step || summary.steps[summary.steps.length - 1] || 'start';
    summary.error = (e && e.message) || String(e);
    try {
      const name = `failure-${summary.failedStep.replace(/[^a-z0-9]+/gi, '-')}`;
      await shot(current, name);
    } catch (_) { /* the page itself may be gone */ }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(summary) + '\n');
  process.exit(summary.ok ? 0 : 1);
})().catch((e) => {
  process.stderr.write(`admin_flow.js: ${e && e.stack || e}\n`);
  process.exit(1);
});
