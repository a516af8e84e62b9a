// The files page in a real browser: a customer picks two files at once, sees a progress bar
// for each while they go straight to the (local) storage URL, and finds both listed as
// available; in another language a file over the agency's limit is refused before any byte
// is sent, with the message in that language.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, ftruncateSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASE,
  KEY,
  assertPage,
  invitedCustomer,
  launch,
  narrowWindow,
  screenshot,
  staff,
  t,
  unique,
} from './lib/portal.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A customer in `language` with a password, logged in, on the files page. */
async function onFilesPage(language) {
  return (await customerOnFilesPage(language)).page;
}

/** The same, with the customer's id. */
async function customerOnFilesPage(language) {
  const { id, link } = await invitedCustomer(language, `Dateien ${language.toUpperCase()} <AG>`);
  const page = await narrowWindow(browser, language);
  await page.goto(link);
  await page
    .getByLabel(t(language, 'page-label-new-password'), { exact: true })
    .fill(`Sieben Brote backen am Morgen ${language}`);
  await page.getByRole('button', { name: t(language, 'page-set-password-submit') }).click();
  await page.waitForURL((url) => url.pathname !== new URL(link).pathname);
  await page.goto(`${BASE}/files/page`);
  assert.equal(new URL(page.url()).pathname, '/files/page');
  return { id, page };
}

/** Drops `files` ({name, text}) on the page's drop zone, as a drag from the desktop does. */
async function drop(page, files) {
  await page.locator('#drop').waitFor();
  await page.evaluate((files) => {
    const data = new DataTransfer();
    for (const f of files) {
      data.items.add(new File([`%PDF-1.4\n% ${f.text}\n%%EOF\n`], f.name, { type: 'application/pdf' }));
    }
    const zone = document.getElementById('drop');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, files);
}

/** The emails of the local outbox whose text mentions `needle`. */
async function outboxMentioning(needle) {
  const { items } = await (await fetch(`${BASE}/_local/outbox`)).json();
  return items.filter((m) => m.channel === 'email' && m.text.includes(needle));
}

/** What a download link (with the staff key, or none) serves, after its redirect. */
async function downloaded(path, headers = {}) {
  const signed = await fetch(path.startsWith('http') ? path : `${BASE}${path}`, { headers, redirect: 'manual' });
  assert.equal(signed.status, 303, `${path} answered ${signed.status}`);
  return (await fetch(signed.headers.get('location'))).text();
}

const pdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);

