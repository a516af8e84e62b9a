// The portal's home and the start page in a real browser, in two languages: a visitor is
// sent to log in; an invited customer sets a password, lands where the invitation pointed,
// finds the start page for "preparation" with the shared navigation, and switches language.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  assertPage,
  heading,
  launch,
  linkFromOutbox,
  narrowWindow,
  screenshot,
  t,
  unique,
} from './lib/portal.mjs';

async function staff(method, path, body) {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { REPO } = await import('./lib/portal.mjs');
  const key =
    process.env.PORTAL_API_KEY ??
    readFileSync(join(process.env.PORTAL_DATA_DIR ?? join(REPO, '.portal-data'), 'demo-api-key.txt'), 'utf8').trim();
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const [lang, other] of [['de', 'en'], ['sv', 'fr']]) {
  describe(`the start page in ${lang}`, () => {
    let page;
    let link;
    let id;
    before(async () => {
      const loginEmail = `start-${lang}-${unique()}@browser.example`;
      const customer = await staff('POST', '/customers', {
        companyName: `Start ${lang.toUpperCase()} AB`,
        loginEmail,
        language: lang,
      });
      id = customer.id;
      await staff('POST', `/customers/${id}/invitations`, { channels: ['email'], area: 'start' });
      link = await linkFromOutbox(loginEmail, '/invite/');
      page = await narrowWindow(browser, lang);
    });
    after(async () => {
      await page?.context().close();
    });

    test('the home sends a visitor to log in', async () => {
      await page.goto(`${BASE}/`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/start');
      await screenshot(page, `${lang}-home-logged-out`);
    });

    test('after setting the password the customer lands on the start page', async () => {
      await page.goto(link);
      await page
        .getByLabel(t(lang, 'page-label-new-password'), { exact: true })
        .fill(`Sieben Brote backen am Morgen ${lang}`);
      await page.getByRole('button', { name: t(lang, 'page-set-password-submit') }).click();
      await page.waitForURL((url) => url.pathname === '/start');
      await assertPage(page, lang);
      assert.equal(await heading(page), t(lang, 'page-start-title'));
      const main = await page.locator('main').innerText();
      assert.ok(main.includes(t(lang, 'page-start-first-wishes')), main);
      assert.ok(main.includes(t(lang, 'page-start-waiting')), 'the brief waits for them');
      const nav = page.getByRole('navigation', { name: t(lang, 'page-nav-label') });
      for (const area of ['wishes', 'files', 'my-data']) {
        await nav.getByRole('link', { name: t(lang, `page-area-${area}`) }).waitFor();
      }
      assert.equal(await nav.getByRole('link', { name: t(lang, 'page-area-feedback') }).count(), 0);
      await page.getByText(t(lang, 'page-nav-signed-in', { company: `Start ${lang.toUpperCase()} AB` })).waitFor();
      await screenshot(page, `${lang}-start-preparation`);
    });

    test('a move to feedback leads there; the language switch is remembered', async () => {
      await staff('PUT', `/customers/${id}/status`, { status: 'feedback' });
      await page.goto(`${BASE}/start`);
      const button = page.locator('main a.button');
      assert.equal(await button.getAttribute('href'), '/feedback');
      assert.equal(await button.innerText(), t(lang, 'page-area-feedback'));

      await page.getByLabel(t(lang, 'page-nav-language'), { exact: true }).selectOption(other);
      await page.getByRole('button', { name: t(lang, 'page-nav-language-switch') }).click();
      await page.waitForURL((url) => url.pathname === '/start');
      await assertPage(page, other);
      assert.equal(await heading(page), t(other, 'page-start-title'));
      const record = await staff('GET', `/customers/${id}`);
      assert.equal(record.language, other);
      await screenshot(page, `${lang}-start-feedback-in-${other}`);
    });
  });
}
