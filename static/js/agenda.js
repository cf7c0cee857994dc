/* The agenda builder: drag and drop with SortableJS, keyboard focus kept across re-renders.
 * The ↑/↓ buttons are plain forms, so reordering also works without JavaScript. */
(function () {
  "use strict";

  var focusedId = null;

  function sortables(root) {
    root.querySelectorAll("[data-sortable]").forEach(function (list) {
      if (list.__sortable) return;
      list.__sortable = Sortable.create(list, {
        handle: ".drag-handle",
        draggable: list.getAttribute("data-sortable") === "blocks" ? ".agenda-block" : ".agenda-topic",
        animation: 120,
        onEnd: function (event) {
          if (event.oldIndex === event.newIndex) return;
          var field = list.getAttribute("data-sortable") === "blocks" ? "block" : "topic";
          var values = { to_index: String(event.newIndex) };
          values[field] = event.item.getAttribute("data-id");
          htmx.ajax("POST", list.getAttribute("data-move-url"), {
            source: list, swap: "none", values: values,
          });
        },
      });
    });
  }

  // Re-rendering the builder replaces the buttons: put the keyboard back where it was.
  document.body.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focusedId = active && active.id ? active.id : null;
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var builder = document.getElementById("agenda-builder");
    if (!builder) return;
    sortables(builder);
    if (!focusedId) return;
    var again = document.getElementById(focusedId);
    if (again && again.disabled) {
      // Moved to the top or bottom: the other arrow of the same row is the useful one.
      var other = focusedId.endsWith("-up") ? focusedId.replace(/-up$/, "-down") : focusedId.replace(/-down$/, "-up");
      again = document.getElementById(other);
    }
    if (again) again.focus();
  });

  // A reorder answers with the order as ids; move the rows to match (another organizer's
  // move may have landed in between: the server's order wins) and fix the ↑/↓ buttons.
  function arrange(list, ids, selector) {
    ids.forEach(function (id) {
      var row = list.querySelector(":scope > " + selector + '[data-id="' + id + '"]');
      if (row) list.appendChild(row);
    });
    var rows = list.querySelectorAll(":scope > " + selector);
    rows.forEach(function (row, index) {
      var up = row.querySelector(".move-buttons button[value=up]");
      var down = row.querySelector(".move-buttons button[value=down]");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === rows.length - 1;
    });
  }

  document.body.addEventListener("agenda-order", function (event) {
    var order = event.detail;
    var blocks = document.querySelector("[data-sortable=blocks]");
    if (!blocks) return;
    arrange(blocks, order.blocks, ".agenda-block");
    Object.keys(order.topics).forEach(function (blockId) {
      var topics = blocks.querySelector('.agenda-block[data-id="' + blockId + '"] [data-sortable=topics]');
      if (topics) arrange(topics, order.topics[blockId], ".agenda-topic");
    });
    var again = focusedId && document.getElementById(focusedId);
    if (again && again.disabled) {
      var other = focusedId.endsWith("-up") ? focusedId.replace(/-up$/, "-down") : focusedId.replace(/-down$/, "-up");
      again = document.getElementById(other);
    }
    if (again) again.focus();
  });

  document.addEventListener("DOMContentLoaded", function () { sortables(document); });
})();