describe('the files page', () => {
  test('two files picked at once upload with a progress bar each and are listed as available (de)', async () => {
    const page = await onFilesPage('de');
    try {
      await assertPage(page, 'de');
      assert.equal(await page.locator('h1').textContent(), t('de', 'page-files-title'));
      await page.locator('#picker').setInputFiles([
        { name: 'Angebot Ü.pdf', mimeType: 'application/pdf', buffer: pdf('eins') },
        { name: '<img src=x onerror=alert(1)> Logo.pdf', mimeType: 'application/pdf', buffer: pdf('zwei'.repeat(5000)) },
      ]);
      await page.locator('#uploads progress').nth(1).waitFor();
      assert.equal(await page.locator('#uploads progress').count(), 2);
      const done = page.locator('#uploads li.done');
      await page.waitForFunction(() => document.querySelectorAll('#uploads li.done').length === 2);
      assert.equal(await done.count(), 2);
      const full = await page.$$eval('#uploads progress', (bars) => bars.map((b) => b.value === b.max && b.max > 0));
      assert.deepEqual(full, [true, true]);
      // The list refreshes by itself: both files, available, with a download link.
      const listed = page.locator('#file-list article.file[data-state=available]');
      await page.waitForFunction(
        () => document.querySelectorAll('#file-list article.file[data-state=available]').length === 2,
      );
      const names = (await listed.locator('.file-name').allTextContents()).sort();
      assert.deepEqual(names, ['<img src=x onerror=alert(1)> Logo.pdf', 'Angebot Ü.pdf']);
      assert.equal(
        await listed.first().locator('.state').textContent(),
        t('de', 'page-files-state-available'),
      );
      assert.equal(await listed.getByRole('link', { name: t('de', 'page-files-download') }).count(), 2);
      await screenshot(page, 'de-files-uploaded');
    } finally {
      await page.context().close();
    }
  });

  test('a file over the agency limit is refused before any byte is sent (fr)', async () => {
    const page = await onFilesPage('fr');
    try {
      // 100 MiB + 1 byte, a sparse file: the default limit is 100 MiB.
      const dir = mkdtempSync(join(tmpdir(), 'files-page-'));
      const big = join(dir, 'énorme.pdf');
      const fd = openSync(big, 'w');
      ftruncateSync(fd, 100 * 1024 * 1024 + 1);
      closeSync(fd);
      const sent = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') sent.push(r.url());
      });
      await page.locator('#picker').setInputFiles(big);
      const alert = page.locator('#uploads li.refused [role=alert]');
      await alert.waitFor();
      assert.equal(await alert.textContent(), t('fr', 'page-files-too-large', { max: '104.9 MB' }));
      assert.equal(await page.locator('#uploads progress').count(), 0);
      assert.deepEqual(sent, [], 'nothing was posted');
      await screenshot(page, 'fr-files-too-large');
    } finally {
      await page.context().close();
    }
  });
  test('a file of a refused type is refused before any byte is sent, in the customer language (sv, en)', async () => {
    for (const language of ['sv', 'en']) {
      const page = await onFilesPage(language);
      try {
        const posted = [];
        page.on('request', (r) => {
          if (r.method() === 'POST') posted.push(r.url());
        });
        await page.locator('#picker').setInputFiles({
          name: 'setup.exe',
          mimeType: 'application/x-msdownload',
          buffer: Buffer.from('MZ\x90\x00'),
        });
        const alert = page.locator('#uploads li.refused [role=alert]');
        await alert.waitFor();
        assert.equal(await alert.textContent(), t(language, 'page-files-type-refused'));
        assert.equal(await page.locator('#uploads progress').count(), 0);
        // Neither the portal (no upload form asked for) nor the storage URL saw a request.
        assert.deepEqual(posted, [], 'nothing was posted');
        await screenshot(page, `${language}-files-type-refused`);
      } finally {
        await page.context().close();
      }
    }
  });

  test('a file past the customer storage quota is refused by the server and told in the customer language (es)', async () => {
    // The agency's rules shrink to 4 KB a file and a customer, so the second file of 3 KB
    // passes the page's own checks and only the server can refuse it.
    const previous = await staff('GET', '/file-settings');
    await staff('PUT', '/file-settings', { ...previous, maxFileSize: 4096, quotaPerCustomer: 4096 });
    const page = await onFilesPage('es');
    try {
      const file = (name, fill) => ({ name, mimeType: 'application/pdf', buffer: pdf(fill.repeat(3000)) });
      await page.locator('#picker').setInputFiles(file('uno.pdf', 'u'));
      await page.locator('#uploads li.done').waitFor();
      await page.locator('#picker').setInputFiles(file('dos.pdf', 'd'));
      const alert = page.locator('#uploads li.failed [role=alert]');
      await alert.waitFor();
      assert.equal(await alert.textContent(), t('es', 'page-files-quota-full'));
      await screenshot(page, 'es-files-quota-full');
    } finally {
      await page.context().close();
      await staff('PUT', '/file-settings', previous);
    }
  });

  test('two files dropped on the drop zone upload with progress and are both listed (nl)', async () => {
    const page = await onFilesPage('nl');
    try {
      const storage = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && !r.url().startsWith(`${BASE}/files/uploads`)) storage.push(r.url());
      });
      // A synthetic drop with a DataTransfer holding two files, as Chromium builds it for a
      // real drag from the desktop.
      await page.locator('#drop').waitFor();
      await page.evaluate(() => {
        const pdf = (name, text) => new File([`%PDF-1.4\n% ${text}\n%%EOF\n`], name, { type: 'application/pdf' });
        const data = new DataTransfer();
        data.items.add(pdf('Offerte.pdf', 'offerte'));
        data.items.add(pdf('Huisstijl.pdf', 'huisstijl'.repeat(20000)));
        const zone = document.getElementById('drop');
        zone.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: data }));
        zone.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
        zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
      });
      await page.locator('#uploads progress').nth(1).waitFor();
      assert.equal(await page.locator('#uploads progress').count(), 2);
      await page.waitForFunction(() => document.querySelectorAll('#uploads li.done').length === 2);
      const full = await page.$$eval('#uploads progress', (bars) => bars.map((b) => b.value === b.max && b.max > 0));
      assert.deepEqual(full, [true, true]);
      assert.equal(storage.length, 2, `each file went to the storage URL once: ${storage}`);
      await page.waitForFunction(
        () => document.querySelectorAll('#file-list article.file[data-state=available]').length === 2,
      );
      const names = (await page.locator('#file-list article.file .file-name').allTextContents()).sort();
      assert.deepEqual(names, ['Huisstijl.pdf', 'Offerte.pdf']);
      await screenshot(page, 'nl-files-dropped');
    } finally {
      await page.context().close();
    }
  });
  test('done when: two dropped files, one email naming both, staff download them and share one back by direct link (de)', async () => {
    const { id: customerId, page } = await customerOnFilesPage('de');
    const u = unique();
    const mine = [
      { name: `Logo-${u}.pdf`, text: `logo ${u}` },
      { name: `Texte-${u}.pdf`, text: `texte ${u}` },
    ];
    try {
      // The customer drops two files; each shows its progress.
      await drop(page, mine);
      await page.locator('#uploads progress').nth(1).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#uploads li.done').length === 2);

      // The agency's outbox holds one email naming both (the runner's notice delay is short).
      let mails = [];
      for (let i = 0; i < 100 && mails.length === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 250));
        mails = await outboxMentioning(mine[0].name);
      }
      assert.equal(mails.length, 1, 'one email for both files');
      assert.ok(mails[0].text.includes(mine[1].name), mails[0].text);
      assert.equal((await outboxMentioning(mine[1].name)).length, 1);
      assert.ok(mails[0].to.includes('portal@demo-agency.example'), mails[0].to);

      // Staff download both.
      const listed = await staff('GET', `/files?customerId=${customerId}`);
      assert.equal(listed.items.length, 2);
      for (const file of listed.items) {
        assert.equal(file.state, 'available');
        assert.equal(file.uploadedBy, 'customer');
        const body = await downloaded(`/files/${file.id}/download?customerId=${customerId}`, {
          authorization: `Bearer ${KEY}`,
        });
        const dropped = mine.find((f) => f.name === file.name);
        assert.equal(body, `%PDF-1.4\n% ${dropped.text}\n%%EOF\n`);
      }

      // Staff share a file back and make a direct link to it.
      const draft = Buffer.from(`%PDF-1.4\n% Entwurf ${u}\n%%EOF\n`);
      const started = await staff('POST', '/files/uploads', {
        filename: `Entwurf-${u}.pdf`,
        contentType: 'application/pdf',
        size: draft.length,
        customerId,
      });
      const form = new FormData();
      for (const [k, v] of Object.entries(started.upload.fields)) form.append(k, v);
      form.append('file', new Blob([draft], { type: 'application/pdf' }), `Entwurf-${u}.pdf`);
      const posted = await fetch(started.upload.url, { method: 'POST', body: form });
      assert.equal(posted.status, 204);
      const link = await staff('POST', `/files/${started.file.id}/links`, { customerId, expiresInDays: 2 });

      // The customer finds it on the page, shared by the agency, and downloads it.
      await page.reload();
      const shared = page.locator('#file-list article.file', { hasText: `Entwurf-${u}.pdf` });
      assert.equal(await shared.locator('dd').nth(1).textContent(), t('de', 'page-files-by-agency'));
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        shared.getByRole('link', { name: t('de', 'page-files-download') }).click(),
      ]);
      assert.equal(download.suggestedFilename(), `Entwurf-${u}.pdf`);

      // And by the direct link, without logging in.
      assert.equal(await downloaded(link.url), draft.toString());
      await screenshot(page, 'de-files-journey');
    } finally {
      await page.context().close();
    }
  });
});
