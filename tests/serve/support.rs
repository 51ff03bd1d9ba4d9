//! What the end-to-end tests of `forklar serve` share: a site in a temp folder,
//! the real binary serving it, plain HTTP requests and the live-reload event
//! stream `/__forklar/events`.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::http::{Resp, parse_response};

pub const BIN: &str = env!("CARGO_BIN_EXE_forklar");

/// Longest wait for `forklar serve` to build the site and answer.
pub const START: Duration = Duration::from_secs(30);
/// Longest wait for one save to show: its event on the stream, the new page.
/// A save is rebuilt in well under a second; this is for a loaded machine.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long the search index may take to catch up with the pages while the
/// rest of a test suite keeps the machine busy.
pub const INDEX_CAUGHT_UP: Duration = Duration::from_secs(60);
/// Longest wait for serve's background image work to finish.
pub const IMAGES_IDLE: Duration = Duration::from_secs(180);
/// How long to listen for something that must not happen.
pub const QUIET: Duration = Duration::from_millis(500);
/// Per-request socket timeout.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Marks the injected live-reload script.
pub const SNIPPET_MARK: &str = "<script data-forklar-livereload=";

// ---------------------------------------------------------------------------
// Sites

/// A site in a temp folder; `tmp` is the TMPDIR given to `forklar serve`, so its
/// private folder (`$TMPDIR/forklar-serve-XXXXXX/`) is removed with the test.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// `site.toml` and the given articles as `(file name, title, body)`.
    pub fn new(articles: &[(&str, &str, &str)]) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = Site { dir };
        fs::create_dir_all(site.root()).expect("site folder");
        site.write("site.toml", "title = \"T\"\nlanguage = \"nb\"\n");
        for (file, title, body) in articles {
            site.write(&format!("content/{file}"), &article(title, body));
        }
        site
    }

    /// The site's folder (beside it, in the temp dir, lives `tmp/`).
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// The TMPDIR for the server, outside the site.
    pub fn tmp(&self) -> PathBuf {
        let tmp = self.dir.path().join("tmp");
        fs::create_dir_all(&tmp).expect("tmp folder");
        tmp
    }

    pub fn p(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.p(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("parent folder");
        }
        fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

pub fn article(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2022-01-06\n+++\n\n{body}\n")
}

// ---------------------------------------------------------------------------
// The server process

/// A running `forklar serve`. Dropping it kills the process and waits for it.
pub struct Serve {
    pub child: Child,
    pub port: u16,
    pub tmp: PathBuf,
    /// The site's folder.
    pub root: PathBuf,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0")
}

/// Reads `from` line by line into `into` on a thread of its own.
pub fn collect_lines(from: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { return };
            into.lock().unwrap_or_else(|e| e.into_inner()).push(line);
        }
    });
}

pub fn collect_text(mut from: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => into
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
    });
}

impl Serve {
    /// Starts `forklar serve` on `site` on a free port and waits until it has
    /// built the site and answers. Retries with another port if the chosen one
    /// was taken in between.
    pub fn start(site: &Site) -> Serve {
        Serve::start_with(site, || {})
    }

    /// Like [`start`](Self::start), calling `during` every 20 ms until the
    /// server says it is serving (that is, while it builds the site).
    pub fn start_with(site: &Site, mut during: impl FnMut()) -> Serve {
        let mut last = String::new();
        for _ in 0..5 {
            match Serve::try_start(site, &mut during) {
                Ok(serve) => return serve,
                Err(why) if why.contains("already in use") => last = why,
                Err(why) => panic!("{why}"),
            }
        }
        panic!("could not find a free port: {last}");
    }

    pub fn try_start(site: &Site, during: &mut impl FnMut()) -> Result<Serve, String> {
        Serve::try_start_at(site, free_port(), during)
    }

    /// [`start`](Self::start) on `port`, as a writer who always uses the
    /// same one: the pages a server keeps are for its address.
    pub fn start_at(site: &Site, port: u16) -> Serve {
        Serve::try_start_at(site, port, &mut || {}).unwrap_or_else(|why| panic!("{why}"))
    }

