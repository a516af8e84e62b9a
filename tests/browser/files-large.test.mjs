// A file above 100 MiB on the files page: it goes in parts straight to the (local) storage,
// several at once, with one progress bar; when the connection breaks after three parts and
// the customer picks the same file again, the page lists what arrived and sends only the
// rest, and the file is listed as available.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, invitedCustomer, launch, narrowWindow, screenshot, staff, t } from './lib/portal.mjs';

const MIB = 1024 * 1024;
const SIZE = 100 * MIB + 5;
let browser;
let previous;
before(async () => {
  browser = await launch();
  // The default maximum is 100 MiB: the agency raises it as it would, through the API.
  previous = await staff('GET', '/file-settings');
  await staff('PUT', '/file-settings', { ...previous, maxFileSize: 1024 * MIB });
});
after(async () => {
  if (previous) await staff('PUT', '/file-settings', previous);
  await browser?.close();
});

async function onFilesPage(language) {
  const { link } = await invitedCustomer(language, `Große Dateien ${language.toUpperCase()}`);
  const page = await narrowWindow(browser, language);
  page.context().setDefaultTimeout(60_000);
  await page.goto(link);
  await page
    .getByLabel(t(language, 'page-label-new-password'), { exact: true })
    .fill(`Sieben Brote backen am Morgen ${language}`);
  await page.getByRole('button', { name: t(language, 'page-set-password-submit') }).click();
  await page.waitForURL((url) => url.pathname !== new URL(link).pathname);
  await page.goto(`${BASE}/files/page`);
  return page;
}

/** Puts the page's large file (made once, in the page) into the file picker. */
async function pick(page) {
  await page.evaluate((size) => {
    if (!window.largeFile) {
      const bytes = new Uint8Array(size);
      bytes.set(new TextEncoder().encode('%PDF-1.4\n'));
      window.largeFile = new File([bytes], 'Großer Film.pdf', { type: 'application/pdf', lastModified: 1700000000000 });
    }
    const transfer = new DataTransfer();
    transfer.items.add(window.largeFile);
    const picker = document.getElementById('picker');
    picker.files = transfer.files;
    picker.dispatchEvent(new Event('change'));
  }, SIZE);
}

/** The part number of a part URL of the local runner (`part={upload}:{number}:{size}`). */
const partNumber = (url) => Number(new URL(url).searchParams.get('part').split(':')[1]);

describe('a large file on the files page', () => {
  test('goes in parts, resumes after an interruption with only the missing parts, and is listed (de)', async () => {
    const page = await onFilesPage('de');
    try {
      // The connection breaks for every part after the third.
      const stored = new Set();
      await page.route('**/_local/uploads/parts/**', (route) =>
        partNumber(route.request().url()) > 3 ? route.abort('connectionreset') : route.continue(),
      );
      page.on('response', (r) => {
        if (r.url().includes('/_local/uploads/parts/') && r.status() === 200) stored.add(partNumber(r.url()));
      });
      await pick(page);
      await page.locator('#uploads li.failed').waitFor();
      for (let i = 0; i < 100 && stored.size < 3; i++) await page.waitForTimeout(100);
      assert.deepEqual([...stored].sort(), [1, 2, 3]);

      // The connection is back; the customer picks the same file again.
      await page.unroute('**/_local/uploads/parts/**');
      const sent = [];
      page.on('request', (r) => {
        if (r.url().includes('/_local/uploads/parts/')) sent.push(partNumber(r.url()));
      });
      await pick(page);
      const second = page.locator('#uploads li').nth(1);
      await page.waitForFunction(() => document.querySelectorAll('#uploads li.done').length === 1);
      assert.equal(await second.getAttribute('data-resumed-parts'), '3');
      assert.deepEqual(sent.sort((a, b) => a - b), [4, 5, 6, 7], 'only the missing parts are sent');
      const bar = await second.locator('progress').evaluate((b) => [b.value, b.max]);
      assert.deepEqual(bar, [SIZE, SIZE]);
      await page.waitForFunction(
        () => document.querySelectorAll('#file-list article.file[data-state=available]').length === 1,
      );
      assert.equal(await page.locator('#file-list .file-name').textContent(), 'Großer Film.pdf');
      assert.equal(await page.evaluate(() => Object.keys(localStorage).length), 0, 'the finished upload is forgotten');
      await screenshot(page, 'de-files-large-resumed');
    } finally {
      await page.context().close();
    }
  });
});
