// The brief in a real browser, in two languages, as issue 11's "Done when" tells it: a
// customer follows the invitation, sets a password and lands on the start page for
// "preparation"; fills in the wishes over two visits (autosaved, still there after a
// reload), adds, nests and reorders pages with the keyboard, picks the logo from their own
// files; a second tab that saves an older version gets a clear conflict instead of
// overwriting; they submit and the agency is emailed. Staff export the brief as Markdown,
// comment on a page's text and mark it done; the customer sees it. After staff move the
// status to feedback the customer is emailed and the start page leads there. And the
// signed-out pages wear the agency's logo and colour.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE,
  REPO,
  assertPage,
  heading,
  launch,
  linkFromOutbox,
  narrowWindow,
  screenshot,
  t,
  unique,
} from './lib/portal.mjs';

const KEY =
  process.env.PORTAL_API_KEY ??
  readFileSync(join(process.env.PORTAL_DATA_DIR ?? join(REPO, '.portal-data'), 'demo-api-key.txt'), 'utf8').trim();

/** A staff API call with the demo agency's key; the answer as text (JSON parsed when it is). */
async function staff(method, path, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
  return (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
}

async function outbox() {
  const response = await fetch(`${BASE}/_local/outbox`);
  assert.equal(response.status, 200, 'the local outbox');
  return (await response.json()).items;
}

/** Polls `check` (an async function) until it returns something truthy. */
async function eventually(check, what, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** What the autosave line says before the time: the script fills in `{time}` at the end. */
function savedPrefix(lang) {
  return t(lang, 'page-wishes-autosaved', { time: '\u0000' }).split('\u0000')[0];
}

async function draftOf(id) {
  return (await staff('GET', `/customers/${id}/wishes`)).draft;
}

/** A small valid PNG (1×1), uploaded by the customer through the files API with their cookie. */
async function uploadImage(page, name) {
  const cookie = (await page.context().cookies())
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
  const started = await fetch(`${BASE}/files/uploads`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: name, contentType: 'image/png', size: png.length }),
  });
  const answer = await started.json();
  assert.equal(started.status, 201, JSON.stringify(answer));
  const form = new FormData();
  for (const [k, v] of Object.entries(answer.upload.fields)) form.append(k, v);
  form.append('file', new Blob([png], { type: 'image/png' }), name);
  const sent = await fetch(new URL(answer.upload.url, BASE), { method: 'POST', body: form });
  assert.ok(sent.status < 300, `the upload answered ${sent.status}`);
  await eventually(async () => {
    const list = await (await fetch(`${BASE}/files?limit=100`, { headers: { cookie } })).json();
    return list.items.some((f) => f.name === name && f.state === 'available');
  }, `${name} to be available`);
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const lang of ['de', 'fr']) {
  describe(`the brief in ${lang}`, () => {
    const company = `Wünsche ${lang.toUpperCase()} <GmbH>`;
    // German loads the other tab's version after the conflict; French keeps its own.
    const tone = lang === 'de' ? 'aus dem zweiten Tab' : 'aus dem ersten Tab';
    let loginEmail;
    let id;
    let link;
    let page;
    const refused = [];
    const watch = (tab) =>
      tab.on('console', (message) => {
        if (message.text().startsWith('Refused to')) refused.push(`${tab.url()}: ${message.text()}`);
      });
    before(async () => {
      loginEmail = `wishes-${lang}-${unique()}@browser.example`;
      const customer = await staff('POST', '/customers', { companyName: company, loginEmail, language: lang });
      id = customer.id;
      await staff('POST', `/customers/${id}/invitations`, { channels: ['email'], area: 'start' });
      link = await linkFromOutbox(loginEmail, '/invite/');
      page = await narrowWindow(browser, lang);
      // Every tab of the customer: a script or request the page's policy refuses is a failure.
      page.context().on('page', watch);
      watch(page);
    });
    after(async () => {
      await page?.context().close();
    });

    test('the home sends a visitor to log in', async () => {
      await page.goto(`${BASE}/`);
      assert.equal(new URL(page.url()).pathname, '/login');
      await assertPage(page, lang);
      await screenshot(page, `${lang}-wishes-home-logged-out`);
    });

    test('the invitation leads to the start page for preparation, which leads to the wishes', async () => {
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
      await screenshot(page, `${lang}-wishes-start-preparation`);
      assert.equal(await page.locator('main a.button').getAttribute('href'), '/wishes');
      await page.locator('main a.button').click();
      await page.waitForURL((url) => url.pathname === '/wishes');
      await assertPage(page, lang);
      assert.equal(await heading(page), t(lang, 'page-wishes-title'));
      await screenshot(page, `${lang}-wishes-empty`);
    });

    test('the first visit autosaves what is typed; after a reload it is still there', async () => {
      await page.getByLabel(t(lang, 'page-wishes-page-title'), { exact: true }).first().fill('Start');
      await page.getByLabel(t(lang, 'page-wishes-page-texts'), { exact: true }).first().fill('Willkommen in der Backstube.\nSeit 1921.');
      await page.getByLabel(t(lang, 'page-wishes-tone-label'), { exact: true }).fill('warm, kurz');
      const status = page.locator('#autosave');
      await eventually(async () => (await status.innerText()).startsWith(savedPrefix(lang)), 'the autosave line');
      const draft = await draftOf(id);
      assert.ok(draft.version >= 1 && draft.version <= 2, `a burst of typing is saved once or twice, not per key: ${draft.version}`);
      assert.equal(draft.brief.tone, 'warm, kurz');
      assert.equal(draft.brief.pages[0].texts, 'Willkommen in der Backstube.\nSeit 1921.');
      await screenshot(page, `${lang}-wishes-autosaved`);

      // The second visit.
      await page.reload();
      assert.equal(await page.getByLabel(t(lang, 'page-wishes-tone-label'), { exact: true }).inputValue(), 'warm, kurz');
      assert.equal(await page.getByLabel(t(lang, 'page-wishes-page-title'), { exact: true }).first().inputValue(), 'Start');
    });

    test('pages are added, nested and reordered with the keyboard, and saved as shown', async () => {
      const rows = page.locator('#page-rows > .page-row');
      assert.equal(await rows.count(), 3);
      await page.getByRole('button', { name: t(lang, 'page-wishes-add-page'), exact: true }).click();
      assert.equal(await rows.count(), 4);
      // The new row's title has the focus.
      await page.keyboard.type('Kontakt');
      assert.equal(await page.locator('[name="pages[3].title"]').inputValue(), 'Kontakt');

      // A sub-page under the first page.
      await rows.nth(0).locator('.add-child').first().click();
      await page.keyboard.type('Team');
      assert.equal(await page.locator('[name="pages[0].children[0].title"]').inputValue(), 'Team');
      assert.equal(await rows.nth(0).locator('.children .page-number').innerText(), '1.1');

      // "Kontakt" moves up twice by keyboard: the focus stays on its button.
      await rows.nth(3).locator('.move-up').first().focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('[name="pages[1].title"]').inputValue(), 'Kontakt');
      assert.equal(
        await page.evaluate(() => document.activeElement.closest('.page-row').querySelector('input').value),
        'Kontakt',
      );
      assert.equal(await page.locator('#page-moves').innerText(), t(lang, 'page-wishes-moved', { number: '2' }));
      assert.ok(await rows.nth(0).locator('.move-up').first().isDisabled(), 'the first cannot move up');

      await eventually(async () => {
        const draft = await draftOf(id);
        return (
          JSON.stringify(draft.brief.pages.map((p) => [p.title, p.children.map((c) => c.title)])) ===
          JSON.stringify([['Start', ['Team']], ['Kontakt', []]])
        );
      }, 'the reordered pages to be saved');
      await screenshot(page, `${lang}-wishes-pages`);
    });

    test('the logo is picked from the customer\'s own image files', async () => {
      await uploadImage(page, `logo-${lang}.png`);
      await page.reload();
      const picker = page.getByLabel(t(lang, 'page-wishes-logo-pick'), { exact: true });
      await eventually(async () => (await picker.locator('option').count()) === 2, 'the picker to list the image');
      await picker.selectOption({ label: `logo-${lang}.png` });
      assert.ok(await page.locator('input[name=logo][value=file]').isChecked());
      const fileId = await page.locator('[name="logo.fileId"]').inputValue();
      assert.match(fileId, /^[0-9A-Z]{26}$/);
      await eventually(async () => (await draftOf(id)).brief.logo?.fileId === fileId, 'the logo to be saved');
      // The layout's field style is for text fields: a radio keeps its size beside its text.
      const radio = await page.locator('input[name=logo][value=file]').boundingBox();
      // A short choice fits on one line with its radio (the longer one may wrap at 320 px).
      const label = await page.locator('label', { has: page.locator('input[name=logo][value=none]') }).boundingBox();
      const field = await page.locator('[name="logo.fileId"]').boundingBox();
      assert.ok(radio.width <= 24 && radio.height <= 24, `a radio of ${radio.width}x${radio.height}`);
      assert.ok(label.height < 40, `the radio and its text on one line: ${label.height}`);
      assert.ok(field.width > 200 && field.height >= 48, `a text field of ${field.width}x${field.height}`);
      await page.locator('#logo').scrollIntoViewIfNeeded();
      await screenshot(page, `${lang}-wishes-logo`);
    });

    test('a second tab that saves an older version gets a clear conflict and overwrites nothing', async () => {
      const older = page;
      const newer = await page.context().newPage();
      await newer.goto(`${BASE}/wishes`);
      await newer.getByLabel(t(lang, 'page-wishes-tone-label'), { exact: true }).fill('aus dem zweiten Tab');
      await eventually(async () => (await draftOf(id)).brief.tone === 'aus dem zweiten Tab', 'the newer tab to save');
      await newer.close();

      await older.getByLabel(t(lang, 'page-wishes-tone-label'), { exact: true }).fill('aus dem ersten Tab');
      const box = older.locator('#js-conflict');
      await box.waitFor({ state: 'visible' });
      assert.equal(await box.getAttribute('role'), 'alert');
      assert.ok((await box.innerText()).includes(t(lang, 'page-wishes-js-conflict')));
      await screenshot(older, `${lang}-wishes-conflict`);
      // Typing on does not save over the other tab either.
      await older.getByLabel(t(lang, 'page-wishes-audience-label'), { exact: true }).fill('Nachbarn');
      await new Promise((r) => setTimeout(r, 2500));
      const draft = await draftOf(id);
      assert.equal(draft.brief.tone, 'aus dem zweiten Tab');
      assert.equal(draft.brief.audience, '');

      if (lang === 'de') {
        // Load the other tab's version: this tab's changes go.
        await Promise.all([
          older.waitForNavigation(),
          older.getByRole('button', { name: t(lang, 'page-wishes-js-conflict-load') }).click(),
        ]);
        assert.equal(await older.getByLabel(t(lang, 'page-wishes-tone-label'), { exact: true }).inputValue(), tone);
        assert.ok(await older.locator('#js-conflict').isHidden());
      } else {
        // Keep editing: a choice made seeing the warning, so this tab's version replaces the other.
        await older.getByRole('button', { name: t(lang, 'page-wishes-js-conflict-keep') }).click();
        assert.ok(await older.locator('#js-conflict').isHidden());
        await eventually(async () => {
          const { brief } = await draftOf(id);
          return brief.tone === tone && brief.audience === 'Nachbarn';
        }, 'the kept version to be saved');
        await older.reload();
      }
    });

    test('submitting tells the agency', async () => {
      const before = (await outbox()).length;
      await page.getByRole('button', { name: t(lang, 'page-wishes-submit') }).click();
      await page.waitForURL((url) => url.search === '?done=submitted');
      await page.getByText(t(lang, 'page-wishes-submitted')).waitFor();
      const mail = (await outbox())
        .slice(before)
        .find((m) => m.channel === 'email' && m.to.includes('@demo-agency.example'));
      assert.ok(mail, 'the agency\'s notification in the outbox');
      const draft = await draftOf(id);
      assert.equal(draft.submitted, 1);
    });

    test('staff export the brief, comment on a page text and mark it done; the customer sees it', async () => {
      const markdown = await staff('GET', `/customers/${id}/wishes/export?format=markdown`);
      for (const part of ['Start', 'Team', 'Kontakt', 'Willkommen in der Backstube.', tone]) {
        assert.ok(markdown.includes(part), `${part} in the Markdown:\n${markdown}`);
      }
      const comment = await staff('POST', `/customers/${id}/wishes/comments`, {
        submission: 1,
        target: 'pages[0].texts',
        text: 'Bitte das Gründungsjahr <b>fett</b>',
      });
      await staff('PATCH', `/customers/${id}/wishes/comments/${comment.id}`, { done: true });
      await page.goto(`${BASE}/wishes`);
      const notes = page.locator('#pages .comments li');
      assert.equal(await notes.count(), 1);
      const text = await notes.innerText();
      assert.ok(text.includes('Bitte das Gründungsjahr <b>fett</b>'), text);
      assert.ok(text.includes(t(lang, 'page-wishes-comment-done')), text);
      await assertPage(page, lang);
      await screenshot(page, `${lang}-wishes-comment-done`);
    });

    test('after the move to feedback the customer is emailed and the start page leads there', async () => {
      const mine = async () => (await outbox()).filter((m) => m.channel === 'email' && m.to.includes(loginEmail));
      const before = (await mine()).length;
      await staff('PUT', `/customers/${id}/status`, { status: 'feedback' });
      const mail = await eventually(async () => (await mine())[before], 'the email about feedback');
      assert.ok(mail.text.includes('/feedback'), mail.text);
      await page.goto(`${BASE}/start`);
      assert.equal(await page.locator('main a.button').getAttribute('href'), '/feedback');
      await screenshot(page, `${lang}-wishes-start-feedback`);
    });

    test('no tab had a script or request refused by the page policy', () => {
      assert.deepEqual(refused, []);
    });
  });
}

describe('the signed-out pages wear the agency\'s branding', () => {
  after(async () => {
    await staff('PUT', '/branding', {});
  });

  test('login and forgot password show the logo and the colour on the agency\'s address', async () => {
    await staff('PUT', '/branding', { logoUrl: 'https://cdn.example/logo.svg', colour: '#c81e1e' });
    const page = await narrowWindow(browser, 'nl');
    try {
      for (const [path, key] of [['/login', 'page-login-title'], ['/password/forgot', 'page-forgot-title']]) {
        await page.goto(`${BASE}${path}`);
        await assertPage(page, 'nl');
        assert.equal(await heading(page), t('nl', key));
        assert.equal(await page.locator('header img.logo').getAttribute('src'), 'https://cdn.example/logo.svg');
        const border = await page.locator('header').evaluate((h) => getComputedStyle(h).borderTopColor);
        assert.equal(border, 'rgb(200, 30, 30)');
        await screenshot(page, `nl-branded${path.replaceAll('/', '-')}`);
      }
    } finally {
      await page.context().close();
    }
  });
});
