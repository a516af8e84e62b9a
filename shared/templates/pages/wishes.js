(function () {
  'use strict';
  var form = document.getElementById('wishes');
  var dataBlock = document.getElementById('wishes-data');
  var top = document.getElementById('page-rows');
  var template = document.getElementById('page-template');
  if (!form || !dataBlock || !top || !template || !window.fetch || !window.JSON) return;
  var data = JSON.parse(dataBlock.textContent);
  var s = data.strings;
  var status = document.getElementById('autosave');
  var moves = document.getElementById('page-moves');
  var conflictBox = document.getElementById('js-conflict');
  var version = form.querySelector('input[name=version]');
  var csrf = form.querySelector('input[name=csrf]').value;
  var addPage = document.getElementById('add-page');

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? 'error' : 'hint';
  }

  // The rows of one level: direct children only, so sub-pages keep their own order.
  function rows(container) {
    return Array.prototype.filter.call(container.children, function (el) {
      return el.classList.contains('page-row');
    });
  }
  function own(row, selector) {
    return Array.prototype.filter.call(row.querySelectorAll(selector), function (el) {
      return el.closest('.page-row') === row;
    });
  }
  function part(row, selector) {
    return own(row, selector)[0];
  }

  // Names follow the place of a row, so a plain form post after a move saves what is shown.
  function renumber(container, prefix, number, depth) {
    var list = rows(container);
    list.forEach(function (row, i) {
      var name = prefix + '[' + i + ']';
      var shown = number + (i + 1);
      row.dataset.depth = depth;
      part(row, '.page-number').textContent = shown;
      ['title', 'purpose', 'texts'].forEach(function (f) {
        var field = part(row, '.page-fields input[data-field=' + f + ']') || part(row, '.page-fields textarea[data-field=' + f + ']');
        field.name = name + '.' + f;
        field.id = 'f-' + name + '.' + f;
        part(row, '.page-fields label[data-field=' + f + ']').htmlFor = field.id;
      });
      part(row, '.page-tools').hidden = false;
      part(row, '.move-up').disabled = i === 0;
      part(row, '.move-down').disabled = i === list.length - 1;
      part(row, '.add-child').hidden = depth >= data.maxDepth;
      renumber(part(row, '.children'), name + '.children', shown + '.', depth + 1);
    });
  }
  function renumberAll() {
    renumber(top, 'pages', '', 1);
    if (addPage) addPage.disabled = form.querySelectorAll('.page-row').length >= data.maxPages;
  }

  function text(row, f) {
    var field = part(row, '.page-fields [data-field=' + f + ']:not(label)');
    return field ? field.value.trim() : '';
  }
  function pagesOf(container) {
    var out = [];
    rows(container).forEach(function (row) {
      var page = {
        title: text(row, 'title'),
        purpose: text(row, 'purpose'),
        texts: text(row, 'texts'),
        children: pagesOf(part(row, '.children')),
      };
      if (page.title || page.purpose || page.texts || page.children.length) out.push(page);
    });
    return out;
  }
  // By name only: `form.elements.namedItem('tone')` would also find <fieldset id="tone">.
  // Names are the form's own (letters, digits, dots and brackets), safe in a selector.
  function field(name) {
    return form.querySelector('[name="' + name + '"]');
  }
  function value(name) {
    var el = field(name);
    return el ? el.value.trim() : '';
  }
  function listOf(make) {
    var out = [];
    for (var i = 0; ; i++) {
      var item = make(i);
      if (item === undefined) return out;
      if (item) out.push(item);
    }
  }
  // The brief exactly as the plain form would post it: empty rows left out.
  function brief() {
    var logo = form.querySelector('input[name=logo]:checked');
    var kind = logo ? logo.value : 'none';
    return {
      pages: pagesOf(top),
      logo: kind === 'needed' ? { kind: 'needed' } : kind === 'file' ? { kind: 'file', fileId: value('logo.fileId') } : null,
      colours: listOf(function (i) {
        if (!field('colours[' + i + '].hex')) return undefined;
        var hex = value('colours[' + i + '].hex');
        return hex ? { hex: hex, role: value('colours[' + i + '].role') || 'primary' } : null;
      }),
      fonts: listOf(function (i) {
        if (!field('fonts[' + i + ']')) return undefined;
        return value('fonts[' + i + ']') || null;
      }),
      tone: value('tone'),
      examples: listOf(function (i) {
        if (!field('examples[' + i + '].url')) return undefined;
        var url = value('examples[' + i + '].url');
        var notes = value('examples[' + i + '].notes');
        return url || notes ? { url: url, notes: notes } : null;
      }),
      audience: value('audience'),
      competitors: value('competitors'),
      other: value('other'),
    };
  }

  // Autosave: a while after the last change, the whole brief over the version this page
  // holds. Another tab's newer save is never overwritten without the customer's choice.
  var lastSaved = JSON.stringify(brief());
  var timer = null;
  var saving = false;
  var blocked = false;
  var pendingSubmit = null;

  function changed() {
    if (blocked) return;
    clearTimeout(timer);
    timer = setTimeout(save, data.delay);
  }
  function clock() {
    try {
      return new Intl.DateTimeFormat(data.lang, { hour: '2-digit', minute: '2-digit' }).format(new Date());
    } catch (e) {
      return new Date().toTimeString().slice(0, 5);
    }
  }
  function finished() {
    saving = false;
    if (pendingSubmit) {
      var button = pendingSubmit;
      pendingSubmit = null;
      if (!blocked) form.requestSubmit(button);
    }
  }
  function save() {
    timer = null;
    if (blocked) return;
    if (saving) {
      timer = setTimeout(save, data.delay);
      return;
    }
    var current = brief();
    var snapshot = JSON.stringify(current);
    if (snapshot === lastSaved) return;
    saving = true;
    say(s.saving, false);
    fetch('/me/wishes', {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ version: Number(version.value), brief: current }),
    })
      .then(function (r) {
        return r.text().then(function (body) {
          var json = null;
          try { json = JSON.parse(body); } catch (e) { json = null; }
          return { status: r.status, json: json };
        });
      })
      .then(function (answer) {
        if (answer.status === 200 && answer.json) {
          version.value = answer.json.version;
          lastSaved = snapshot;
          say(s.savedAt.replace('{time}', clock()), false);
        } else if (answer.status === 409 && answer.json) {
          conflict(answer.json.currentVersion);
        } else if (answer.status === 422) {
          say(s.invalid, true);
        } else if (answer.status === 401 || answer.status === 403) {
          say(s.signedOut, true);
        } else {
          say(s.failed, true);
        }
        finished();
      })
      .catch(function () {
        say(s.failed, true);
        finished();
      });
  }

  var newer = null;
  function conflict(current) {
    blocked = true;
    clearTimeout(timer);
    newer = current;
    pendingSubmit = null;
    say('', false);
    conflictBox.hidden = false;
    document.getElementById('conflict-load').focus();
  }
  document.getElementById('conflict-load').addEventListener('click', function () {
    window.location.assign('/wishes');
  });
  document.getElementById('conflict-keep').addEventListener('click', function () {
    // The customer chose to keep what they see: the next save replaces the newer version.
    if (typeof newer === 'number') version.value = newer;
    blocked = false;
    conflictBox.hidden = true;
    lastSaved = null;
    changed();
  });

  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', function (e) {
    clearTimeout(timer);
    // A save on its way moves the version: post the form once it is back.
    if (saving) {
      e.preventDefault();
      pendingSubmit = e.submitter || null;
    }
  });

  // Adding and moving pages, with buttons (so keyboards and screen readers can too).
  function newRow() {
    return document.importNode(template.content, true).querySelector('.page-row');
  }
  function full() {
    if (form.querySelectorAll('.page-row').length < data.maxPages) return false;
    moves.textContent = s.tooMany;
    return true;
  }
  if (addPage) {
    addPage.addEventListener('click', function (e) {
      e.preventDefault();
      if (full()) return;
      var row = newRow();
      top.appendChild(row);
      renumberAll();
      part(row, 'input[data-field=title]').focus();
    });
  }
  // The blank sub-page rows are for the plain form; here "Add a sub-page" does that job.
  Array.prototype.forEach.call(top.querySelectorAll('.children > .page-row[data-blank]'), function (row) {
    if (!text(row, 'title') && !text(row, 'purpose') && !text(row, 'texts') && !rows(part(row, '.children')).length) {
      row.parentNode.removeChild(row);
    }
  });
  top.addEventListener('click', function (e) {
    var button = e.target.closest('button');
    if (!button || button.closest('#page-rows') !== top) return;
    var row = button.closest('.page-row');
    if (button.classList.contains('add-child')) {
      if (full()) return;
      var child = newRow();
      part(row, '.children').appendChild(child);
      renumberAll();
      part(child, 'input[data-field=title]').focus();
      return;
    }
    var up = button.classList.contains('move-up');
    if (!up && !button.classList.contains('move-down')) return;
    var level = rows(row.parentNode);
    var at = level.indexOf(row);
    var to = up ? at - 1 : at + 1;
    if (to < 0 || to >= level.length) return;
    if (up) row.parentNode.insertBefore(row, level[to]);
    else row.parentNode.insertBefore(level[to], row);
    renumberAll();
    // The moved row keeps the focus, on the same button while it can still move that way.
    var same = part(row, up ? '.move-up' : '.move-down');
    (same.disabled ? part(row, up ? '.move-down' : '.move-up') : same).focus();
    moves.textContent = s.moved.replace('{number}', part(row, '.page-number').textContent);
    changed();
  });
  renumberAll();

  // The logo from the customer's own files: their available images, as the files API lists
  // them (a few pages at most).
  var picker = document.getElementById('logo-picker');
  var pick = document.getElementById('logo-pick');
  var note = document.getElementById('logo-pick-note');
  var fileId = field('logo.fileId');
  function images(url, found, pages) {
    return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (list) {
        (list.items || []).forEach(function (f) {
          if (f.state === 'available' && /^image\//i.test(f.contentType || '')) found.push(f);
        });
        if (list.nextCursor && pages < 5) {
          return images('/files?limit=100&cursor=' + encodeURIComponent(list.nextCursor), found, pages + 1);
        }
        return found;
      });
  }
  if (picker && pick && note && fileId) {
    picker.hidden = false;
    images('/files?limit=100', [], 1)
      .then(function (found) {
        if (!found.length) {
          note.textContent = s.noImages;
          pick.disabled = true;
          return;
        }
        var blank = document.createElement('option');
        blank.value = '';
        blank.textContent = s.choose;
        pick.appendChild(blank);
        found.forEach(function (f) {
          var option = document.createElement('option');
          option.value = f.id;
          option.textContent = f.folder ? f.folder + ' / ' + f.name : f.name;
          if (f.id === fileId.value.trim()) option.selected = true;
          pick.appendChild(option);
        });
      })
      .catch(function () {
        note.textContent = s.filesFailed;
        pick.disabled = true;
      });
    pick.addEventListener('change', function (e) {
      e.stopPropagation();
      if (!pick.value) return;
      fileId.value = pick.value;
      var radio = form.querySelector('input[name=logo][value=file]');
      if (radio) radio.checked = true;
      changed();
    });
  }
})();
