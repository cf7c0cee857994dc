// "Markdownをコピー" on the board: copy the meeting's Markdown export to the clipboard.
// Without JavaScript (or clipboard access) the link simply opens the Markdown text.
(() => {
  // The button's template may be swapped in again by htmx: listen once per page.
  if (document.documentElement.dataset.copyMarkdown) return;
  document.documentElement.dataset.copyMarkdown = "on";
  document.addEventListener("click", async (event) => {
    const link = event.target.closest("a[data-copy-markdown]");
    if (!link || !navigator.clipboard || !window.isSecureContext) return;
    event.preventDefault();
    const label = link.textContent;
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      await navigator.clipboard.writeText(await response.text());
      link.textContent = link.dataset.copiedText;
    } catch {
      link.textContent = link.dataset.failedText;
    }
    setTimeout(() => { link.textContent = label; }, 2000);
  });
})();
