//! Live reload: a broadcaster of build results to browsers over Server-Sent Events,
//! plus the small script that is injected into served HTML pages.
//!
//! The rebuild thread calls [`LiveReload::reload`] or [`LiveReload::error`]; each
//! connected browser holds an [`EventStream`] fed by a bounded channel. Sending
//! uses `try_send`, so a browser that stops reading is dropped instead of ever
//! blocking the rebuild thread.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::pending::PendingPages;

/// Path of the event stream, relative to the site's base path.
pub const EVENTS_PATH: &str = "__forklar/events";

/// Path of the status endpoint (JSON), relative to the site's base path.
pub const STATUS_PATH: &str = "__forklar/status";

/// How often an idle stream sends a `: ping` comment. Writing is the only way
/// to notice a browser that went away without closing its connection.
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(15);

/// Events buffered per client before it counts as stuck and is dropped.
/// Rebuild events are rare (a few per second at most), so 16 is generous.
const CLIENT_BUFFER: usize = 16;

/// The injected JavaScript (no `<script>` tag; see [`snippet`]).
///
/// It reads the event-stream URL from its own `data-forklar-livereload`
/// attribute and opens it with its page's path (a save renders the pages
/// open in a browser before it sends `reload`), reloads on `reload`, shows an overlay on `error` and removes it on
/// `ok`. The message is set with `textContent` only, so build output can never
/// inject markup. The browser's own connection-error event is also called
/// `error`; it carries no `data`, which is how the two are told apart.
pub const SCRIPT: &str = r#"(()=>{const u=document.currentScript.getAttribute("data-forklar-livereload"),I="forklar-build-error";
const hide=()=>{const o=document.getElementById(I);if(o)o.remove()};
const show=e=>{hide();const d=document,o=d.createElement("div"),h=d.createElement("h2"),p=d.createElement("p"),m=d.createElement("pre");
o.id=I;o.setAttribute("role","alertdialog");o.setAttribute("aria-live","assertive");o.setAttribute("aria-labelledby",I+"-h");o.tabIndex=-1;
o.style.cssText="position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;background:rgba(25,0,0,.94);color:#fff;font:16px/1.5 system-ui,sans-serif";
h.id=I+"-h";h.textContent=(d.documentElement.lang||"").startsWith("en")?"Build error":"Byggefeil";
p.style.fontFamily=m.style.fontFamily="monospace";p.textContent=[e.file,e.line,e.column].filter(x=>x!=null).join(":");
m.style.whiteSpace="pre-wrap";m.textContent=e.message;o.append(h,p,m);d.body.append(o);o.focus()};
const s=new EventSource(u+"?page="+encodeURIComponent(location.pathname));
s.addEventListener("reload",()=>location.reload());
s.addEventListener("error",v=>{if(v.data)try{show(JSON.parse(v.data))}catch(_){}});
s.addEventListener("ok",hide)})();"#;

/// The `<script>` element injected into HTML pages for a site served under
/// `base_path` (e.g. `/` or `/forklaring/`).
pub fn snippet(base_path: &str) -> String {
    let url = events_url(base_path);
    // The URL only needs attribute escaping; base paths come from config, not requests.
    format!(
        "<script data-forklar-livereload=\"{}\">{SCRIPT}</script>",
        escape_attr(&url)
    )
}

/// The absolute URL path of the event stream for a site under `base_path`.
pub fn events_url(base_path: &str) -> String {
    let base = base_path.trim_matches('/');
    if base.is_empty() {
        format!("/{EVENTS_PATH}")
    } else {
        format!("/{base}/{EVENTS_PATH}")
    }
}

/// The absolute URL path of the status endpoint for a site under `base_path`.
pub fn status_url(base_path: &str) -> String {
    events_url(base_path).replace(EVENTS_PATH, STATUS_PATH)
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Inserts `snippet` before the last `</body>` (ASCII case-insensitive), or
/// appends it when the page has none. Works on bytes so a page that is not
/// valid UTF-8 is still served unchanged apart from the insertion.
/// The marker a page carries to be served without the live-reload script: the
/// CMS page (`forklar cms`), which a rebuild after each save must not reload
/// under an editor's unsaved form.
pub const OPT_OUT: &str = r#"<meta name="forklar-livereload" content="off">"#;

/// Whether `html` takes the live-reload script.
pub fn wants_reload(html: &[u8]) -> bool {
    !html.windows(OPT_OUT.len()).any(|w| w == OPT_OUT.as_bytes())
}

pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    const NEEDLE: &[u8] = b"</body";
    let at = html
        .windows(NEEDLE.len())
        .rposition(|w| w.eq_ignore_ascii_case(NEEDLE))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Where and why a build failed, as shown in the browser overlay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildErrorInfo {
    /// Human-readable message (may span several lines).
    pub message: String,
    /// File the error is in, if known (shown as given, e.g. relative to the site root).
    pub file: Option<PathBuf>,
    /// 1-based line, if known.
    pub line: Option<u32>,
    /// 1-based column, if known.
    pub column: Option<u32>,
}

impl BuildErrorInfo {
    /// An error with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            ..Self::default()
        }
    }

    /// `{"message": "...", "file": "..."|null, "line": N|null, "column": N|null}`.
    pub fn to_json(&self) -> String {
        let file = match &self.file {
            Some(f) => json_string(&f.to_string_lossy()),
            None => "null".to_owned(),
        };
        let num = |n: Option<u32>| n.map_or_else(|| "null".to_owned(), |n| n.to_string());
        format!(
            "{{\"message\": {}, \"file\": {}, \"line\": {}, \"column\": {}}}",
            json_string(&self.message),
            file,
            num(self.line),
            num(self.column)
        )
    }
}

