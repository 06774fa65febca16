// Progressive enhancement only: the complaint form works without this file.
// With it, the facility list shows only the facilities of the chosen city.
document.documentElement.className += " js";
(function () {
  var city = document.getElementById('cityId');
  var facility = document.getElementById('facilityId');
  if (!city || !facility) return;
  var groups = Array.prototype.slice.call(facility.querySelectorAll('optgroup'));
  function filter() {
    groups.forEach(function (g) {
      var show = !city.value || g.getAttribute('data-city') === city.value;
      g.hidden = !show;
      g.disabled = !show;
    });
    var selected = facility.options[facility.selectedIndex];
    if (selected && selected.parentNode.disabled) facility.value = '';
  }
  city.addEventListener('change', filter);
  filter();
})();

// The print view's button (hidden without JavaScript, where the browser's menu prints or saves).
(function () {
  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (b) {
    b.addEventListener('click', function () { window.print(); });
  });
})();

// The error summary takes focus, so a screen reader reads it and the page starts where the errors are.
(function () {
  var summary = document.getElementById('error-summary');
  if (summary && document.activeElement !== summary) summary.focus();
})();

// On a form page, the language links keep what was typed: they press the form's own language
// button (a POST that comes back with the same values in the other language).
(function () {
  var form = document.querySelector('form[data-keep-on-lang]');
  if (!form) return;
  Array.prototype.forEach.call(document.querySelectorAll('.langs a[hreflang]'), function (a) {
    var button = form.querySelector('button[name="switchLang"][value="' + a.getAttribute('hreflang') + '"]');
    if (!button) return;
    a.addEventListener('click', function (e) {
      e.preventDefault();
      button.click();
    });
  });
})();

// Staff account form: only the fields of the chosen role are shown (and required).
(function () {
  var role = document.querySelector('[data-role-switch]');
  if (!role) return;
  var groups = Array.prototype.slice.call(document.querySelectorAll('[data-for-role]'));
  function sync() {
    groups.forEach(function (g) {
      var on = g.getAttribute('data-for-role') === role.value;
      g.hidden = !on;
      Array.prototype.forEach.call(g.querySelectorAll('select,input'), function (f) {
        f.disabled = !on;
        f.required = on;
      });
    });
  }
  role.addEventListener('change', sync);
  sync();
})();
