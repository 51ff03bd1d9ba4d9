// The search page's script: asks the Pagefind index published with the site
// and lists what it finds. Only the search page loads it, and it loads the
// index only when a reader searches.
const form = document.querySelector("form[data-search-index]");
const input = document.getElementById("search-query");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const labels = JSON.parse(document.getElementById("search-labels").textContent);
const language = document.documentElement.lang || undefined;
const shown = 20;

let pagefind = null;
function loadIndex() {
  pagefind ??= import(form.dataset.searchIndex).then(async (index) => {
    await index.options({ excerptLength: 24 });
    await index.init();
    return index;
  });
  return pagefind;
}

// The same folding the build gives a background entry's names.
const fold = (text) =>
  text.trim().split(/\s+/).join(" ").toLocaleLowerCase(language);
const fill = (text, query, count) =>
  text.replace("{q}", query).replace("{n}", String(count));

// Pagefind's excerpt is HTML with <mark> around the words found; only the
// text and the marks are kept.
function excerpt(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const p = document.createElement("p");
  for (const node of doc.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      p.append(mark);
    } else {
      p.append(node.textContent);
    }
  }
  return p;
}

function item(data) {
  const li = document.createElement("li");
  const kind = document.createElement("p");
  kind.className = "search-kind";
  kind.textContent = data.meta.kind || "";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  li.append(kind, heading, excerpt(data.excerpt || ""));
  return li;
}

let latest = 0;
async function run(raw) {
  const mine = ++latest;
  const query = raw.trim();
  if (!query) {
    list.replaceChildren();
    list.hidden = true;
    status.textContent = "";
    return;
  }
  let index;
  try {
    index = await loadIndex();
  } catch {
    status.textContent = labels.failed;
    return;
  }
  // A background entry whose title or alias is the query comes first, then
  // everything in Pagefind's order.
  const [named, found] = await Promise.all([
    index.search(null, { filters: { name: fold(query) } }).catch(() => null),
    index.search(query),
  ]);
  if (mine !== latest) return;
  const first = named?.results ?? [];
  const ids = new Set(first.map((r) => r.id));
  const results = first.concat(
    (found?.results ?? []).filter((r) => !ids.has(r.id)),
  );
  const data = await Promise.all(results.slice(0, shown).map((r) => r.data()));
  if (mine !== latest) return;
  list.replaceChildren(...data.map(item));
  list.hidden = data.length === 0;
  const count = results.length;
  status.textContent = fill(
    count === 0 ? labels.none : count === 1 ? labels.found_one : labels.found,
    query,
    count,
  );
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  run(input.value);
});

let typing = null;
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => run(input.value), 200);
});

const asked = new URLSearchParams(location.search).get("q");
if (asked) {
  input.value = asked;
  run(asked);
}
