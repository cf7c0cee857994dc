/* Typed work is never lost: a changed editor asks before キャンセル, Esc or leaving the page,
 * and the topic and main-topic editors keep a draft in localStorage until they are saved.
 * An editor is a form marked data-inline-edit; its saved state is each field's default value
 * (what the server rendered), so "changed" needs no snapshot. */
(function () {
  "use strict";

  var DISCARD = "変更が保存されていません。破棄しますか?";
  var PREFIX = "draft:";
  var submitting = false;

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.type !== "hidden" && el.type !== "submit" && el.type !== "button" && el.type !== "file";
    });
  }

  function fieldChanged(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.value !== el.defaultValue;
  }

  function changed(form) {
    return fields(form).some(fieldChanged);
  }

  function editors() {
    return Array.prototype.slice.call(document.querySelectorAll("form[data-inline-edit], form[data-guard]"));
  }

  /* ---- local drafts ----------------------------------------------------------------- */

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }  // private mode, disabled storage
  }

  function draftKey(form) {
    var key = form.getAttribute("data-draft-key");
    return key ? PREFIX + key : null;
  }

  function readDraft(key) {
    var store = storage();
    if (!store || !key) return null;
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function dropDraft(key) {
    var store = storage();
    if (store && key) store.removeItem(key);
  }

  function saveDraft(form) {
    var key = draftKey(form);
    var store = storage();
    if (!key || !store) return;
    if (!changed(form)) { store.removeItem(key); return; }
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) values[el.name] = el.value; }
      else values[el.name] = el.value;
    });
    try { store.setItem(key, JSON.stringify({ saved: new Date().toISOString(), values: values })); } catch (e) { /* quota */ }
  }

  function notice(form, draft, key) {
    var box = document.createElement("p");
    box.className = "draft-notice";
    box.setAttribute("role", "status");
    var when = new Date(draft.saved);
    var stamp = isNaN(when) ? "" : "(" + when.toLocaleString("ja-JP", { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" }) + ")";
    box.appendChild(document.createTextNode("保存されていない下書きを復元しました" + stamp + "。 "));
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button small";
    discard.textContent = "下書きを破棄";
    discard.addEventListener("click", function () {
      form.reset();
      dropDraft(key);
      box.remove();
    });
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
  }

  function restore(form) {
    var key = draftKey(form);
    var draft = readDraft(key);
    if (!draft || !draft.values || form.hasAttribute("data-draft-restored")) return;
    form.setAttribute("data-draft-restored", "");
    var differs = false;
    fields(form).forEach(function (el) {
      if (!(el.name in draft.values) && el.type !== "checkbox") return;
      if (el.type === "checkbox" || el.type === "radio") {
        var on = draft.values[el.name] === el.value;
        if (on !== el.checked) { el.checked = on; differs = true; }
      } else if (el.value !== draft.values[el.name]) {
        el.value = draft.values[el.name];
        differs = true;
      }
    });
    if (differs) notice(form, draft, key);
    else dropDraft(key);
  }

  function restoreAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("form[data-draft-key]")) restore(scope);
    scope.querySelectorAll("form[data-draft-key]").forEach(restore);
  }

  // A save that succeeded replaces the editor by the card: its draft is done with.
  var pending = {};
  function settlePending() {
    Object.keys(pending).forEach(function (key) {
      var stillOpen = editors().some(function (f) { return draftKey(f) === key; });
      if (!stillOpen) dropDraft(key);
      delete pending[key];
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target instanceof HTMLElement && event.target.closest("form[data-draft-key]");
    if (form) saveDraft(form);
  });
  document.addEventListener("change", function (event) {
    var form = event.target instanceof HTMLElement && event.target.closest("form[data-draft-key]");
    if (form) saveDraft(form);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var key = form instanceof HTMLFormElement && draftKey(form);
    if (key) pending[key] = true;
    if (form instanceof HTMLFormElement && !form.hasAttribute("hx-post")) {
      submitting = true;  // a plain post leaves the page on purpose
      if (key) { try { window.sessionStorage.setItem("draft-posted", key); } catch (e) { /* ignore */ } }
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    settlePending();
    restoreAll(event.detail.elt);
  });

  /* ---- asking before work is thrown away -------------------------------------------- */

  // Capture phase: runs before htmx sees the click on キャンセル (Esc clicks it too).
  document.addEventListener("click", function (event) {
    var cancel = event.target instanceof HTMLElement && event.target.closest("[data-cancel]");
    if (!cancel) return;
    var form = cancel.closest("form");
    if (!form || !changed(form)) { if (form) dropDraft(draftKey(form)); return; }
    if (window.confirm(DISCARD)) {
      dropDraft(draftKey(form));
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);

  window.addEventListener("beforeunload", function (event) {
    if (submitting) return;
    if (!editors().some(changed)) return;
    event.preventDefault();
    event.returnValue = DISCARD;  // older browsers need a value to show the prompt
  });

  function start() {
    // A plain (no-htmx) post that came back without its form was saved.
    try {
      var posted = window.sessionStorage.getItem("draft-posted");
      window.sessionStorage.removeItem("draft-posted");
      if (posted && !editors().some(function (f) { return draftKey(f) === posted; })) dropDraft(posted);
    } catch (e) { /* ignore */ }
    restoreAll(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