    fn try_start_at(site: &Site, port: u16, during: &mut impl FnMut()) -> Result<Serve, String> {
        let tmp = site.tmp();
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg("--root")
            .arg(site.root())
            .arg("--port")
            .arg(port.to_string())
            .env("TMPDIR", &tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {BIN}: {e}"))?;
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        collect_lines(child.stdout.take().expect("stdout"), Arc::clone(&stdout));
        collect_text(child.stderr.take().expect("stderr"), Arc::clone(&stderr));
        let mut serve = Serve {
            child,
            port,
            tmp,
            root: site.root(),
            stdout,
            stderr,
        };
        let deadline = Instant::now() + START;
        loop {
            if let Ok(Some(status)) = serve.child.try_wait() {
                // Let the reader threads catch the last output.
                wait_until(Duration::from_secs(2), || {
                    !serve.stderr().is_empty() || !serve.stdout().is_empty()
                });
                return Err(format!(
                    "forklar serve exited ({status}) before answering\n{}",
                    serve.logs()
                ));
            }
            let serving = serve.stdout().iter().any(|l| l.starts_with("Serving "));
            if serving && request(port, "GET", "/").is_ok() {
                return Ok(serve);
            }
            if !serving {
                during();
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "forklar serve did not answer within {START:?}\n{}",
                    serve.logs()
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stdout(&self) -> Vec<String> {
        self.stdout
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The "Rebuilt …" status lines so far (the first build's included).
    pub fn status_lines(&self) -> Vec<String> {
        self.stdout()
            .into_iter()
            .filter(|l| l.starts_with("Rebuilt "))
            .collect()
    }

    pub fn logs(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout().join("\n"),
            self.stderr()
        )
    }

    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The folder the server builds into and serves from: the site's
    /// `.forklar-cache/serve/site/`, or where that cannot be used, the one
    /// private folder serve made in its TMPDIR (the site is in `site/`).
    pub fn output_dir(&self) -> PathBuf {
        let private = fs::read_dir(&self.tmp)
            .expect("read TMPDIR")
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("forklar-serve-"))
            });
        match private {
            Some(private) => private.join("site"),
            None => self.root.join(".forklar-cache/serve/site"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn get(&self, path: &str) -> Resp {
        request(self.port, "GET", path)
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.logs()))
    }

    /// Polls `path` until `ok` holds for the response, for at most `within`.
    pub fn wait_page(&self, path: &str, within: Duration, what: &str, ok: impl Fn(&Resp) -> bool) {
        let deadline = Instant::now() + within;
        let mut last = None;
        while Instant::now() < deadline {
            if let Ok(resp) = request(self.port, "GET", path) {
                if ok(&resp) {
                    return;
                }
                last = Some(resp);
            }
            thread::sleep(Duration::from_millis(25));
        }
        let last = last.map_or_else(
            || "no answer".to_owned(),
            |r| format!("{} {}", r.status, r.text()),
        );
        panic!(
            "GET {path}: {what} did not happen within {within:?}; last response: {last}\n{}",
            self.logs()
        );
    }

    /// The text of `field` in `/__forklar/status`, up to the next `,` or `}`.
    fn status_text(&self, field: &str) -> (String, String) {
        let json = self.get("/__forklar/status").text();
        let key = format!("\"{field}\":");
        let at = json
            .find(&key)
            .unwrap_or_else(|| panic!("no {field} in the status {json}"));
        let value: String = json[at + key.len()..]
            .chars()
            .take_while(|c| !matches!(c, ',' | '}'))
            .collect();
        (value, json)
    }

    /// A number from `/__forklar/status` (`images_pending`, `images_encoded`,
    /// `generation`).
    pub fn status(&self, field: &str) -> u64 {
        let (value, json) = self.status_text(field);
        value
            .parse()
            .unwrap_or_else(|_| panic!("{field} in {json} is not a number"))
    }

    /// A true or false from `/__forklar/status` (`search_pending`, `error`).
    pub fn status_flag(&self, field: &str) -> bool {
        let (value, json) = self.status_text(field);
        value
            .parse()
            .unwrap_or_else(|_| panic!("{field} in {json} is neither true nor false"))
    }

    /// Waits until no image work is pending: every page shows its images'
    /// variants. Encoding in a debug build is slow, so this allows minutes.
    pub fn wait_images_idle(&self) {
        let within = IMAGES_IDLE;
        if !wait_until(within, || self.status("images_pending") == 0) {
            panic!("image work still pending after {within:?}\n{}", self.logs());
        }
    }

    /// Waits until every page that shows the last save is written: a save
    /// renders the pages a reader sees first, sends `reload`, then the rest.
    pub fn wait_pages_written(&self) {
        if !wait_until(WAIT, || self.status("pages_pending") == 0) {
            panic!("pages still pending after {WAIT:?}\n{}", self.logs());
        }
    }

    /// Waits until the search index served is the one a fresh build wrote
    /// into `fresh`: it is remade behind the reload, at a lower priority than
    /// saves, so on a busy machine it may come well after the pages. Nothing
    /// to wait for when the build wrote no index.
    pub fn wait_index_as_built(&self, fresh: &Path) {
        let Ok(entry) = fs::read(fresh.join("pagefind/pagefind-entry.json")) else {
            return;
        };
        // The entry names the index by a hash of it.
        let current = || {
            let served = self.get("/pagefind/pagefind-entry.json");
            served.status == 200 && served.body == entry
        };
        if !wait_until(INDEX_CAUGHT_UP, current) {
            panic!(
                "the search index was not the fresh build's after {INDEX_CAUGHT_UP:?}\n{}",
                self.logs()
            );
        }
    }

    /// Polls until `path` answers 200 with `text` in it.
    pub fn wait_text(&self, path: &str, text: &str) {
        self.wait_page(path, WAIT, &format!("{text:?} to appear"), |r| {
            r.status == 200 && r.text().contains(text)
        });
    }
}

/// `text` percent-encoded as JavaScript's `encodeURIComponent` does.
pub fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Polls `cond` every 20 ms for at most `within`; returns whether it held.
pub fn wait_until(within: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------
// HTTP

/// Sends `method target` (verbatim, unnormalised) as HTTP/1.1 with
/// `Connection: close` and reads the whole response.
pub fn request(port: u16, method: &str, target: &str) -> io::Result<Resp> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut s = TcpStream::connect_timeout(&addr, HTTP_TIMEOUT)?;
    s.set_read_timeout(Some(HTTP_TIMEOUT))?;
    s.set_write_timeout(Some(HTTP_TIMEOUT))?;
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    parse_response(&buf)
}

/// Removes the injected live-reload `<script>` element from a page.
pub fn without_snippet(html: &str) -> String {
    let Some(start) = html.find(SNIPPET_MARK) else {
        return html.to_owned();
    };
    let end = html[start..]
        .find("</script>")
        .map_or(html.len(), |i| start + i + "</script>".len());
    format!("{}{}", &html[..start], &html[end..])
}

// ---------------------------------------------------------------------------
// The event stream

#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: String,
}

/// A client of `/__forklar/events`; a thread forwards each event over a channel.
pub struct Events {
    pub rx: Receiver<Event>,
    pub stream: TcpStream,
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

impl Events {
    /// Connects and returns once the response headers arrived: the server
    /// subscribes the client before it answers, so every later event is seen.
    pub fn connect(serve: &Serve) -> Events {
        Events::connect_to(serve, "/__forklar/events")
    }

    /// Like [`connect`](Self::connect), as the script of the page at `path`
    /// does: the server renders that page first on a save.
    pub fn connect_at(serve: &Serve, path: &str) -> Events {
        let page: String = url_encode(path);
        Events::connect_to(serve, &format!("/__forklar/events?page={page}"))
    }

    /// Connects to `target`, the event stream's address with its query.
    pub fn connect_to(serve: &Serve, target: &str) -> Events {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, serve.port));
        let mut s = TcpStream::connect_timeout(&addr, HTTP_TIMEOUT).expect("connect to events");
        s.set_read_timeout(Some(WAIT)).expect("timeout");
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("write events request");
        let stream = s.try_clone().expect("clone stream");
        let mut reader = BufReader::new(s);
        let mut status = String::new();
        reader.read_line(&mut status).expect("events status line");
        assert!(
            status.starts_with("HTTP/1.1 200"),
            "events: {status:?}\n{}",
            serve.logs()
        );
        let mut content_type = None;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("events header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case("content-type")
            {
                content_type = Some(v.trim().to_owned());
            }
        }
        assert_eq!(content_type.as_deref(), Some("text/event-stream"));
        let _ = reader.get_ref().set_read_timeout(None);
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut name = String::new();
            let mut data: Vec<String> = Vec::new();
            for line in reader.lines() {
                let Ok(line) = line else { return };
                if line.is_empty() {
                    if !name.is_empty() || !data.is_empty() {
                        let event = Event {
                            name: if name.is_empty() {
                                "message".into()
                            } else {
                                std::mem::take(&mut name)
                            },
                            data: data.join("\n"),
                        };
                        data.clear();
                        if tx.send(event).is_err() {
                            return;
                        }
                    }
                    continue;
                }
                if line.starts_with(':') {
                    continue;
                }
                let (field, value) = line.split_once(':').unwrap_or((&line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "event" => name = value.to_owned(),
                    "data" => data.push(value.to_owned()),
                    _ => {}
                }
            }
        });
        Events { rx, stream }
    }