/// Quotes and escapes `s` as a JSON string. Escapes `<`, `>` and `&` too, and
/// U+2028/U+2029, so the result is also safe wherever JSON ends up embedded.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Cloneable handle to the live-reload broadcaster. All clones share state.
#[derive(Clone)]
pub struct LiveReload {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    ping_interval: Duration,
    /// Files a save renders after its `reload`, which requests wait for.
    pending: PendingPages,
}

#[derive(Default)]
struct State {
    clients: HashMap<u64, SyncSender<Arc<[u8]>>>,
    /// The page each client shows, as an output path ("emne/csto/index.html"),
    /// where its script said so.
    open: HashMap<u64, String>,
    next_id: u64,
    /// Number of successful rebuilds announced so far (sent as the reload `data`).
    generation: u64,
    /// The failure of the latest build, replayed to newly connected clients.
    current_error: Option<BuildErrorInfo>,
    /// Images whose variants are still being made, and variants made so far.
    images_pending: usize,
    images_encoded: u64,
    /// Set while the search index is older than the pages (see
    /// [`crate::search::catch_up::Kept::behind_flag`]).
    search_behind: Option<Arc<AtomicBool>>,
}

impl Default for LiveReload {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for LiveReload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveReload")
            .field("clients", &self.clients())
            .finish()
    }
}

impl LiveReload {
    /// A broadcaster with no clients, pinging every [`DEFAULT_PING_INTERVAL`].
    pub fn new() -> Self {
        Self::with_ping_interval(DEFAULT_PING_INTERVAL)
    }

