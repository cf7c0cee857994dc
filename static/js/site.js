/* Behaviours every page shares. Kept in a file, not in attributes: the page's
 * Content-Security-Policy runs no inline script and htmx may not evaluate code (allowEval). */
(function () {
  "use strict";

  // An add form (new topic, new remark) is emptied once its post succeeded.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form instanceof HTMLFormElement && form.hasAttribute("data-reset-on-success")) {
      form.reset();
    }
  });
})();