    /// Waits for the next event named `name`, skipping others except an
    /// unexpected `error`, which fails at once with its data.
    pub fn expect(&self, name: &str, serve: &Serve) -> Event {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(e) if e.name == name => return e,
                Ok(e) if e.name == "error" => panic!(
                    "expected `{name}`, got `error` {}\n{}",
                    e.data,
                    serve.logs()
                ),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no `{name}` event within {WAIT:?}\n{}", serve.logs())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "event stream closed while waiting for `{name}`\n{}",
                        serve.logs()
                    )
                }
            }
        }
    }

    pub fn expect_reload(&self, serve: &Serve) {
        self.expect("reload", serve);
    }

    /// No event at all for [`QUIET`].
    pub fn assert_quiet(&self, serve: &Serve) {
        match self.rx.recv_timeout(QUIET) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(e) => panic!(
                "unexpected event `{}` {:?}\n{}",
                e.name,
                e.data,
                serve.logs()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!("event stream closed"),
        }
    }

    /// Drains events until none came for [`QUIET`].
    pub fn settle(&self) -> Vec<Event> {
        let mut seen = Vec::new();
        while let Ok(e) = self.rx.recv_timeout(QUIET) {
            seen.push(e);
        }
        seen
    }
}

/// A site, its server and a connected event stream.
pub struct Live {
    pub site: Site,
    pub serve: Serve,
    pub events: Events,
}

