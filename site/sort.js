/* podium's table sorting, a progressive enhancement: without this file a
   table shows the server's order (the rank). It puts a button in each
   header of every table[data-sortable]; a click sorts the rows by that
   column, ascending then descending, and says so in aria-sort. Cells
   holding data-v (the raw SI value, ASCII whatever digits the page shows)
   sort as numbers; other cells by their text in the page's language.
   Empty cells go last either way. No requests, no globals. */
(function () {
  'use strict';
  function key(cell) {
    if (!cell) return null;
    var v = cell.getAttribute('data-v');
    if (v !== null && v !== '') {
      var n = parseFloat(v);
      if (!isNaN(n)) return n;
    }
    var t = cell.textContent.trim();
    return t === '' || t === '\u2013' ? null : t;
  }
  function compare(a, b, collator) {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return collator.compare(String(a), String(b));
  }
  function sortBy(table, col, dir) {
    var body = table.tBodies[0];
    if (!body) return;
    var lang = document.documentElement.lang || undefined;
    var collator = new Intl.Collator(lang, {numeric: true});
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
      return {row: r, k: key(r.cells[col]), i: i};
    });
    rows.sort(function (x, y) {
      var c = compare(x.k, y.k, collator);
      if (x.k !== null && y.k !== null && dir === 'descending') c = -c;
      return c || x.i - y.i;   /* stable: ties keep their order */
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) {
      if (i === col) ths[i].setAttribute('aria-sort', dir);
      else ths[i].removeAttribute('aria-sort');
    }
  }
  function enhance(table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    var ths = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(ths, function (th, col) {
      var b = document.createElement('button');
      b.type = 'button';
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      b.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending'
          ? 'descending' : 'ascending';
        sortBy(table, col, dir);
      });
    });
  }
  function init() {
    var tables = document.querySelectorAll('table[data-sortable]');
    Array.prototype.forEach.call(tables, enhance);
  }
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', init);
  else init();
})();
