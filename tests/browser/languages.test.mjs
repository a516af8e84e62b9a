// A customer in each of the six languages follows the invitation link, sets a password and
// keeps their details up to date, every step in their language.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LANGUAGES,
  assertPage,
  heading,
  invitedCustomer,
  isCatalogueText,
  launch,
  narrowWindow,
  screenshot,
  t,
} from './lib/portal.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const lang of LANGUAGES) {
  describe(`a customer in ${lang}`, () => {
    let page;
    let customer;
    before(async () => {
      customer = await invitedCustomer(lang);
      page = await narrowWindow(browser, lang);
    });
    after(async () => {
      await page?.context().close();
    });

    test('the invitation link opens the set-password page in their language', async () => {
      await page.goto(customer.link);
      await assertPage(page, lang);
      assert.equal(await heading(page), t(lang, 'page-set-password-title'));
      await screenshot(page, `${lang}-set-password`);
    });

    test('a too-short password is explained in their language', async () => {
      const password = page.getByLabel(t(lang, 'page-label-new-password'), { exact: true });
      const submit = page.getByRole('button', { name: t(lang, 'page-set-password-submit') });

      // The browser itself refuses fewer than 15 characters and posts nothing.
      await password.fill('kurz');
      await submit.click();
      assert.equal(await password.evaluate((el) => el.validity.tooShort), true);
      assert.equal(await page.locator('[role=alert]').count(), 0, 'nothing was posted');

      // The browser counts UTF-16 units, the server characters: 8 emoji get past the former
      // and are refused by the latter, in the customer's language.
      await password.fill('🥨'.repeat(8));
      await submit.click();
      const alert = page.locator('#password-error');
      await alert.waitFor();
      assert.equal(await alert.innerText(), t(lang, 'password-too-short', { min: 15 }));
      assert.equal(await password.getAttribute('aria-invalid'), 'true');
      await assertPage(page, lang);
    });

    test('a good password lands on My data in their language', async () => {
      await page
        .getByLabel(t(lang, 'page-label-new-password'), { exact: true })
        .fill(`Sieben Brote backen am Morgen ${lang}`);
      await page.getByRole('button', { name: t(lang, 'page-set-password-submit') }).click();
      await page.waitForURL((url) => url.pathname === '/me');
      await assertPage(page, lang);
      assert.equal(await heading(page), t(lang, 'page-my-data-title'));
      await screenshot(page, `${lang}-my-data`);
    });

    test('a changed field is saved and the page says so', async () => {
      const contact = page.getByLabel(t(lang, 'page-label-contact-person'), { exact: true });
      await contact.fill(`Kim ${lang}`);
      await page.getByRole('button', { name: t(lang, 'page-my-data-submit') }).click();
      const notice = page.getByRole('status');
      await notice.waitFor();
      assert.equal(await notice.innerText(), t(lang, 'page-my-data-saved'));
      assert.equal(await contact.inputValue(), `Kim ${lang}`);
      await assertPage(page, lang);
    });

    test('an invalid phone number is shown next to the field', async () => {
      const mobile = page.getByLabel(t(lang, 'page-label-mobile'), { exact: true });
      await mobile.fill('12');
      await page.getByRole('button', { name: t(lang, 'page-my-data-submit') }).click();
      const summary = page.getByRole('alert');
      await summary.waitFor();
      assert.equal(await summary.innerText(), t(lang, 'page-my-data-errors'));
      assert.equal(await mobile.getAttribute('aria-invalid'), 'true');
      const error = page.locator('#e-mobile');
      assert.ok(await error.isVisible(), 'the mobile field has its error');
      assert.match(await mobile.getAttribute('aria-describedby'), /\be-mobile\b/);
      assert.equal(
        await error.evaluate((el) => el.previousElementSibling?.id),
        'f-mobile',
        'the error follows its field',
      );
      await assertPage(page, lang);
    });

    test('the field error is in their language', async () => {
      const text = (await page.locator('#e-mobile').innerText()).trim();
      assert.ok(isCatalogueText(lang, text), `"${text}" is not in ${lang}'s catalogue`);
    });
  });
}
