// Watch reports that are queued or being generated: poll each one's status every two seconds
// and update its row in place; when a report is done its download and print links appear.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-watch]"));
  if (!rows.length || !window.fetch) { return; }

  function update(row, data) {
    var cell = row.querySelector(".report-status");
    var badge = cell.querySelector("[data-label]");
    badge.textContent = data.label;
    badge.className = "badge badge-" + data.status;
    var bar = cell.querySelector("progress");
    if (data.in_progress) {
      if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
      return false;
    }
    if (bar) { bar.remove(); }
    if (data.error && data.status === "failed") {
      var error = document.createElement("small");
      error.className = "error";
      error.textContent = data.error;
      cell.appendChild(error);
    }
    var actions = row.querySelector(".report-actions");
    if (data.download) {
      actions.textContent = "";
      var download = document.createElement("a");
      download.href = data.download;
      download.textContent = row.closest("table").dataset.download || "下载Excel";
      var print = document.createElement("a");
      print.href = data.detail;
      print.textContent = row.closest("table").dataset.print || "打印版";
      actions.appendChild(download);
      actions.appendChild(document.createTextNode(" · "));
      actions.appendChild(print);
    }
    return true;
  }

  function poll() {
    rows = rows.filter(function (row) { return row.hasAttribute("data-watch"); });
    if (!rows.length) { return; }
    Promise.all(rows.map(function (row) {
      return fetch(row.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && update(row, data)) { row.removeAttribute("data-watch"); } })
        .catch(function () { /* the network dropped: try again next round */ });
    })).then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
})();
