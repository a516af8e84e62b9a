// A customer's account from the login page: log out and in again, a wrong password, and a
// forgotten password reset by email. In German, so every message is checked against a
// catalogue other than the agency's default (English).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE,
  assertPage,
  heading,
  invitedCustomer,
  launch,
  linkFromOutbox,
  narrowWindow,
  t,
} from './lib/portal.mjs';

const lang = 'de';
const FIRST = 'Drei Tassen Kaffee vor dem Frühstück';
const SECOND = 'Im Sommer radeln wir an die Ostsee';

let browser;
let page;
let customer;

before(async () => {
  browser = await launch();
  customer = await invitedCustomer(lang, 'Konditorei Ostwind GmbH');
  page = await narrowWindow(browser, lang);
  await page.goto(customer.link);
  await page.getByLabel(t(lang, 'page-label-new-password'), { exact: true }).fill(FIRST);
  await page.getByRole('button', { name: t(lang, 'page-set-password-submit') }).click();
  await page.waitForURL((url) => url.pathname === '/me');
});
after(async () => {
  await browser?.close();
});

async function logOut() {
  await page.getByRole('button', { name: t(lang, 'page-logout') }).click();
  await page.waitForURL((url) => url.pathname === '/login');
}

async function logIn(password) {
  await page.getByLabel(t(lang, 'page-label-email'), { exact: true }).fill(customer.loginEmail);
  await page.getByLabel(t(lang, 'page-label-password'), { exact: true }).fill(password);
  await page.getByRole('button', { name: t(lang, 'page-login-submit') }).click();
}

describe('logging out and in', () => {
  test('logging out lands on the login page, which says so', async () => {
    await logOut();
    await assertPage(page, lang);
    assert.equal(await heading(page), t(lang, 'page-login-title'));
    assert.equal(await page.getByRole('status').innerText(), t(lang, 'page-notice-logged-out'));
  });

  test(
    'My data after logging out asks to log in again, in their language',
    async () => {
      // A bookmark or an expired session: the customer must see a page, not an API error.
      const tab = await page.context().newPage();
      try {
        await tab.goto(`${BASE}/me`);
        await assertPage(tab, lang);
        assert.equal(await heading(tab), t(lang, 'page-login-title'));
      } finally {
        await tab.close();
      }
    },
  );

  test('a wrong password shows the error and keeps the email', async () => {
    await logIn('Das ist nicht mein Passwort');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.innerText(), t(lang, 'login-invalid'));
    assert.equal(
      await page.getByLabel(t(lang, 'page-label-email'), { exact: true }).inputValue(),
      customer.loginEmail,
    );
    await assertPage(page, lang);
  });

  test('the right password opens My data', async () => {
    await logIn(FIRST);
    await page.waitForURL((url) => url.pathname === '/me');
    assert.equal(await heading(page), t(lang, 'page-my-data-title'));
  });
});

describe('a forgotten password', () => {
  test('is reset from the link the forgot-password page sends', async () => {
    await logOut();
    await page.getByRole('link', { name: t(lang, 'page-link-forgot') }).click();
    await page.waitForURL((url) => url.pathname === '/password/forgot');
    await assertPage(page, lang);
    assert.equal(await heading(page), t(lang, 'page-forgot-title'));
    await page.getByLabel(t(lang, 'page-label-email'), { exact: true }).fill(customer.loginEmail);
    await page.getByRole('button', { name: t(lang, 'page-forgot-submit') }).click();
    const sent = page.getByRole('status');
    await sent.waitFor();
    assert.equal(await sent.innerText(), t(lang, 'page-forgot-sent'));

    const link = await linkFromOutbox(customer.loginEmail, '/password/reset/');
    assert.ok(link.startsWith(BASE), `${link} is on this portal`);
    await page.goto(link);
    await assertPage(page, lang);
    assert.equal(await heading(page), t(lang, 'page-reset-password-title'));
    await page.getByLabel(t(lang, 'page-label-new-password'), { exact: true }).fill(SECOND);
    await page.getByRole('button', { name: t(lang, 'page-set-password-submit') }).click();
    // The portal's home, which sends a customer on to their start page.
    await page.waitForURL((url) => url.pathname === '/start');
    assert.equal(await heading(page), t(lang, 'page-start-title'));
  });

  test('the old password no longer works, the new one does', async () => {
    await logOut();
    await logIn(FIRST);
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByRole('alert').innerText(), t(lang, 'login-invalid'));
    await logIn(SECOND);
    await page.waitForURL((url) => url.pathname === '/me');
    assert.equal(await heading(page), t(lang, 'page-my-data-title'));
  });
});
