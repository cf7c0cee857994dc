/* The board's small behaviours on top of htmx: keyboard, IME-safe Enter, preview tabs,
 * focus and announcements, undo timers, and the live refresh of what others change.
 * Everything here is an enhancement: without JavaScript the same actions are plain forms. */
(function () {
  "use strict";

  var board = document.querySelector("[data-board]");
  var announcer = document.getElementById("announcer");

  function announce(message) {
    if (!announcer || !message) return;
    announcer.textContent = "";
    // A fresh text node makes screen readers read the same message twice in a row.
    window.setTimeout(function () { announcer.textContent = message; }, 30);
  }

  /* ---- keyboard --------------------------------------------------------------------- */

  // An IME (Japanese input) uses Enter to confirm a conversion: that Enter must never submit.
  function composing(event) {
    return event.isComposing || event.keyCode === 229;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    var form = target.closest("form");
    if (event.key === "Enter" && composing(event)) {
      if (target.tagName === "INPUT") event.preventDefault();
      return;
    }
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && target.hasAttribute("data-enter-submits")) {
      event.preventDefault();
      if (target.value.trim() !== "") form.requestSubmit();
      return;
    }
    if (event.key === "Escape") {
      var cancel = form.querySelector("[data-cancel]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
    }
  });

  /* ---- phone: the agenda starts folded, so the first screen shows the meeting ---------- */

  if (window.matchMedia && window.matchMedia("(max-width: 800px)").matches) {
    document.querySelectorAll("[data-agenda-toggle]").forEach(function (d) { d.open = false; });
  }

  /* ---- ＋ トピックを追加 from anywhere: header, own presenter block, the N key --------- */

  function openAddForm() {
    var panel = document.getElementById("add-topic");
    if (!panel) return false;
    panel.open = true;
    panel.scrollIntoView({ block: "start" });
    var field = panel.querySelector("[name=url]") || panel.querySelector("input:not([type=hidden]), textarea, select");
    if (field) field.focus({ preventScroll: true });
    return true;
  }

  document.addEventListener("click", function (event) {
    var opener = event.target instanceof HTMLElement && event.target.closest("[data-open-add]");
    if (opener && openAddForm()) event.preventDefault();  // without the panel: the plain form page
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "n" && event.key !== "N") return;
    if (event.ctrlKey || event.metaKey || event.altKey || composing(event)) return;
    var target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select"))) return;
    if (openAddForm()) event.preventDefault();
  });

  // After an add: the new card comes into view with the focus, and the form starts clean
  // (a fresh copy, so the errors and values of an earlier failed post are gone too).
  document.body.addEventListener("topic-added", function (event) {
    var card = event.detail && document.getElementById(event.detail.anchor);
    if (!card) return;
    card.scrollIntoView({ block: "center" });
    card.focus({ preventScroll: true });
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    var xhr = event.detail.xhr;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-fresh-url")) return;
    if (!xhr || xhr.status < 200 || xhr.status >= 300) return;
    htmx.ajax("GET", form.getAttribute("data-fresh-url"), { target: "#add-topic-form", swap: "outerHTML" });
  });

  /* ---- Markdown editor: write / preview tabs ---------------------------------------- */

  document.addEventListener("click", function (event) {
    var tab = event.target instanceof HTMLElement && event.target.closest("[data-md-tab]");
    if (!tab) return;
    var editor = tab.closest("[data-md-editor]");
    var preview = editor.querySelector(".md-preview");
    var textarea = editor.querySelector("textarea");
    var showPreview = tab.getAttribute("data-md-tab") === "preview";
    editor.querySelectorAll("[data-md-tab]").forEach(function (t) {
      t.setAttribute("aria-selected", String(t === tab));
    });
    preview.hidden = !showPreview;
    textarea.hidden = showPreview;
    if (!showPreview) textarea.focus();
  });

  /* ---- after htmx swaps: focus, announcements, undo timers --------------------------- */

  document.body.addEventListener("announce", function (event) {
    announce(event.detail && event.detail.message);
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var el = event.detail.elt;
    if (!(el instanceof HTMLElement)) return;
    var editForm = el.matches("[data-inline-edit]") ? el : el.querySelector("[data-inline-edit]");
    if (editForm && !el.matches("[data-add-form]") && !el.closest("#add-topic")) {
      var field = editForm.querySelector(".has-error input, .has-error textarea, .has-error select") ||
        editForm.querySelector("[data-focus-first]") ||
        editForm.querySelector("input:not([type=hidden]), textarea, select");
      if (field) field.focus();
    } else if (el.matches(".topic:not(.deleted), .deep-dive, .remark") && document.activeElement === document.body) {
      // Back from an edit form: keep the keyboard user where they were.
      el.focus({ preventScroll: true });
    }
    startUndoTimers(el);
  });

  function startUndoTimers(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var items = [];
    if (scope.matches && scope.matches("[data-undo-expires]")) items.push(scope);
    scope.querySelectorAll("[data-undo-expires]").forEach(function (el) { items.push(el); });
    items.forEach(function (el) {
      var ms = parseInt(el.getAttribute("data-undo-expires"), 10) || 8000;
      window.setTimeout(function () {
        if (el.isConnected && !el.contains(document.activeElement)) el.remove();
        else if (el.isConnected) el.addEventListener("focusout", function () { el.remove(); }, { once: true });
      }, ms);
    });
  }

  /* ---- live board: refresh what others changed, never what you are editing ----------- */

  if (!board) return;
  var POLL_MS = 4000;
  var revision = board.getAttribute("data-revision");
  var revisionUrl = board.getAttribute("data-revision-url");
  var refreshing = false;

  // A region is busy while the user works in it: an open form, typed text, or focus.
  function busy(el) {
    if (!el) return false;
    if (el.querySelector("[data-inline-edit]") || el.matches(".editing, .deleted")) return true;
    var fields = el.querySelectorAll("textarea, input[type=text], input[type=url]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value.trim() !== "") return true;
    }
    var active = document.activeElement;
    return !!(active && active !== document.body && el.contains(active) && active.matches("textarea, input, select"));
  }

  // Cards carry a fingerprint of their saved content (data-rev), so that UI state such as
  // an opened remark box does not count as a change; other regions compare their markup.
  function changedContent(old, fresh) {
    if (old.hasAttribute("data-rev") || fresh.hasAttribute("data-rev")) {
      return old.getAttribute("data-rev") !== fresh.getAttribute("data-rev");
    }
    return old.outerHTML !== fresh.outerHTML;
  }

  function adopt(node) {
    var copy = document.importNode(node, true);
    return copy;
  }

  function replace(old, fresh) {
    var copy = adopt(fresh);
    old.replaceWith(copy);
    htmx.process(copy);
    return copy;
  }

  // A card (topic or deep dive): its own content and its remarks change independently,
  // so a new remark does not close the card's open forms, and the reverse.
  function mergeCard(old, fresh) {
    if (changedContent(old, fresh)) {
      if (!busy(old)) replace(old, fresh);
      return;
    }
    var region = old.querySelector(".remarks-region");
    var freshRegion = fresh.querySelector(".remarks-region");
    if (region && freshRegion && changedContent(region, freshRegion) && !busy(region)) replace(region, freshRegion);
  }

  // Bring `current` in line with `fresh`, child by child, keyed by id, leaving busy ones alone.
  function mergeChildren(current, fresh, selector, mergeInner) {
    var wanted = Array.prototype.filter.call(fresh.children, function (c) { return c.matches(selector); });
    var wantedIds = new Set(wanted.map(function (c) { return c.id; }));
    Array.prototype.forEach.call(current.querySelectorAll(":scope > " + selector), function (old) {
      if (!wantedIds.has(old.id) && !busy(old)) old.remove();
    });
    var added = 0;
    var previous = null;
    wanted.forEach(function (node) {
      var old = document.getElementById(node.id);
      var placed;
      if (old && old.parentElement === current) {
        mergeInner(old, node);
        placed = document.getElementById(node.id) || old;
      } else {
        placed = adopt(node);
        added += 1;
        htmx.process(placed);
      }
      var anchor = previous ? previous.nextElementSibling : current.querySelector(":scope > " + selector);
      if (placed !== anchor) current.insertBefore(placed, anchor);
      previous = placed;
    });
    return added;
  }

  function mergePresenter(old, fresh) {
    var heading = old.querySelector(".presenter-name");
    var freshHeading = fresh.querySelector(".presenter-name");
    if (heading && freshHeading && heading.outerHTML !== freshHeading.outerHTML) heading.replaceWith(adopt(freshHeading));
    return mergeChildren(old, fresh, ".topic", mergeCard);
  }

  function mergeBoard(doc) {
    var added = 0;
    var presenters = document.getElementById("presenters");
    var freshPresenters = doc.getElementById("presenters");
    if (presenters && freshPresenters) {
      added += mergeChildren(presenters, freshPresenters, ".presenter", function (old, fresh) {
        added += mergePresenter(old, fresh);
      });
      var empty = document.getElementById("no-topics");
      if (empty && presenters.children.length) empty.remove();
    }
    var agenda = document.getElementById("agenda");
    var freshAgenda = doc.getElementById("agenda");
    if (agenda && freshAgenda && changedContent(agenda, freshAgenda)) {
      var toggle = agenda.querySelector("[data-agenda-toggle]");
      var open = toggle ? toggle.open : true;
      var freshToggle = replace(agenda, freshAgenda).querySelector("[data-agenda-toggle]");
      if (freshToggle) freshToggle.open = open;  // a refresh never unfolds what the member folded
    }
    var deepDive = document.getElementById("deep-dive");
    var freshDeepDive = doc.getElementById("deep-dive");
    if (freshDeepDive && !deepDive) {
      htmx.process(document.querySelector(".board").appendChild(adopt(freshDeepDive)));
    } else if (deepDive && freshDeepDive) {
      mergeCard(deepDive, freshDeepDive);
    }
    // The messages come translated from the page (data-added-one / data-added-many).
    var layout = document.querySelector("[data-board]");
    if (added && layout) {
      announce(added === 1 ? layout.dataset.addedOne : layout.dataset.addedMany.replace("{n}", added));
    }
  }

  function refresh() {
    if (refreshing) return;
    refreshing = true;
    fetch(window.location.pathname, { credentials: "same-origin", headers: { "X-Board-Refresh": "1" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var freshBoard = doc.querySelector("[data-board]");
        if (!freshBoard) return;
        mergeBoard(doc);
        revision = freshBoard.getAttribute("data-revision");
      })
      .catch(function () { /* The next poll tries again. */ })
      .finally(function () { refreshing = false; });
  }

  function poll() {
    if (document.hidden) return;
    fetch(revisionUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && String(data.revision) !== String(revision)) refresh();
      })
      .catch(function () { /* Offline for a moment: try again on the next tick. */ });
  }

  window.setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  // Our own writes change other regions too (the agenda, a new presenter): refresh at once.
  document.body.addEventListener("board-changed", function () { window.setTimeout(refresh, 50); });
  startUndoTimers(document);
})();
