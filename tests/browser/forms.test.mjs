// A website's plain HTML form, served from its own origin on loopback, submitted by Chromium:
// the visitor lands on the thank-you URL, the entry shows on the customer's form entries page
// (in German, new ones marked) and in the CSV, the notification is in the outbox with the
// visitor as Reply-To, and a bot filling the honeypot leaves no trace but a spam count.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE,
  REPO,
  assertPage,
  heading,
  invitedCustomer,
  launch,
  narrowWindow,
  screenshot,
  t,
  unique,
} from './lib/portal.mjs';

const lang = 'de';
const PASSWORD = 'Drei Tassen Kaffee vor dem Frühstück';

function apiKey() {
  if (process.env.PORTAL_API_KEY) return process.env.PORTAL_API_KEY;
  const dataDir = process.env.PORTAL_DATA_DIR ?? join(REPO, '.portal-data');
  return readFileSync(join(dataDir, 'demo-api-key.txt'), 'utf8').trim();
}

async function staff(method, path, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The customer's website: a page with the form as the portal's snippet gives it. */
function website(snippets) {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    const page = (body) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Bäckerei</title></head><body>${body}</body></html>`);
    };
    if (path === '/danke.html') return page('<h1>Danke vom Bäcker</h1>');
    if (path === '/') return page('<h1>Bäckerei Schmidt</h1>');
    const snippet = snippets[path];
    if (snippet) return page(`<h1>Kontakt</h1>${snippet}`);
    response.writeHead(404);
    response.end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

let browser;
let page;
let site;
let siteUrl;
let customer;
let redirecting;
let thanking;
const visitor = `ada-${unique()}@visitor.example`;
const recipient = `info-${unique()}@baeckerei.example`;

before(async () => {
  browser = await launch();
  customer = await invitedCustomer(lang, 'Bäckerei Schmidt GmbH');
  const snippets = {};
  site = await website(snippets);
  siteUrl = `http://127.0.0.1:${site.address().port}`;
  redirecting = await staff('POST', `/forms?customerId=${customer.id}`, {
    name: 'Kontakt',
    allowedOrigins: [siteUrl],
    recipients: [recipient],
    redirectUrl: `${siteUrl}/danke.html`,
  });
  thanking = await staff('POST', `/forms?customerId=${customer.id}`, {
    name: 'Rückruf',
    allowedOrigins: [siteUrl],
    recipients: [],
    language: 'fr',
  });
  snippets['/kontakt.html'] = redirecting.snippets.html;
  snippets['/rueckruf.html'] = thanking.snippets.html;
  snippets['/fetch.html'] = redirecting.snippets.fetch;
  page = await narrowWindow(browser, lang);
});
after(async () => {
  await browser?.close();
  site?.close();
});

describe('a visitor on the website', () => {
  test('submits the plain form and lands on the thank-you URL', async () => {
    await page.goto(`${siteUrl}/kontakt.html`);
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(visitor);
    await page.getByLabel('Message').fill('Bitte rufen Sie mich an.\nDanke!');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`${siteUrl}/danke.html`);
    assert.equal(await heading(page), 'Danke vom Bäcker');
  });

  test('without a redirect URL sees the thank-you page in the form’s language, with a way back', async () => {
    await page.goto(`${siteUrl}/rueckruf.html`);
    await page.getByLabel('Name').fill('Grace');
    await page.getByLabel('Email').fill(`grace-${unique()}@visitor.example`);
    await page.getByLabel('Message').fill('Rappel svp');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`${BASE}/f/${thanking.id}`);
    assert.equal(await heading(page), t('fr', 'form-thanks-title'));
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await page.getByRole('link', { name: t('fr', 'form-back') }).click();
    // Chromium sends another site only its origin as Referer: back to the website's start.
    await page.waitForURL(`${siteUrl}/`);
  });

  test('with the fetch snippet stays on the page and reads the portal’s answer (CORS)', async () => {
    await page.goto(`${siteUrl}/fetch.html`);
    await page.getByLabel('Name').fill('Charles');
    await page.getByLabel('Email').fill(`charles-${unique()}@visitor.example`);
    await page.getByLabel('Message').fill('Per Skript gesendet');
    await page.getByRole('button', { name: 'Send' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: t(lang, 'form-accepted') }).waitFor();
    assert.equal(page.url(), `${siteUrl}/fetch.html`);
  });

  test('a bot filling the honeypot is answered like a person and leaves only a spam count', async () => {
    await page.goto(`${siteUrl}/kontakt.html`);
    await page.getByLabel('Name').fill('Bot');
    await page.getByLabel('Email').fill('bot@spam.example');
    await page.getByLabel('Message').fill('cheap pills');
    await page.evaluate(() => {
      document.querySelector('input[name=_gotcha]').value = 'http://spam.example';
    });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`${siteUrl}/danke.html`);
    const form = await staff('GET', `/forms/${redirecting.id}`);
    assert.deepEqual(form.counts, { entries: 2, spam: 1, refused: 0 });
  });
});