    /// Like [`new`](Self::new) with another keep-alive interval (tests use a short one).
    pub fn with_ping_interval(ping_interval: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                ping_interval,
                pending: PendingPages::default(),
            }),
        }
    }

    /// The files still to be written after the last `reload`.
    pub fn pending(&self) -> &PendingPages {
        &self.inner.pending
    }

    /// The pages open in browsers now, as output paths.
    pub fn open_pages(&self) -> BTreeSet<String> {
        self.lock().open.values().cloned().collect()
    }

    /// Announces a successful rebuild: every client gets `event: reload`. Also
    /// clears any stored build error.
    pub fn reload(&self) {
        let mut st = self.lock();
        st.generation += 1;
        st.current_error = None;
        let msg = format!("event: reload\ndata: {}\n\n", st.generation);
        broadcast(&mut st, msg.as_bytes());
    }

    /// Counts a rebuild that changed no page (the kept pages of the last
    /// time were current): open pages are not told to reload.
    pub fn unchanged(&self) {
        let mut st = self.lock();
        st.generation += 1;
        st.current_error = None;
    }

    /// Announces that the search index caught up with the last rebuild:
    /// `event: search`, which open pages do not reload for.
    pub fn search_updated(&self) {
        let mut st = self.lock();
        broadcast(&mut st, b"event: search\ndata: \n\n");
    }

    /// Announces a failed rebuild: every client (and every client that connects
    /// until the next [`reload`](Self::reload) or [`clear_error`](Self::clear_error))
    /// gets `event: error` with the JSON-encoded `info`.
    pub fn error(&self, info: BuildErrorInfo) {
        let mut st = self.lock();
        let msg = error_message(&info);
        st.current_error = Some(info);
        broadcast(&mut st, msg.as_bytes());
    }

    /// Clears a stored build error without reloading: clients get `event: ok`.
    /// Does nothing when there is no error.
    pub fn clear_error(&self) {
        let mut st = self.lock();
        if st.current_error.take().is_some() {
            broadcast(&mut st, b"event: ok\ndata: \n\n");
        }
    }

    /// The stored error of the latest build, if it failed.
    pub fn current_error(&self) -> Option<BuildErrorInfo> {
        self.lock().current_error.clone()
    }

    /// Notes how much image work is left, for [`status_json`](Self::status_json).
    pub fn set_image_status(&self, pending: usize, encoded: u64) {
        let mut st = self.lock();
        st.images_pending = pending;
        st.images_encoded = encoded;
    }

    /// Has [`status_json`](Self::status_json) report `flag` as `search_pending`.
    pub fn track_search(&self, flag: Arc<AtomicBool>) {
        self.lock().search_behind = Some(flag);
    }

    /// What `/__forklar/status` answers: `{"generation":N,"error":false,
    /// "images_pending":N,"images_encoded":N,"pages_pending":N,
    /// "search_pending":false}`. `images_pending` is 0 once every page shows
    /// its images' variants, `pages_pending` once every page shows the last
    /// save, and `search_pending` is false once the search index is made
    /// from the pages written so far.
    pub fn status_json(&self) -> String {
        let pages_pending = self.inner.pending.count();
        let st = self.lock();
        let search_pending = st
            .search_behind
            .as_ref()
            .is_some_and(|behind| behind.load(Ordering::SeqCst));
        format!(
            "{{\"generation\":{},\"error\":{},\"images_pending\":{},\"images_encoded\":{},\"pages_pending\":{},\"search_pending\":{}}}\n",
            st.generation,
            st.current_error.is_some(),
            st.images_pending,
            st.images_encoded,
            pages_pending,
            search_pending
        )
    }

    /// Number of connected clients.
    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }

    /// Drops every client; their streams end after delivering what is queued.
    pub fn disconnect_all(&self) {
        let mut st = self.lock();
        st.clients.clear();
        st.open.clear();
    }

    /// Registers a new client and returns its event stream. The stream starts
    /// with a `retry` hint and, if the latest build failed, the current error.
    pub fn subscribe(&self) -> EventStream {
        self.subscribe_at(None)
    }

    /// Like [`subscribe`](Self::subscribe), for a client showing `page` (an
    /// output path the server found in the output folder): a save renders
    /// that page before its `reload`.
    pub fn subscribe_at(&self, page: Option<String>) -> EventStream {
        let (tx, rx) = mpsc::sync_channel(CLIENT_BUFFER);
        let mut st = self.lock();
        let id = st.next_id;
        st.next_id += 1;
        st.clients.insert(id, tx);
        if let Some(page) = page {
            st.open.insert(id, page);
        }
        // A quick retry keeps the gap short when the dev server restarts.
        let mut first = b"retry: 1000\n\n".to_vec();
        if let Some(info) = &st.current_error {
            first.extend_from_slice(error_message(info).as_bytes());
        }
        EventStream {
            id,
            rx,
            hub: Arc::downgrade(&self.inner),
            pending: first,
            pos: 0,
            ping_interval: self.inner.ping_interval,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave State inconsistent
        // (every update is a single assignment), so poisoning is ignored.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn error_message(info: &BuildErrorInfo) -> String {
    format!("event: error\ndata: {}\n\n", info.to_json())
}

/// Sends to every client without blocking; a full or closed channel drops that client.
fn broadcast(st: &mut State, msg: &[u8]) {
    let msg: Arc<[u8]> = Arc::from(msg);
    st.clients
        .retain(|_, tx| match tx.try_send(Arc::clone(&msg)) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
        });
    let State { clients, open, .. } = st;
    open.retain(|id, _| clients.contains_key(id));
}

/// One client's stream of SSE bytes. `read` blocks until an event arrives, or
/// yields a `: ping` comment after the ping interval; it returns EOF once the
/// client has been dropped by the broadcaster. Dropping it unregisters the client.
pub struct EventStream {
    id: u64,
    rx: Receiver<Arc<[u8]>>,
    hub: std::sync::Weak<Inner>,
    pending: Vec<u8>,
    pos: usize,
    ping_interval: Duration,
}

impl Read for EventStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pos >= self.pending.len() {
            self.pending = match self.rx.recv_timeout(self.ping_interval) {
                Ok(msg) => msg.to_vec(),
                Err(RecvTimeoutError::Timeout) => b": ping\n\n".to_vec(),
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
            };
            self.pos = 0;
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        if let Some(inner) = self.hub.upgrade() {
            let mut st = inner.state.lock().unwrap_or_else(|e| e.into_inner());
            st.clients.remove(&self.id);
            st.open.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn read_chunk(s: &mut EventStream) -> String {
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).expect("read");
        String::from_utf8(buf[..n].to_vec()).expect("utf8")
    }

    #[test]
    fn script_is_small_and_safe() {
        assert!(SCRIPT.len() < 2048, "script is {} bytes", SCRIPT.len());
        assert!(!SCRIPT.contains("innerHTML"));
        assert!(!SCRIPT.contains("</script"));
        assert!(SCRIPT.contains("textContent"));
        assert!(SCRIPT.contains("alertdialog"));
        assert!(SCRIPT.contains("aria-live"));
        assert!(SCRIPT.contains("Byggefeil"));
        assert!(SCRIPT.contains("location.reload()"));
    }

