// Live run page: poll the run's progress every 2 s and update the numbers in place; switch to
// the results summary when the run ends. Closing the page changes nothing on the server.
(function () {
  "use strict";
  // The reset form asks first (here, not in an onsubmit attribute: the CSP allows no inline
  // script).
  var resetForm = document.getElementById("reset");
  if (resetForm) {
    resetForm.addEventListener("submit", function (event) {
      if (!window.confirm(resetForm.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  }
  var panel = document.getElementById("progress");
  if (!panel) { return; }
  var url = panel.getAttribute("data-url");
  var terminal = ["completed", "completed_with_errors", "failed", "cancelled"];

  function render(p) {
    document.getElementById("status").textContent = p.status;
    document.getElementById("stage").textContent = p.current_stage;
    document.getElementById("bar").value = p.percent;
    document.getElementById("percent").textContent = p.percent;
    document.getElementById("elapsed").textContent = p.elapsed_seconds + " s";
    document.getElementById("eta").textContent = p.eta_seconds === null ? "–" : p.eta_seconds + " s";
    Object.keys(p.counters).forEach(function (name) {
      var cell = panel.querySelector('[data-counter="' + name + '"]');
      if (cell) { cell.textContent = p.counters[name]; }
    });
    (p.sources || []).forEach(function (rs) {
      var item = document.querySelector('#sources [data-source="' + rs.id + '"]');
      if (!item) { return; }
      // textContent, never innerHTML: names and notes come from operators and crawled pages.
      item.textContent = rs.name + ": " + rs.status + ", " + rs.urls_found + " URL(s), archived " +
        rs.archived + (rs.note ? " (" + rs.note + ")" : "");
    });
    if (terminal.indexOf(p.status) >= 0) {
      var c = p.counters, s = p.skipped;
      var skipped = s ? s.unchanged + " unchanged, " + s.skipped + " skipped, " + s.not_a_job +
        " not a job" : c.jobs_skipped + " unchanged or skipped";
      document.getElementById("summary-text").textContent = p.status + ": " + c.jobs_added +
        " added, " + c.jobs_updated + " updated, " + skipped + ", " + c.jobs_failed +
        " failed, " + c.jobs_archived + " archived in " + p.elapsed_seconds + " s.";
      document.getElementById("summary").hidden = false;
      var reset = document.getElementById("reset");
      if (reset) { reset.hidden = true; }
      return true;
    }
    return false;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) { if (!p || !render(p)) { setTimeout(poll, 2000); } })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (terminal.indexOf(document.getElementById("status").textContent) < 0) { setTimeout(poll, 1000); }
}());
