/* Math in notes and main topics: the server keeps `$…$` / `$$…$$` as written inside
 * <span|div class="math">; here KaTeX (vendored, static/vendor/katex) turns it into MathML.
 * MathML output needs no KaTeX stylesheet or fonts and no style attributes, so the page's
 * Content-Security-Policy stays as strict as it is. The TeX stays in the page as the
 * MathML annotation and, unchanged, in the stored Markdown that exports use. */
(function () {
  "use strict";

  if (!window.katex) return;

  function tex(el) {
    var text = el.textContent.trim();
    var display = el.tagName === "DIV";
    if (text.slice(0, 2) === "$$" && text.slice(-2) === "$$") { text = text.slice(2, -2); display = true; }
    else if (text.charAt(0) === "$" && text.slice(-1) === "$") text = text.slice(1, -1);
    return { source: text, display: display };
  }

  function render(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll(".math:not([data-math])").forEach(function (el) {
      var math = tex(el);
      el.setAttribute("data-math", "");
      try {
        window.katex.render(math.source, el, { output: "mathml", displayMode: math.display, throwOnError: true });
      } catch (e) {
        // Bad TeX stays readable as its source (KaTeX's own error display uses inline style).
        el.classList.add("math-error");
        el.title = String(e && e.message || e);
      }
    });
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; render(document); });
  }).observe(document.body, { childList: true, subtree: true });
  render(document);
})();
