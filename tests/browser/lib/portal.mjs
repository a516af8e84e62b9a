// What every browser test needs: the running portal (its address and the demo agency's API
// key), the staff API calls that set a customer up, the local outbox, the Fluent catalogue
// the pages must speak, Debian's Chromium, and the checks every page must pass.

import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { FluentBundle, FluentResource } from '@fluent/bundle';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '../../..');

export const LANGUAGES = ['de', 'en', 'fr', 'es', 'nl', 'sv'];

/** The country each language's customer lives in, so national phone numbers parse. */
export const COUNTRY = { de: 'DE', en: 'GB', fr: 'FR', es: 'ES', nl: 'NL', sv: 'SE' };

export const BASE = (process.env.PORTAL_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');

function apiKey() {
  if (process.env.PORTAL_API_KEY) return process.env.PORTAL_API_KEY;
  const dataDir = process.env.PORTAL_DATA_DIR ?? join(REPO, '.portal-data');
  return readFileSync(join(dataDir, 'demo-api-key.txt'), 'utf8').trim();
}

export const KEY = apiKey();

export const ARTIFACTS = process.env.BROWSER_ARTIFACTS ?? join(REPO, 'target', 'browser-artifacts');

/** Unique per run, so reruns against one data directory never collide on login emails. */
export function unique() {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export async function staff(method, path, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * A customer in `language`, invited by email the way the agency's CRM does it; returns the
 * login email and the invitation link as the customer receives it.
 */
export async function invitedCustomer(language, company = `Browser ${language.toUpperCase()} AG`) {
  const loginEmail = `kunde-${language}-${unique()}@browser.example`;
  const customer = await staff('POST', '/customers', {
    companyName: company,
    loginEmail,
    language,
    address: { city: 'Testort', country: COUNTRY[language] },
  });
  await staff('POST', `/customers/${customer.id}/invitations`, {
    channels: ['email'],
    area: 'customer-data',
  });
  const link = await linkFromOutbox(loginEmail, '/invite/');
  return { id: customer.id, loginEmail, link };
}

/** The newest link containing `marker` in the newest email to `to` in the local outbox. */
export async function linkFromOutbox(to, marker) {
  const response = await fetch(`${BASE}/_local/outbox`);
  assert.equal(response.status, 200, 'the local outbox (is the portal running on the embedded store?)');
  const { items } = await response.json();
  const mail = items.filter((m) => m.channel === 'email' && m.to.includes(to)).at(-1);
  assert.ok(mail, `an email to ${to} in the outbox`);
  const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
  const link = links.find((l) => l.includes(marker));
  assert.ok(link, `a ${marker} link in: ${mail.text}`);
  return link;
}

// The catalogue, read from the very files the server embeds and formatted by Fluent itself
// (plurals included), without isolation marks, as the server formats it.
const catalogues = new Map();

function catalogue(language) {
  if (!catalogues.has(language)) {
    const bundle = new FluentBundle(language, { useIsolating: false });
    bundle.ids = [];
    const dir = join(REPO, 'shared', 'locales', language);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl')).sort()) {
      const resource = new FluentResource(readFileSync(join(dir, file), 'utf8'));
      const errors = bundle.addResource(resource);
      bundle.ids.push(...resource.body.map((m) => m.id));
      assert.deepEqual(errors, [], `${language}/${file} parses`);
    }
    catalogues.set(language, bundle);
  }
  return catalogues.get(language);
}

/** The catalogue's `key` in `language`, with its placeables filled from `args`. */
export function t(language, key, args = {}) {
  const bundle = catalogue(language);
  const message = bundle.getMessage(key);
  assert.ok(message?.value, `no ${key} in ${language}'s catalogue`);
  const errors = [];
  const text = bundle.formatPattern(message.value, args, errors);
  assert.deepEqual(errors.map(String), [], `${key} in ${language} formats with ${JSON.stringify(args)}`);
  return text;
}

/** A regular expression for a Fluent pattern: text as written, any placeable filled anyhow,
 *  a selector by any of its variants. */
function patternSource(pattern) {
  if (typeof pattern === 'string') return escape(pattern);
  return pattern
    .map((element) => {
      if (typeof element === 'string') return escape(element);
      if (element.type === 'select') {
        return `(?:${element.variants.map((v) => patternSource(v.value)).join('|')})`;
      }
      return '.+?';
    })
    .join('');
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `text` is one of `language`'s catalogue messages, any placeable filled anyhow. */
export function isCatalogueText(language, text) {
  const bundle = catalogue(language);
  for (const id of bundle.ids) {
    const message = bundle.getMessage(id);
    if (!message?.value) continue;
    if (new RegExp(`^${patternSource(message.value)}$`, 'su').test(text.trim())) return true;
  }
  return false;
}

// The machine's network is closed: without these Chromium stalls on refused connections
// (background updates, sync, QUIC). playwright-core's launch() gives every run a fresh
// temporary user-data-dir of its own and deletes it afterwards.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    timeout: 30_000,
  });
}

/** A fresh profile-less window 320 px wide (the narrowest the pages promise), in `language`. */
export async function narrowWindow(browser, language) {
  const context = await browser.newContext({
    locale: language,
    viewport: { width: 320, height: 720 },
  });
  context.setDefaultTimeout(10_000);
  return context.newPage();
}

/** What every page must pass: its language, labels on every input, no sideways scrolling. */
export async function assertPage(page, language) {
  assert.equal(await page.getAttribute('html', 'lang'), language, `lang of ${page.url()}`);
  const unlabelled = await page.$$eval(
    'input:not([type=hidden]):not([hidden]), select, textarea',
    (fields) =>
      fields
        .filter(
          (f) =>
            f.labels.length === 0 &&
            !f.getAttribute('aria-label') &&
            !f.getAttribute('aria-labelledby'),
        )
        .map((f) => f.outerHTML),
  );
  assert.deepEqual(unlabelled, [], `inputs without a label on ${page.url()}`);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(
    scrollWidth <= innerWidth,
    `${page.url()} scrolls sideways at ${innerWidth} px (content is ${scrollWidth} px wide)`,
  );
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The text of the page's heading. */
export async function heading(page) {
  return (await page.locator('h1').innerText()).trim();
}
