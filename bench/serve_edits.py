#!/usr/bin/env python3
"""Save-to-reload latency of `forklar serve` for every kind of edit.

    python3 bench/serve_edits.py FORKLAR SITE [RUNS]

SITE is a site made by bench/gen_site.py; it is left as it is: each run copies
it into a fresh temporary folder (in TMPDIR) and edits the copy. Adds a shared
timeline used by a few articles, starts `FORKLAR serve` on a free port and
measures:

- start-up: from starting the process until the front page is served, the
  second time the server starts on the site (the first start builds the whole
  site; stopped, the server keeps its pages for the next start), and how long
  after that the site is built behind the kept pages;
- the first save after start (a body edit, the moment the server says it serves);
- RUNS saves (default 20) of each kind of edit: the body, title, lead, date,
  tags and background keys of one article, a background entry, and the shared
  timeline. Each save is timed from just before the write until the `reload`
  event has been read from /__forklar/events, opened as the edited article's
  page opens it (the server renders the open page before the reload).

KINDS=date,tags (the labels printed) measures only those kinds; the first
save and start-up are measured whatever it says. Saves come a quarter of a
second apart, so on a site with search each lands while the index of the
last is being made; WAIT_FOR_INDEX=1 waits before each save until
/__forklar/status says the index has the last one (`search_pending` false)
and then SETTLE seconds more (default 2; the memory Pagefind used is given
back just after), as for a writer who saves less often than the index takes.

After each kind, the pages that show the change are fetched and checked for
it. Prints one line per kind (median, p95, max in ms) and a summary line per
kind starting with `RESULT`, which bench/serve.sh turns into PASS/FAIL.
Standard library only.
"""

import math
import os
import re
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

TIMEOUT = 30.0  # seconds per save
PAUSE = 0.25  # seconds between saves, so each save is a batch of its own
TIMELINE_KEY = "maaling"
TIMELINE_USERS = 20  # articles that show the shared timeline


class Stream:
    """The event stream of a browser showing `page`, as the reload script opens it."""

    def __init__(self, port, page):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        query = urllib.parse.quote(page, safe="")
        self.sock.sendall(
            f"GET /__forklar/events?page={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._fill(10)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 200"):
            sys.exit(f"events: {head!r}")
        self.sock.setblocking(False)

    def _fill(self, timeout):
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return False
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return False
        if not data:
            sys.exit("the event stream closed")
        self.buf += data
        return True

    def next_event(self, timeout):
        deadline = time.perf_counter() + timeout
        while True:
            while b"\n\n" in self.buf:
                block, self.buf = self.buf.split(b"\n\n", 1)
                name, data, fields = "message", [], False
                for line in block.decode("utf-8", "replace").split("\n"):
                    if line.startswith("event:"):
                        name, fields = line[6:].strip(), True
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                        fields = True
                if fields:
                    return name, "\n".join(data)
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self._fill(left)

    def drain(self, quiet):
        while self.next_event(quiet) is not None:
            pass

    def wait_reload(self, start, what):
        while True:
            event = self.next_event(TIMEOUT - (time.perf_counter() - start))
            if event is None:
                sys.exit(f"{what}: no reload within {TIMEOUT} s")
            name, data = event
            if name == "reload":
                return (time.perf_counter() - start) * 1000
            if name == "error":
                sys.exit(f"{what}: build error: {data}")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    # A plain in-place write, as most editors' default save does.
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def field(text, name):
    match = re.search(rf"^{name} = (.*)$", text, re.M)
    if not match:
        sys.exit(f"no `{name}` in the front matter")
    return match.group(1)


def set_field(text, name, value):
    return re.sub(rf"^{name} = .*$", lambda _: f"{name} = {value}", text, count=1, flags=re.M)