describe('the notification', () => {
  test('is in the outbox with the visitor as Reply-To', async () => {
    let mail;
    for (let i = 0; i < 50 && !mail; i += 1) {
      const { items } = await (await fetch(`${BASE}/_local/outbox`)).json();
      mail = items.find((m) => m.to === recipient);
      if (!mail) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(mail, 'an email to the form’s recipient');
    assert.equal(mail.replyTo, visitor);
    assert.equal(mail.subject, 'Neuer Eintrag: Kontakt');
    assert.match(mail.text, /Ada Lovelace/);
    assert.doesNotMatch(mail.text, /cheap pills/, 'nothing of the bot');
  });
});

describe('the customer’s form entries page', () => {
  let portalPage;

  before(async () => {
    portalPage = await narrowWindow(browser, lang);
    await portalPage.goto(customer.link);
    await portalPage.getByLabel(t(lang, 'page-label-new-password'), { exact: true }).fill(PASSWORD);
    await portalPage.getByRole('button', { name: t(lang, 'page-set-password-submit') }).click();
    await portalPage.waitForURL((url) => url.pathname === '/me');
    await portalPage.goto(`${BASE}/entries`);
  });

  test('shows the entries in German, the new ones marked, and no bot', async () => {
    await assertPage(portalPage, lang);
    assert.equal(await heading(portalPage), t(lang, 'page-entries-title'));
    const entries = portalPage.locator('article.entry');
    assert.equal(await entries.count(), 3);
    assert.match(await entries.first().innerText(), /Per Skript gesendet/);
    const ada = entries.filter({ hasText: 'Ada Lovelace' });
    assert.equal(await ada.locator('.badge').innerText(), t(lang, 'page-entries-new'));
    assert.match(await ada.innerText(), /Bitte rufen Sie mich an\./);
    assert.doesNotMatch(await portalPage.locator('main').innerText(), /cheap pills/);
    await screenshot(portalPage, 'form-entries');
  });

  test('filters by form', async () => {
    await portalPage.getByLabel(t(lang, 'page-entries-form'), { exact: true }).selectOption({ label: 'Kontakt' });
    await portalPage.getByRole('button', { name: t(lang, 'page-entries-filter') }).click();
    await portalPage.waitForURL((url) => url.searchParams.get('formId') === redirecting.id);
    assert.equal(await portalPage.locator('article.entry').count(), 2);
  });

  test('marks an entry read', async () => {
    const ada = portalPage.locator('article.entry').filter({ hasText: 'Ada Lovelace' });
    await ada.getByRole('button', { name: t(lang, 'page-entries-mark-read') }).click();
    await portalPage.waitForLoadState();
    const after = portalPage.locator('article.entry').filter({ hasText: 'Ada Lovelace' });
    assert.equal(await after.locator('.badge').count(), 0);
    assert.equal(
      await after.getByRole('button', { name: t(lang, 'page-entries-mark-unread') }).count(),
      1,
    );
  });

  test('downloads the CSV with the entry', async () => {
    const [download] = await Promise.all([
      portalPage.waitForEvent('download'),
      portalPage.getByRole('link', { name: t(lang, 'page-entries-csv') }).click(),
    ]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8');
    assert.ok(csv.startsWith('\uFEFF'), 'a byte order mark for Excel');
    assert.match(csv, /Ada Lovelace/);
    assert.match(csv, new RegExp(visitor.replace(/[.]/g, '\\.')));
  });

  test('deletes an entry', async () => {
    const ada = portalPage.locator('article.entry').filter({ hasText: 'Ada Lovelace' });
    await ada.getByRole('button', { name: t(lang, 'page-entries-delete') }).click();
    await portalPage.waitForURL((url) => url.searchParams.get('notice') === 'deleted');
    assert.equal(await portalPage.getByRole('status').innerText(), t(lang, 'page-entries-deleted'));
    assert.equal(await portalPage.locator('article.entry').filter({ hasText: 'Ada Lovelace' }).count(), 0);
  });
});
