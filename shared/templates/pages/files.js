(function () {
  'use strict';
  var box = document.getElementById('upload');
  var drop = document.getElementById('drop');
  var picker = document.getElementById('picker');
  var list = document.getElementById('uploads');
  if (!box || !drop || !picker || !list || !window.XMLHttpRequest || !window.FormData) return;
  drop.hidden = false;
  var max = Number(box.dataset.max);
  var types = box.dataset.types.split(',').filter(Boolean);
  function allowed(type) {
    var essence = (type || '').split(';')[0].trim().toLowerCase();
    return types.some(function (a) {
      a = a.toLowerCase();
      return a.slice(-2) === '/*' ? essence.indexOf(a.slice(0, -1)) === 0 : essence === a;
    });
  }
  function row(file) {
    var li = document.createElement('li');
    li.className = 'upload-item';
    var name = document.createElement('span');
    name.className = 'upload-name';
    name.textContent = file.name;
    li.appendChild(name);
    list.appendChild(li);
    return li;
  }
  function say(li, text, isError) {
    var p = document.createElement('p');
    p.className = isError ? 'error' : 'hint';
    if (isError) p.setAttribute('role', 'alert');
    p.textContent = text;
    li.appendChild(p);
  }
  function refresh() {
    return fetch(window.location.href, { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('file-list');
        var old = document.getElementById('file-list');
        if (fresh && old) old.replaceWith(fresh);
      });
  }
  // The server's refusal in the page's language: its field codes are stable across
  // languages, its English messages are for API clients.
  function refusal(problem) {
    var code = problem && problem.errors && problem.errors[0] && problem.errors[0].code;
    if (code === 'file-too-large') return box.dataset.msgTooLarge;
    if (code === 'file-type-not-allowed' || code === 'content-type-invalid') return box.dataset.msgType;
    if (code === 'file-quota-exceeded') return box.dataset.msgQuota;
    return box.dataset.msgFailed;
  }
  function upload(file, li) {
    var bar = document.createElement('progress');
    bar.max = file.size;
    bar.value = 0;
    bar.setAttribute('aria-label', file.name);
    li.appendChild(bar);
    var body = { filename: file.name, contentType: file.type, size: file.size };
    if (box.dataset.folder) body.folder = box.dataset.folder;
    // Staff upload for the customer whose page this is: shared by the agency.
    if (box.dataset.customerId) body.customerId = box.dataset.customerId;
    return fetch('/files/uploads', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': box.dataset.csrf },
      body: JSON.stringify(body),
    })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error(refusal(j));
          return j;
        });
      })
      .then(function (started) {
        return new Promise(function (resolve, reject) {
          var form = new FormData();
          Object.keys(started.upload.fields).forEach(function (k) { form.append(k, started.upload.fields[k]); });
          form.append('file', file);
          var xhr = new XMLHttpRequest();
          xhr.open('POST', started.upload.url);
          xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
          xhr.onload = function () {
            if (xhr.status >= 200 && xhr.status < 300) { bar.value = bar.max; resolve(); }
            else reject(new Error(box.dataset.msgFailed));
          };
          xhr.onerror = function () { reject(new Error(box.dataset.msgFailed)); };
          xhr.send(form);
        });
      })
      .then(function () { li.classList.add('done'); say(li, box.dataset.msgDone, false); })
      .catch(function (e) { li.classList.add('failed'); say(li, e.message || box.dataset.msgFailed, true); });
  }
  // Files above this go in parts (the server's multipart::THRESHOLD): a few at a time, each
  // part to its own signed URL; the upload's file id is kept per (name, size, last change),
  // so picking the same file again after an interruption sends only the missing parts.
  var PARTS_ABOVE = 100 * 1024 * 1024;
  var PARALLEL = 3;
  function partsKey(file) {
    return 'portal-upload:' + file.name + ':' + file.size + ':' + file.lastModified;
  }
  function remember(file, id) {
    try { if (id) localStorage.setItem(partsKey(file), id); else localStorage.removeItem(partsKey(file)); } catch (e) { /* private mode */ }
  }
  function remembered(file) {
    try { return localStorage.getItem(partsKey(file)); } catch (e) { return null; }
  }
  function api(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: { 'x-csrf-token': box.dataset.csrf } };
    if (body) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (r) {
      if (r.status === 204) return null;
      return r.json().then(function (j) {
        if (!r.ok) { var e = new Error(refusal(j)); e.status = r.status; throw e; }
        return j;
      });
    });
  }
  function putPart(signed, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(signed.method, signed.url);
      Object.keys(signed.headers || {}).forEach(function (h) { xhr.setRequestHeader(h, signed.headers[h]); });
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded); };
      xhr.onload = function () { if (xhr.status >= 200 && xhr.status < 300) { onProgress(blob.size); resolve(); } else reject(new Error(box.dataset.msgFailed)); };
      xhr.onerror = function () { reject(new Error(box.dataset.msgFailed)); };
      xhr.send(blob);
    });
  }
  /** The upload's id and plan with the parts already stored: the remembered one, or a new one. */
  function startOrResume(file) {
    var id = remembered(file);
    var fresh = function () {
      var body = { filename: file.name, contentType: file.type, size: file.size };
      if (box.dataset.folder) body.folder = box.dataset.folder;
      return api('POST', '/files/uploads', body).then(function (started) {
        remember(file, started.file.id);
        return { id: started.file.id, plan: started.multipart, arrived: [] };
      });
    };
    if (!id) return fresh();
    return api('GET', '/files/' + encodeURIComponent(id) + '/parts').then(function (listed) {
      return { id: id, plan: listed, arrived: listed.parts };
    }, function () { remember(file, null); return fresh(); });
  }
  function uploadLarge(file, li) {
    var bar = document.createElement('progress');
    bar.max = file.size;
    bar.value = 0;
    bar.setAttribute('aria-label', file.name);
    li.appendChild(bar);
    var id;
    return startOrResume(file)
      .then(function (upload) {
        id = upload.id;
        var plan = upload.plan;
        var size = function (n) { return Math.min(plan.partSize, file.size - (n - 1) * plan.partSize); };
        var done = {};
        var sent = {};
        var show = function () { bar.value = Object.keys(sent).reduce(function (a, n) { return a + sent[n]; }, 0); };
        upload.arrived.forEach(function (p) { done[p.partNumber] = true; sent[p.partNumber] = p.size; });
        li.dataset.resumedParts = String(upload.arrived.length);
        show();
        var missing = [];
        for (var n = 1; n <= plan.partCount; n++) if (!done[n]) missing.push(n);
        var batches = [];
        for (var i = 0; i < missing.length; i += Math.min(plan.maxBatch, 20)) batches.push(missing.slice(i, i + Math.min(plan.maxBatch, 20)));
        return batches.reduce(function (previous, numbers) {
          return previous.then(function () {
            return api('POST', '/files/' + encodeURIComponent(id) + '/parts', { partNumbers: numbers }).then(function (signed) {
              var queue = signed.parts.slice();
              var worker = function () {
                var part = queue.shift();
                if (!part) return Promise.resolve();
                var n = part.partNumber;
                var start = (n - 1) * plan.partSize;
                return putPart(part, file.slice(start, start + size(n)), function (loaded) { sent[n] = loaded; show(); }).then(worker);
              };
              var workers = [];
              for (var w = 0; w < PARALLEL; w++) workers.push(worker());
              return Promise.all(workers);
            });
          });
        }, Promise.resolve());
      })
      .then(function () { return api('POST', '/files/' + encodeURIComponent(id) + '/complete'); })
      .then(function () { remember(file, null); bar.value = bar.max; li.classList.add('done'); say(li, box.dataset.msgDone, false); })
      .catch(function (e) { li.classList.add('failed'); say(li, e.message || box.dataset.msgFailed, true); });
  }
  function take(files) {
    var sending = [];
    Array.prototype.forEach.call(files, function (file) {
      var li = row(file);
      if (!allowed(file.type)) { li.classList.add('refused'); say(li, box.dataset.msgType, true); return; }
      if (file.size > max) { li.classList.add('refused'); say(li, box.dataset.msgTooLarge, true); return; }
      sending.push(file.size > PARTS_ABOVE ? uploadLarge(file, li) : upload(file, li));
    });
    if (sending.length) Promise.all(sending).then(refresh);
  }
  picker.addEventListener('change', function () { take(picker.files); picker.value = ''; });
  ['dragenter', 'dragover'].forEach(function (n) {
    drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.add('over'); });
  });
  drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
  drop.addEventListener('drop', function (e) {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer) take(e.dataTransfer.files);
  });
})();
