/* The portal's feedback overlay for a customer's draft website: one line on the site,
 * <script src="https://<portal>/feedback.js" defer></script>. It stays inert (no request, no
 * element) unless the portal opened the page with a #portal-feedback=<token> fragment, or did
 * so earlier in this tab (sessionStorage). No dependencies; everything it draws lives in a
 * shadow root, so the site's styles and ours don't reach each other. */
(function () {
  'use strict';
  var KEY = 'portal-feedback';
  var me = document.currentScript;
  if (!me || !me.src || !window.fetch || !document.documentElement.attachShadow) return;
  var API = new URL(me.src).origin;

  // The token travels in the fragment (never sent to any server); take it out of the address
  // bar at once, so it is neither bookmarked nor shared nor in the history.
  var token = null;
  var openItem = null;
  var hash = location.hash.replace(/^#/, '');
  if (hash.indexOf(KEY + '=') >= 0) {
    var params = new URLSearchParams(hash);
    token = params.get(KEY);
    openItem = params.get(KEY + '-item');
    params.delete(KEY);
    params.delete(KEY + '-item');
    var rest = params.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    if (token && /^[\w-]{16,200}$/.test(token)) {
      try { sessionStorage.setItem(KEY, token); } catch (e) { /* private mode: this load only */ }
    } else {
      token = null;
    }
  } else {
    try { token = sessionStorage.getItem(KEY); } catch (e) { token = null; }
  }
  if (!token) return;

  var S = {};
  var items = [];
  var host, root, bar, modeButton, msg, box, pins, form, text, formError, pop, attach;
  var commenting = false;
  var picked = null;

  function s(key) { return S[key] || key; }
  function el(tag, cls, txt) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt != null) e.textContent = txt;
    return e;
  }
  function norm(t) { return (t || '').replace(/\s+/g, ' ').trim(); }
  function cut(t, n) { return Array.from(t).slice(0, n).join(''); }
  function pageUrl() { return location.href.split('#')[0]; }
  function ours(e) { return e.composedPath && e.composedPath().indexOf(host) >= 0; }

  function call(method, path, body) {
    return fetch(API + path, {
      method: method,
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      headers: body
        ? { authorization: 'Bearer ' + token, 'content-type': 'application/json' }
        : { authorization: 'Bearer ' + token },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.text().then(function (t) {
        var j = null;
        try { j = t ? JSON.parse(t) : null; } catch (e) { j = null; }
        if (r.ok) return j;
        var err = new Error(problem(r.status, j));
        err.status = r.status;
        throw err;
      });
    }, function () { throw new Error(s('failed')); });
  }

  // The API's own words for what went wrong (the token expired or was revoked, feedback is
  // closed for the project's status): its problem's detail, in the customer's language.
  function problem(status, j) {
    var type = j && typeof j.type === 'string' ? j.type : '';
    if (/feedback-not-open$/.test(type) && S.notOpen) return S.notOpen;
    if (j && typeof j.detail === 'string' && j.detail) return j.detail;
    if (/feedback-token-expired$/.test(type) && S.expired) return S.expired;
    return s('failed');
  }

  function say(t, bad) {
    msg.textContent = t || '';
    msg.className = 'msg' + (bad ? ' bad' : '');
  }

  var STYLE =
    ':host{all:initial}' +
    '*{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2933}' +
    '.bar{position:fixed;right:8px;bottom:8px;z-index:2147483647;display:flex;flex-wrap:wrap;align-items:center;gap:6px 8px;max-width:calc(100vw - 16px);padding:8px 10px;background:#fff;border:1px solid #9aa5b1;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.25)}' +
    '.bar strong{font-weight:700}' +
    'button{min-height:32px;padding:4px 10px;border:1px solid #1a56db;border-radius:6px;background:#fff;color:#1a56db;font-weight:600;cursor:pointer}' +
    'button[aria-pressed=true],button.primary{background:#1a56db;color:#fff}' +
    'button:focus-visible,textarea:focus-visible{outline:3px solid #1a56db;outline-offset:2px}' +
    '.msg{flex-basis:100%;margin:0}.msg:empty{display:none}.bad{color:#b42318;font-weight:600}' +
    '.box{position:fixed;z-index:2147483646;pointer-events:none;border:2px solid #1a56db;background:rgba(26,86,219,.12);border-radius:3px;display:none}' +
    '.box.on{display:block}.box.picked{border-color:#b42318;background:rgba(180,35,24,.1)}' +
    '.pins{position:absolute;top:0;left:0;width:0;height:0}' +
    '.pin{position:absolute;z-index:2147483645;min-width:28px;height:28px;margin:-14px 0 0 -14px;padding:0 6px;border-radius:14px;border:2px solid #fff;background:#1a56db;color:#fff;font-weight:700;box-shadow:0 1px 4px rgba(0,0,0,.4)}' +
    '.pin[data-state=in-progress]{background:#b54708}.pin[data-state=resolved]{background:#067647}.pin[data-state=wont-fix]{background:#52606d}' +
    '.panel{position:fixed;z-index:2147483647;left:8px;right:8px;bottom:64px;max-width:360px;margin-left:auto;padding:12px;background:#fff;border:1px solid #9aa5b1;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.3)}' +
    '.panel[hidden]{display:none}' +
    'label{display:block;font-weight:600;margin-bottom:4px}' +
    'textarea{display:block;width:100%;min-height:96px;padding:6px 8px;border:1px solid #9aa5b1;border-radius:6px;resize:vertical;background:#fff}' +
    'fieldset{margin:8px 0 0;padding:4px 8px;max-height:140px;overflow:auto;border:1px solid #9aa5b1;border-radius:6px}legend{font-weight:600}' +
    'fieldset label{font-weight:400;overflow-wrap:anywhere}input:focus-visible{outline:3px solid #1a56db}' +
    '.row{display:flex;gap:8px;margin-top:8px}.panel p{margin:0 0 6px;overflow-wrap:anywhere;white-space:pre-wrap}.hint{color:#52606d}';

  function build() {
    host = document.createElement('div');
    host.setAttribute('data-portal-feedback', '');
    host.style.cssText = 'all:initial;position:absolute;top:0;left:0;width:0;height:0;z-index:2147483647';
    root = host.attachShadow({ mode: 'open' });
    var style = el('style');
    style.textContent = STYLE;
    root.appendChild(style);
    pins = el('div', 'pins');
    box = el('div', 'box');
    bar = el('div', 'bar');
    bar.setAttribute('role', 'region');
    msg = el('p', 'msg');
    msg.setAttribute('role', 'status');
    msg.setAttribute('aria-live', 'polite');
    form = el('form', 'panel');
    form.hidden = true;
    pop = el('div', 'panel pop');
    pop.hidden = true;
    pop.setAttribute('role', 'dialog');
    root.appendChild(pins);
    root.appendChild(box);
    root.appendChild(bar);
    root.appendChild(form);
    root.appendChild(pop);
    document.documentElement.appendChild(host);
  }

  function toolbar() {
    bar.textContent = '';
    bar.setAttribute('aria-label', s('commentMode'));
    // A toggle: its name stays, aria-pressed says whether comment mode is on.
    modeButton = el('button', '', s('commentMode'));
    modeButton.type = 'button';
    modeButton.setAttribute('aria-pressed', 'false');
    modeButton.addEventListener('click', function () { mode(!commenting); });
    bar.appendChild(modeButton);
    bar.appendChild(msg);

    var label = el('label', '', s('commentLabel'));
    label.htmlFor = 'pf-comment';
    text = el('textarea');
    text.id = 'pf-comment';
    text.maxLength = 5000;
    text.required = true;
    formError = el('p', 'bad');
    formError.setAttribute('role', 'alert');
    var row = el('div', 'row');
    var send = el('button', 'primary', s('send'));
    send.type = 'submit';
    var cancel = el('button', '', s('cancel'));
    cancel.type = 'button';
    cancel.addEventListener('click', unpick);
    row.appendChild(send);
    row.appendChild(cancel);
    attach = el('fieldset');
    attach.hidden = true;
    form.appendChild(label);
    form.appendChild(text);
    form.appendChild(attach);
    form.appendChild(formError);
    form.appendChild(row);
    form.addEventListener('submit', submit);
    attach.addEventListener('change', limit);
  }

  // The customer's files to attach, as checkboxes: at most 10 (the API's limit) can be ticked.
  function offer(list) {
    var files = (list && list.files) || [];
    attach.textContent = '';
    attach.hidden = !files.length;
    attach.appendChild(el('legend', '', s('attach')));
    files.forEach(function (f, i) {
      var box = el('input');
      box.type = 'checkbox';
      box.value = f.fileId;
      box.id = 'pf-f' + i;
      var l = el('label', '', ' ' + f.name);
      l.htmlFor = box.id;
      l.insertBefore(box, l.firstChild);
      attach.appendChild(l);
    });
  }
  function ticked() {
    return Array.prototype.map.call(attach.querySelectorAll('input:checked'), function (b) { return b.value; });
  }
  function limit() {
    var full = ticked().length >= 10;
    attach.querySelectorAll('input').forEach(function (b) { b.disabled = full && !b.checked; });
  }

  // A way back to the element after small changes to the page: an id or another stable
  // attribute where there is one, else the path of element types from the nearest such
  // ancestor (or the body). The text snippet finds it again when the path no longer does.
  var STABLE = ['data-testid', 'data-test', 'data-id', 'name', 'aria-label'];
  function count(q) { try { return document.querySelectorAll(q).length; } catch (e) { return 0; } }
  function selector(node) {
    var parts = [];
    for (var n = node; n && n.nodeType === 1; n = n.parentElement) {
      var tag = n.localName;
      if (n === document.body || n === document.documentElement) { parts.unshift(tag); break; }
      if (n.id && !/\d{4,}|^[\d-]/.test(n.id) && count('#' + CSS.escape(n.id)) === 1) {
        parts.unshift('#' + CSS.escape(n.id));
        break;
      }
      var found = null;
      for (var i = 0; i < STABLE.length && !found; i++) {
        var v = n.getAttribute(STABLE[i]);
        var q = v && v.length <= 80 ? tag + '[' + STABLE[i] + '="' + CSS.escape(v) + '"]' : null;
        if (q && count(q) === 1) found = q;
      }
      if (found) { parts.unshift(found); break; }
      var nth = 1, same = 0;
      for (var sib = n.parentElement && n.parentElement.firstElementChild; sib; sib = sib.nextElementSibling) {
        if (sib.localName === tag) { same++; if (sib === n) nth = same; }
      }
      parts.unshift(same > 1 ? tag + ':nth-of-type(' + nth + ')' : tag);
    }
    var q2 = parts.join(' > ');
    while (q2.length > 1000 && parts.length > 1) { parts.shift(); q2 = parts.join(' > '); }
    return q2;
  }
  function snippet(node) { return cut(norm(node.textContent), 120); }

  function find(it) {
    var byPath = null;
    try { byPath = it.selector ? document.querySelector(it.selector) : null; } catch (e) { byPath = null; }
    if (byPath && host.contains(byPath)) byPath = null;
    if (byPath && (!it.snippet || norm(byPath.textContent).indexOf(it.snippet) >= 0)) return byPath;
    if (it.snippet && document.body) {
      var best = null, bestLen = Infinity;
      var all = document.body.getElementsByTagName('*');
      for (var i = 0; i < all.length && i < 5000; i++) {
        var e = all[i];
        if (e === host || /^(script|style|noscript|template)$/.test(e.localName)) continue;
        var t = norm(e.textContent);
        if (t.length < bestLen && t.indexOf(it.snippet) >= 0) { best = e; bestLen = t.length; }
      }
      if (best) return best;
    }
    return byPath;
  }

  function stateName(state) {
    return s('state' + state.replace(/(^|-)(\w)/g, function (m, d, c) { return c.toUpperCase(); }));
  }
  function replies(n) { return n === 1 ? s('repliesOne') : s('repliesOther').replace('{count}', n); }

  // Answers the items whose element this page doesn't have (or doesn't show).
  function placePins() {
    pins.textContent = '';
    return items.filter(function (it) {
      var e = find(it);
      var r = e && e.getBoundingClientRect();
      if (!r || (r.width === 0 && r.height === 0)) return true;
      var p = it.position || { x: 0.5, y: 0.5 };
      var pin = el('button', 'pin', String(it.number));
      pin.type = 'button';
      pin.setAttribute('data-state', it.state);
      pin.setAttribute('data-item', it.itemId);
      pin.setAttribute('aria-label', '#' + it.number + ': ' + stateName(it.state));
      pin.title = stateName(it.state);
      pin.style.left = Math.round(r.left + scrollX + p.x * r.width) + 'px';
      pin.style.top = Math.round(r.top + scrollY + p.y * r.height) + 'px';
      pin.addEventListener('click', function () { show(it); });
      pins.appendChild(pin);
    });
  }
  function notFound(it) { return s('notFound').replace('{number}', it.number); }

  function show(it, missing) {
    pop.textContent = '';
    var head = el('p');
    head.appendChild(el('strong', '', '#' + it.number + ' · ' + stateName(it.state)));
    pop.appendChild(head);
    if (missing) pop.appendChild(el('p', 'bad', notFound(it)));
    pop.appendChild(el('p', '', it.comment));
    var names = (it.attachments || []).map(function (a) { return a.name; }).filter(Boolean);
    if (names.length) pop.appendChild(el('p', 'hint', s('attachments') + ': ' + names.join(', ')));
    pop.appendChild(el('p', 'hint', replies(it.replies || 0)));
    var close = el('button', '', s('close'));
    close.type = 'button';
    close.addEventListener('click', function () { pop.hidden = true; });
    pop.appendChild(close);
    pop.setAttribute('aria-label', '#' + it.number);
    pop.hidden = false;
    close.focus();
  }

  function highlight(node, cls) {
    if (!node) { box.className = 'box'; return; }
    var r = node.getBoundingClientRect();
    box.style.left = r.left + 'px';
    box.style.top = r.top + 'px';
    box.style.width = r.width + 'px';
    box.style.height = r.height + 'px';
    box.className = 'box on' + (cls ? ' ' + cls : '');
  }

  function onMove(e) {
    if (picked) return;
    highlight(ours(e) ? null : e.target);
  }
  function onClick(e) {
    if (ours(e) || e.target.nodeType !== 1) return;
    e.preventDefault();
    e.stopPropagation();
    e.stopImmediatePropagation();
    var node = e.target;
    var r = node.getBoundingClientRect();
    var frac = function (v, start, size) { return size > 0 ? Math.round(Math.min(1, Math.max(0, (v - start) / size)) * 1e4) / 1e4 : 0.5; };
    picked = {
      node: node,
      selector: selector(node),
      snippet: snippet(node),
      position: { x: frac(e.clientX, r.left, r.width), y: frac(e.clientY, r.top, r.height) },
    };
    highlight(node, 'picked');
    formError.textContent = '';
    form.hidden = false;
    text.focus();
  }
  function onKey(e) {
    if (e.key === 'Escape') { if (picked) unpick(); else mode(false); }
  }
  // The page's own clicks, submits and links are held back while commenting.
  function hold(e) { if (!ours(e)) { e.preventDefault(); e.stopPropagation(); } }

  function mode(on) {
    commenting = on;
    modeButton.setAttribute('aria-pressed', on ? 'true' : 'false');
    var f = on ? document.addEventListener : document.removeEventListener;
    f.call(document, 'mousemove', onMove, true);
    f.call(document, 'click', onClick, true);
    f.call(document, 'keydown', onKey, true);
    f.call(document, 'submit', hold, true);
    f.call(document, 'auxclick', hold, true);
    if (on) {
      say(s('hint'));
    } else {
      unpick();
      highlight(null);
      say('');
    }
  }

  function unpick() {
    picked = null;
    form.hidden = true;
    highlight(null);
  }

  function submit(e) {
    e.preventDefault();
    if (!picked) return;
    var comment = text.value.trim();
    if (!comment) { text.focus(); return; }
    var sent = picked;
    formError.textContent = '';
    call('POST', '/feedback/overlay/items', {
      pageUrl: pageUrl(),
      selector: sent.selector,
      snippet: sent.snippet,
      position: sent.position,
      viewport: { width: innerWidth, height: innerHeight },
      userAgent: navigator.userAgent,
      comment: comment,
      attachments: ticked(),
    }).then(function (item) {
      items.push({
        itemId: item.itemId,
        number: item.number,
        selector: item.selector,
        snippet: item.snippet,
        position: item.position,
        state: item.state,
        comment: item.comment,
        replies: item.replyCount || 0,
        attachments: item.attachmentFiles,
      });
      text.value = '';
      attach.querySelectorAll('input').forEach(function (b) { b.checked = b.disabled = false; });
      mode(false);
      placePins();
      say(s('sent'));
    }, function (err) {
      formError.textContent = err.message;
      if (err.status === 401) forget();
    });
  }

  function forget() { try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing kept */ } }

  var pending = false;
  function later() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; placePins(); });
  }

  function start() {
    build();
    call('GET', '/feedback/overlay/session').then(function (session) {
      S = (session && session.strings) || {};
      toolbar();
      // Without the file list the form still works, only without attachments.
      call('GET', '/feedback/overlay/files').then(offer, function () {});
      return call('GET', '/feedback/overlay/items?page=' + encodeURIComponent(pageUrl()));
    }).then(function (list) {
      items = (list && list.items) || [];
      say(placePins().map(notFound).join(' '));
      addEventListener('resize', later);
      addEventListener('load', later);
      if (window.ResizeObserver && document.body) new ResizeObserver(later).observe(document.body);
      if (openItem) {
        var it = items.filter(function (i) { return i.itemId === openItem; })[0];
        var pin = it && root.querySelector('.pin[data-item="' + CSS.escape(it.itemId) + '"]');
        if (pin) { pin.scrollIntoView({ block: 'center' }); show(it); } else if (it) show(it, true);
      }
    }).catch(function (err) {
      if (err.status === 401) forget();
      // No answer at all (this origin isn't the customer's, or the portal is unreachable):
      // there is nothing to say in the customer's words, so nothing is shown.
      if (!modeButton && !err.status) { host.remove(); return; }
      if (!modeButton) {
        // Without a session there are no texts and nothing to offer: only the API's answer.
        bar.textContent = '';
        bar.appendChild(msg);
        var close = el('button', '', '×');
        close.type = 'button';
        close.addEventListener('click', function () { host.remove(); });
        bar.appendChild(close);
      }
      say(err.message, true);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
