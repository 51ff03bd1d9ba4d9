// Previews for first mentions of background entries. Without this script (or CSS)
// a mention is a plain link to the entry's page. WCAG 1.4.13: the preview opens on
// hover and on keyboard focus, stays while the pointer moves onto it, and Esc
// dismisses it. On a touch screen there is no hover: the first tap opens the
// summary in place, with a link to the entry; a second tap follows a link.
(() => {
  let open = null;
  let closing = 0;
  // Whether the last pointer was a finger; a key press makes it a keyboard again.
  let touch = false;
  const close = () => {
    clearTimeout(closing);
    if (!open) return;
    const { link, box, tapped } = open;
    if (tapped) {
      link.setAttribute("aria-expanded", "false");
      if (box.contains(document.activeElement)) link.focus();
    } else link.removeAttribute("aria-describedby");
    box.remove();
    open = null;
  };
  // A short grace period lets the pointer cross from the link to the preview.
  const closeSoon = () => {
    clearTimeout(closing);
    closing = setTimeout(close, 300);
  };
  // Below the link, above it when there is no room below, and never outside
  // the viewport (the card's own max-height keeps it shorter than the screen).
  const place = (link, box) => {
    const r = link.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    const height = document.documentElement.clientHeight;
    const left = Math.max(8, Math.min(r.left, width - box.offsetWidth - 8));
    let top = r.bottom + 4;
    if (top + box.offsetHeight > height - 8) {
      top = r.top - box.offsetHeight - 4;
      if (top < 8) top = Math.max(8, height - box.offsetHeight - 8);
    }
    const parent = box.offsetParent;
    const origin = parent && parent !== document.body
      ? parent.getBoundingClientRect()
      : { left: -scrollX, top: -scrollY };
    box.style.left = left - origin.left + "px";
    box.style.top = top - origin.top + "px";
  };
  // Opens the preview of `link`; a tapped one is a disclosure placed after the
  // link, so its link to the entry comes next for screen readers and Tab.
  const show = (link, tapped) => {
    clearTimeout(closing);
    if (open && open.link === link && open.tapped === tapped) return true;
    close();
    const box = document.createElement("span");
    box.className = "mention-preview";
    box.id = "mention-preview";
    box.textContent = link.dataset.summary;
    if (tapped) {
      const more = document.createElement("a");
      more.href = link.href;
      const words = link.closest("[data-read-more]");
      more.textContent = `${words ? words.dataset.readMore : ""} ${link.dataset.title || link.textContent} →`.trim();
      box.append(more);
      link.after(box);
    } else {
      box.setAttribute("role", "tooltip");
      document.body.append(box);
    }
    // Without the stylesheet the box would land in the text or at the end of
    // the page: stay a plain link instead.
    if (getComputedStyle(box).position !== "absolute") {
      box.remove();
      return false;
    }
    place(link, box);
    if (tapped) {
      link.setAttribute("aria-expanded", "true");
      link.setAttribute("aria-controls", box.id);
    } else {
      link.setAttribute("aria-describedby", box.id);
      box.addEventListener("mouseenter", () => clearTimeout(closing));
      box.addEventListener("mouseleave", closeSoon);
    }
    open = { link, box, tapped };
    return true;
  };
  for (const link of document.querySelectorAll("a.mention[data-summary]")) {
    link.addEventListener("mouseenter", () => touch || show(link, false));
    link.addEventListener("focus", () => touch || show(link, false));
    link.addEventListener("mouseleave", () => touch || closeSoon());
    link.addEventListener("blur", () => open && !open.tapped && close());
    link.addEventListener("click", (e) => {
      // The second tap on an open mention follows it, like a tap on its card's link.
      if (!touch || (open && open.link === link && open.tapped)) return;
      if (show(link, true)) e.preventDefault();
    });
  }
  document.addEventListener("pointerdown", (e) => { touch = e.pointerType === "touch"; }, true);
  document.addEventListener("click", (e) => {
    if (open && open.tapped && e.target !== open.link && !open.box.contains(e.target)) close();
  });
  document.addEventListener("keydown", (e) => {
    touch = false;
    if (e.key === "Escape") close();
  });
  // Beside the text there is room for the background box's entries unfolded,
  // and on paper a folded entry could never be opened.
  const unfold = () => {
    for (const entry of document.querySelectorAll(".background-entry")) entry.open = true;
  };
  if (matchMedia("screen and (min-width: 64rem)").matches) unfold();
  addEventListener("beforeprint", unfold);
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
