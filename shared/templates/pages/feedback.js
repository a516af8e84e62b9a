(function () {
  'use strict';
  // The staff filter applies as soon as a choice is made; its button stays for keyboards
  // and for browsers without this script.
  var filter = document.getElementById('filter');
  if (filter) {
    Array.prototype.forEach.call(filter.querySelectorAll('select'), function (select) {
      select.addEventListener('change', function () { filter.requestSubmit ? filter.requestSubmit() : filter.submit(); });
    });
  }
  // Ctrl+Enter (or Cmd+Enter) sends a reply, as in most message boxes.
  Array.prototype.forEach.call(document.querySelectorAll('.reply-form textarea'), function (area) {
    area.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && area.value.trim()) {
        e.preventDefault();
        area.form.requestSubmit ? area.form.requestSubmit() : area.form.submit();
      }
    });
  });
})();