def add_shared_timeline(site, articles):
    """A shared timeline, shown by TIMELINE_USERS articles instead of their own."""
    events = "".join(
        f'[[events]]\ndate = "2021-{m:02d}-15"\ntitle = "Hendelse {m}"\n'
        f'text = "Det skjedde noe viktig i måned {m}, og det fikk følger."\n\n'
        for m in range(1, 9)
    )
    os.makedirs(os.path.join(site, "content", "timelines"), exist_ok=True)
    with open(os.path.join(site, "content", "timelines", f"{TIMELINE_KEY}.toml"), "w",
              encoding="utf-8") as f:
        f.write(f'title = "Målingens tidslinje"\n\n{events}')
    step = max(1, len(articles) // TIMELINE_USERS)
    users = articles[::step][:TIMELINE_USERS]
    for path in users:
        text = read(path)
        head, body = text.split("\n+++\n", 1)
        # Drop the article's own [[timeline]] tables, name the shared one.
        head = re.sub(r"\[\[timeline\]\]\n(?:[a-z]+ = .*\n)+\n?", "", head + "\n")
        head = head.rstrip("\n")
        head = re.sub(r"^(background = .*)$", rf'\1\ntimeline_file = "{TIMELINE_KEY}"',
                      head, count=1, flags=re.M)
        write(path, head + "\n+++\n" + body)
    return users


def slug_of(path):
    return os.path.splitext(os.path.basename(path))[0]


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:
        return None, ""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# A first start builds the whole site before it serves: 100,000 articles
# took 42 s on one machine and 60 s on a slower one.
BUILD_LIMIT = 300


def summarise(label, samples):
    ordered = sorted(samples)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]
    median = statistics.median(samples)
    print(f"{label}: samples (ms): " + " ".join(f"{s:.1f}" for s in samples))
    print(f"RESULT {label} median {median:.1f} p95 {p95:.1f} max {ordered[-1]:.1f}")
    return median


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: serve_edits.py FORKLAR SITE [RUNS]")
    forklar, original_site = sys.argv[1], os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    # The edits below change the site: every run starts from the same one.
    scratch = tempfile.mkdtemp(prefix="forklar-serve-edits-")
    try:
        site = os.path.join(scratch, "site")
        shutil.copytree(original_site, site, symlinks=True,
                        ignore=shutil.ignore_patterns("public"))
        measure(forklar, site, runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(forklar, site, runs):
    content = os.path.join(site, "content")
    articles = sorted(
        os.path.join(content, name) for name in os.listdir(content) if name.endswith(".md")
    )
    entries = sorted(os.listdir(os.path.join(content, "background")))
    keys = [os.path.splitext(name)[0] for name in entries]
    users = add_shared_timeline(site, articles)
    article = articles[len(articles) // 2]
    if article in users:
        article = articles[len(articles) // 2 + 1]
    original = read(article)
    entry = os.path.join(content, "background", entries[0])
    timeline = os.path.join(content, "timelines", f"{TIMELINE_KEY}.toml")
    url = f"/{slug_of(article)}/"

    # A first start builds the whole site; stopped with SIGTERM, the server
    # keeps its pages, and the second start, on the same port (the pages are
    # for that address) and unchanged files, serves them at once.
    for _attempt in range(5):
        port = free_port()
        server, first_page = start_server(forklar, site, port)
        if server is not None:
            break
    else:
        sys.exit("no free port")
    expect_serving(server)
    print(f"startup-first-page-cold: {first_page:.1f} ms")
    stop_server(server)
    server, first_page = start_server(forklar, site, port)
    if server is None:
        sys.exit("forklar serve did not start again on its port")
    try:
        expect_serving(server)
        print(f"RESULT startup-first-page {first_page:.1f} ms")
        began = time.perf_counter()
        # Saves wait for the site to be built behind the kept pages.
        while status_field(port, "generation") < 1:
            if time.perf_counter() - began > BUILD_LIMIT:
                sys.exit(f"the site was not built within {BUILD_LIMIT} s of start")
            time.sleep(0.01)
        print(f"startup-site-built-after-first-page: {(time.perf_counter() - began) * 1000:.1f} ms")
        # The writer has the edited article open.
        stream = Stream(port, url)
        # The first save after start, with nothing done before it.
        start = time.perf_counter()
        write(article, original + "\nFørste lagring etter start.\n")
        first = stream.wait_reload(start, "first save")
        print(f"RESULT first-save {first:.1f} ms")
        stream.drain(0.5)

        edits = []
        orig_title = field(original, "title")
        orig_lead = field(original, "lead")
        orig_date = field(original, "date")
        orig_tags = field(original, "tags")
        orig_bg = field(original, "background")
        other_key = next(k for k in keys if f'"{k}"' not in orig_bg)
        other_tag = next(t for t in ("Økonomi", "Klima", "Helse") if f'"{t}"' not in orig_tags)

        def article_edit(change):
            def edit(i):
                write(article, change(original, i))
            return edit

        edits.append(("body", article_edit(
            lambda t, i: t + f"\nMålesetning nummer {i} er lagt til for å måle tiden.\n"),
            url, lambda i: f"Målesetning nummer {i} er"))
        edits.append(("title", article_edit(
            lambda t, i: set_field(t, "title", orig_title[:-1] + f' (versjon {i})"')),
            url, lambda i: f"(versjon {i})"))
        edits.append(("lead", article_edit(
            lambda t, i: set_field(t, "lead", orig_lead[:-1] + f' Tillegg {i}."')),
            url, lambda i: f"Tillegg {i}."))
        edits.append(("date", article_edit(
            lambda t, i: set_field(t, "date", orig_date[:14] + f"{i % 60:02d}" + orig_date[16:])),
            None, None))
        edits.append(("tags", article_edit(
            lambda t, i: set_field(t, "tags", orig_tags if i % 2 else
                                   re.sub(r'"[^"]*"\]$', f'"{other_tag}"]', orig_tags))),
            None, None))
        edits.append(("background-keys", article_edit(
            lambda t, i: set_field(t, "background", orig_bg if i % 2 else
                                   re.sub(r'"[^"]*"\]$', f'"{other_key}"]', orig_bg))),
            None, None))
        entry_text = read(entry)
        edits.append(("background-entry", lambda i: write(
            entry, entry_text + f"\nBakgrunnssetning {i} er lagt til.\n"), None, None))
        timeline_text = read(timeline)
        edits.append(("shared-timeline", lambda i: write(
            timeline, timeline_text.replace("og det fikk følger", f"og det fikk følger ({i})", 1)),
            # The timeline's own page: an article shows only the events up to its date.
            f"/tidslinje/{TIMELINE_KEY}/", lambda i: f"og det fikk følger ({i})"))

        medians = {}
        kinds = set(filter(None, os.environ.get("KINDS", "").split(",")))
        for label, edit, page, marker in edits:
            if kinds and label not in kinds:
                continue
            samples = []
            for i in range(runs):
                time.sleep(PAUSE)
                if os.environ.get("WAIT_FOR_INDEX") == "1":
                    wait_for_index(port)
                stream.drain(0.0)
                start = time.perf_counter()
                edit(i + 1)
                samples.append(stream.wait_reload(start, f"{label} save {i + 1}"))
            medians[label] = summarise(label, samples)
            if page is not None:
                status, body = get(port, page)
                if status != 200 or marker(runs) not in body:
                    sys.exit(f"{label}: {page} does not show the last save")
        write(article, original)
        write(entry, entry_text)
        write(timeline, timeline_text)
        if "body" in medians:
            print(f"RESULT first-save-ratio {first / medians['body']:.2f}")
    finally:
        stop_server(server)


def start_server(forklar, site, port):
    """Starts `forklar serve` on `port`; returns it and the milliseconds until
    the front page was served, or (None, None) if the port was taken."""
    began = time.perf_counter()
    server = subprocess.Popen(
        [forklar, "serve", "--root", site, "--port", str(port), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    while server.poll() is None and time.perf_counter() - began < BUILD_LIMIT:
        status, body = get(port, "/")
        if status == 200 and "<main" in body:
            return server, (time.perf_counter() - began) * 1000
        time.sleep(0.005)
    server.kill()
    err = server.communicate()[1]
    if "already in use" not in err:
        sys.exit(f"forklar serve did not start: {err}")
    return None, None


def expect_serving(server):
    line = server.stdout.readline()
    if not line.startswith("Serving "):
        sys.exit(f"unexpected first line: {line!r}")


def stop_server(server):
    """SIGTERM, as a writer's Ctrl-C: the server keeps its pages."""
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def status_field(port, name):
    status, body = get(port, "/__forklar/status")
    match = re.search(rf'"{name}":(\d+)', body) if status == 200 else None
    return int(match.group(1)) if match else -1


def wait_for_index(port):
    """Waits until the search index has every save so far."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status, body = get(port, "/__forklar/status")
        if status == 200 and '"search_pending":false' in body and '"pages_pending":0' in body:
            time.sleep(float(os.environ.get("SETTLE", "2")))
            return
        time.sleep(0.05)
    sys.exit("the search index did not catch up within 300 s")


if __name__ == "__main__":
    main()
