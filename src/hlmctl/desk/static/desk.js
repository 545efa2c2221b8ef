// The delegation's table, kept up to date from the push stream (/events). Cells are
// built with textContent alone: nothing from the server is ever parsed as HTML.
"use strict";
(function () {
  var table = document.getElementById("mine");
  if (!table || !window.EventSource) { return; }
  var body = table.tBodies[0];
  var wrap = document.getElementById("mine-wrap") || table;
  var none = document.getElementById("none");
  var live = document.getElementById("live");
  var lost = document.getElementById("lost");
  var keys = ["ref", "list", "kind", "state", "place", "time", "meeting"];
  var lang = table.getAttribute("data-lang") === "fr" ? "?lang=fr" : "";
  var shown = null;

  function cell(row, key) {
    var el = document.createElement(key === "ref" ? "th" : "td");
    if (key === "ref") {
      el.setAttribute("scope", "row");
      if (row.ref.charAt(0) === "R") {
        var a = document.createElement("a");
        a.setAttribute("href", "/receipt/" + encodeURIComponent(row.ref) + lang);
        a.textContent = row.ref;
        el.appendChild(a);
        return el;
      }
    }
    el.textContent = row[key] || "";
    return el;
  }

  function show(rows) {
    var text = JSON.stringify(rows);
    if (text === shown) { return; }
    var first = shown === null;
    shown = text;
    while (body.firstChild) { body.removeChild(body.firstChild); }
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      keys.forEach(function (key) { tr.appendChild(cell(row, key)); });
      body.appendChild(tr);
    });
    wrap.hidden = rows.length === 0;
    if (none) { none.hidden = rows.length !== 0; }
    if (!first && live) { live.textContent = live.getAttribute("data-words"); }
  }

  var source = new EventSource("/events" + lang);
  source.addEventListener("state", function (event) {
    var data = JSON.parse(event.data);
    if (lost) { lost.hidden = true; }
    document.documentElement.setAttribute("data-connection", "live");
    show(data.rows || []);
  });
  source.addEventListener("tick", function () {
    if (lost) { lost.hidden = true; }
  });
  source.onerror = function () {
    if (lost) { lost.hidden = false; }
    document.documentElement.setAttribute("data-connection", "lost");
  };
})();
