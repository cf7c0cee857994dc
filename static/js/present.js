/* Meeting-day mode: a timer per topic (green, then amber, then red past its budget),
 * ←/→ (or P/N) for the organizer, and everyone else's screen following along. */
(function () {
  "use strict";

  function tick() {
    document.querySelectorAll("[data-timer]").forEach(function (timer) {
      var started = Date.parse(timer.getAttribute("data-started"));
      var budget = parseFloat(timer.getAttribute("data-minutes")) * 60;
      var elapsed = Math.max(0, Math.floor((Date.now() - started) / 1000));
      var text = timer.querySelector("[data-timer-text]");
      text.textContent = Math.floor(elapsed / 60) + ":" + String(elapsed % 60).padStart(2, "0");
      var state = !budget ? "green" : elapsed > budget ? "red" : elapsed > budget * 0.8 ? "amber" : "green";
      timer.setAttribute("data-state", state);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    var step = { ArrowRight: "next", n: "next", N: "next", ArrowLeft: "prev", p: "prev", P: "prev" }[event.key];
    if (!step) return;
    var button = document.querySelector('[data-step="' + step + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  // Those watching (not driving) follow the organizer: poll the board's revision.
  var revision = null;
  function poll() {
    var stage = document.querySelector("[data-stage]");
    if (!stage || document.hidden) return;
    revision = revision || stage.getAttribute("data-revision");
    fetch(stage.getAttribute("data-revision-url"), { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || String(data.revision) === String(revision)) return;
        revision = String(data.revision);
        htmx.ajax("GET", stage.getAttribute("data-stage-url"), { target: "#stage", swap: "outerHTML" });
      })
      .catch(function () {});
  }

  document.body.addEventListener("htmx:afterSwap", function () {
    var stage = document.querySelector("[data-stage]");
    if (stage) revision = stage.getAttribute("data-revision");
    tick();
  });
  window.setInterval(tick, 1000);
  window.setInterval(poll, 3000);
  tick();
})();
