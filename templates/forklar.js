// Previews for first mentions of background entries. Without this script (or CSS)
// a mention is a plain link to the entry's page. WCAG 1.4.13: the preview opens on
// hover and on keyboard focus, stays while the pointer moves onto it, and Esc
// dismisses it.
(() => {
  let open = null;
  let closing = 0;
  const close = () => {
    clearTimeout(closing);
    if (!open) return;
    open.link.removeAttribute("aria-describedby");
    open.box.remove();
    open = null;
  };
  // A short grace period lets the pointer cross from the link to the preview.
  const closeSoon = () => {
    clearTimeout(closing);
    closing = setTimeout(close, 300);
  };
  const show = (link) => {
    clearTimeout(closing);
    if (open && open.link === link) return;
    close();
    const box = document.createElement("div");
    box.className = "mention-preview";
    box.id = "mention-preview";
    box.setAttribute("role", "tooltip");
    const title = document.createElement("strong");
    title.textContent = link.dataset.title || link.textContent;
    const text = document.createElement("span");
    text.textContent = link.dataset.summary;
    box.append(title, text);
    document.body.append(box);
    // Without the stylesheet the box would land at the end of the page: stay a
    // plain link instead.
    if (getComputedStyle(box).position !== "absolute") {
      box.remove();
      return;
    }
    const r = link.getBoundingClientRect();
    const left = Math.max(8, Math.min(r.left + scrollX, scrollX + document.documentElement.clientWidth - box.offsetWidth - 8));
    box.style.left = left + "px";
    box.style.top = (r.bottom + scrollY + 2) + "px";
    link.setAttribute("aria-describedby", box.id);
    box.addEventListener("mouseenter", () => clearTimeout(closing));
    box.addEventListener("mouseleave", closeSoon);
    open = { link, box };
  };
  for (const link of document.querySelectorAll("a.mention[data-summary]")) {
    link.addEventListener("mouseenter", () => show(link));
    link.addEventListener("focus", () => show(link));
    link.addEventListener("mouseleave", closeSoon);
    link.addEventListener("blur", close);
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
})();

// Printed pages carry the date they were printed, which only the browser knows,
// and show what is folded away on screen; without this script the address still
// prints.
(() => {
  let opened = [];
  addEventListener("beforeprint", () => {
    const date = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "long" }).format(new Date());
    for (const el of document.querySelectorAll(".print-date")) el.textContent = ` · ${el.dataset.label} ${date}`;
    opened = [...document.querySelectorAll("details:not([open])")];
    for (const d of opened) d.open = true;
  });
  addEventListener("afterprint", () => {
    for (const d of opened) d.open = false;
    opened = [];
  });
})();
