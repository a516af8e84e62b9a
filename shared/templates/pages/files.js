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
          if (!r.ok) throw new Error((j.errors && j.errors[0] && j.errors[0].message) || j.detail || box.dataset.msgFailed);
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
  function take(files) {
    var sending = [];
    Array.prototype.forEach.call(files, function (file) {
      var li = row(file);
      if (!allowed(file.type)) { li.classList.add('refused'); say(li, box.dataset.msgType, true); return; }
      if (file.size > max) { li.classList.add('refused'); say(li, box.dataset.msgTooLarge, true); return; }
      sending.push(upload(file, li));
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