impl Live {
    /// Starts `forklar serve` on `site` with an event stream connected, and
    /// waits until its watcher reports `probe` (see [`Live::wait_for_watcher`]).
    pub fn start(site: Site, probe: &str) -> Live {
        let serve = Serve::start(&site);
        let events = Events::connect(&serve);
        let live = Live {
            site,
            serve,
            events,
        };
        live.wait_for_watcher(probe);
        live
    }

    /// `forklar serve` prints "Serving …" and answers before its watcher is
    /// set up (see `save_during_first_build_is_not_lost`), so a save right
    /// after start can be missed. Rewrites `probe` unchanged until that causes
    /// an event, then waits until the stream is quiet again.
    pub fn wait_for_watcher(&self, probe: &str) {
        let path = self.site.p(probe);
        let text = fs::read(&path).expect("probe file");
        let deadline = Instant::now() + WAIT;
        loop {
            fs::write(&path, &text).expect("rewrite probe");
            match self.events.rx.recv_timeout(Duration::from_millis(250)) {
                Ok(_) => break,
                Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                Err(e) => panic!(
                    "the watcher never reported {probe}: {e}\n{}",
                    self.serve.logs()
                ),
            }
        }
        self.events.settle();
    }

    /// After a save: a `reload` arrives and `path` shows `text`.
    pub fn expect_change(&self, path: &str, text: &str) {
        self.events.expect_reload(&self.serve);
        self.serve.wait_text(path, text);
    }
}

/// Paths of the files in `dir`, from it, with `/`; forklar's own bookkeeping
/// (`.forklar-manifest`, `.forklar-staging`) left out.
pub fn list_files(dir: &Path) -> BTreeSet<String> {
    fn walk(dir: &Path, prefix: &str, into: &mut BTreeSet<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".forklar") {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&entry.path(), &format!("{rel}/"), into);
            } else {
                into.insert(rel);
            }
        }
    }
    let mut files = BTreeSet::new();
    walk(dir, "", &mut files);
    files
}

/// `forklar build` of `root` into `out` with serve's base URL, as a fresh
/// build to compare serve's output with.
pub fn fresh_build(root: &Path, out: &Path, base_url: &str) -> std::process::Output {
    Command::new(BIN)
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .arg("--base-url")
        .arg(base_url)
        .arg("--quiet")
        .stdin(Stdio::null())
        // A CI host's deploy-preview signals would make every build a preview.
        .env_remove("CONTEXT")
        .env_remove("CF_PAGES_BRANCH")
        .env_remove("GITHUB_EVENT_NAME")
        .output()
        .expect("run forklar build")
}