    #[test]
    fn snippet_uses_base_path() {
        assert!(snippet("/").contains(r#"data-forklar-livereload="/__forklar/events""#));
        assert!(
            snippet("/forklaring/")
                .contains(r#"data-forklar-livereload="/forklaring/__forklar/events""#)
        );
        assert_eq!(events_url("forklaring"), "/forklaring/__forklar/events");
        assert_eq!(events_url(""), "/__forklar/events");
    }

    #[test]
    fn a_page_can_refuse_the_script() {
        assert!(wants_reload(b"<html><body>a</body>"));
        assert!(!wants_reload(
            format!("<head>{OPT_OUT}</head><body></body>").as_bytes()
        ));
    }

    #[test]
    fn inject_before_last_body_case_insensitive() {
        let out = inject(b"<body>a</BODY>b</Body >c", "X");
        assert_eq!(out, b"<body>a</BODY>bX</Body >c");
        assert_eq!(inject(b"<p>no body", "X"), b"<p>no bodyX");
        assert_eq!(inject(b"", "X"), b"X");
    }

    #[test]
    fn json_escaping() {
        assert_eq!(
            json_string("a\"b\\c\nd\u{1}</"),
            r#""a\"b\\c\nd\u0001\u003c/""#
        );
        let info = BuildErrorInfo {
            message: "unexpected `}`".into(),
            file: Some(PathBuf::from("templates/æ.html")),
            line: Some(3),
            column: Some(14),
        };
        assert_eq!(
            info.to_json(),
            r#"{"message": "unexpected `}`", "file": "templates/æ.html", "line": 3, "column": 14}"#
        );
        assert_eq!(
            BuildErrorInfo::new("x").to_json(),
            r#"{"message": "x", "file": null, "line": null, "column": null}"#
        );
    }

    #[test]
    fn reload_reaches_subscribers_and_counts() {
        let lr = LiveReload::new();
        let mut a = lr.subscribe();
        let mut b = lr.subscribe();
        assert_eq!(lr.clients(), 2);
        assert_eq!(read_chunk(&mut a), "retry: 1000\n\n");
        lr.reload();
        assert_eq!(read_chunk(&mut a), "event: reload\ndata: 1\n\n");
        assert_eq!(read_chunk(&mut b), "retry: 1000\n\n");
        assert_eq!(read_chunk(&mut b), "event: reload\ndata: 1\n\n");
        drop(b);
        assert_eq!(lr.clients(), 1);
    }

    #[test]
    fn error_is_replayed_on_connect_until_cleared() {
        let lr = LiveReload::new();
        lr.error(BuildErrorInfo::new("boom"));
        let mut s = lr.subscribe();
        let first = read_chunk(&mut s);
        assert!(first.starts_with("retry: 1000\n\n"));
        assert!(first.contains("event: error\ndata: {\"message\": \"boom\""));
        lr.clear_error();
        assert_eq!(read_chunk(&mut s), "event: ok\ndata: \n\n");
        assert_eq!(lr.current_error(), None);
        let mut fresh = lr.subscribe();
        assert_eq!(read_chunk(&mut fresh), "retry: 1000\n\n");

        lr.error(BuildErrorInfo::new("again"));
        lr.reload();
        assert_eq!(lr.current_error(), None, "reload clears the error");
    }

    #[test]
    fn idle_stream_pings() {
        let lr = LiveReload::with_ping_interval(Duration::from_millis(20));
        let mut s = lr.subscribe();
        read_chunk(&mut s);
        assert_eq!(read_chunk(&mut s), ": ping\n\n");
    }

    #[test]
    fn stuck_client_is_dropped_without_blocking() {
        let lr = LiveReload::new();
        let mut stuck = lr.subscribe();
        let _reader = lr.subscribe();
        let start = Instant::now();
        for _ in 0..(CLIENT_BUFFER * 4) {
            lr.reload();
        }
        assert!(start.elapsed() < Duration::from_secs(1));
        assert_eq!(lr.clients(), 0, "clients that never read are dropped");
        // The stuck stream still delivers what was buffered, then ends.
        let mut all = Vec::new();
        stuck.read_to_end(&mut all).expect("read");
        let text = String::from_utf8(all).expect("utf8");
        assert_eq!(text.matches("event: reload").count(), CLIENT_BUFFER);
    }

    #[test]
    fn disconnect_all_ends_streams() {
        let lr = LiveReload::new();
        let mut s = lr.subscribe();
        lr.disconnect_all();
        let mut all = Vec::new();
        s.read_to_end(&mut all).expect("read");
        assert_eq!(all, b"retry: 1000\n\n");
        assert_eq!(lr.clients(), 0);
    }
}
