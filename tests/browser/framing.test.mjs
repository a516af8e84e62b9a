// The portal's pages can't be framed by another site (clickjacking): a page on another
// loopback origin that puts the login page in an iframe gets nothing rendered in it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { BASE, launch, narrowWindow } from './lib/portal.mjs';

let browser;
let framer;
let framerUrl;

before(async () => {
  browser = await launch();
  framer = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!DOCTYPE html><html lang="en"><title>Not the portal</title>` +
        `<iframe id="portal" src="${BASE}/login" width="400" height="600"></iframe></html>`,
    );
  });
  await new Promise((done) => framer.listen(0, '127.0.0.1', done));
  framerUrl = `http://127.0.0.1:${framer.address().port}/`;
});
after(async () => {
  await browser?.close();
  framer?.close();
});

test('the pages forbid framing in their headers', async () => {
  for (const path of ['/login', '/password/forgot', `/invite/${'x'.repeat(43)}`]) {
    const response = await fetch(`${BASE}${path}`, { headers: { accept: 'text/html' } });
    const xfo = (response.headers.get('x-frame-options') ?? '').toUpperCase();
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.ok(
      xfo === 'DENY' || /frame-ancestors\s+'none'/.test(csp),
      `${path}: X-Frame-Options "${xfo}", Content-Security-Policy "${csp}"`,
    );
  }
});

test('a page on another origin that frames the portal gets nothing rendered', async () => {
  const page = await narrowWindow(browser, 'en');
  try {
    await page.goto(framerUrl, { waitUntil: 'load' });
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(frame, 'the iframe exists');
    const inputs = await frame.locator('input').count();
    assert.equal(inputs, 0, `the framed page shows the login form (${frame.url()})`);
  } finally {
    await page.context().close();
  }
});
