//! Development HTTP server: serves the built site from an output directory,
//! injects the live-reload script into HTML, and streams build events.
//!
//! Files are read at request time, so the site can be rebuilt into the same
//! directory (or [`RunningServer::set_root`] can point at another one) without
//! restarting the server.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use tiny_http::{Method, Request};

use super::livereload::{self, LiveReload};

/// Default number of request worker threads. Event streams get their own
/// threads, so this only bounds concurrent page requests.
pub const DEFAULT_WORKERS: usize = 6;

/// What to serve and where to listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Address to bind, e.g. `127.0.0.1`.
    pub bind: IpAddr,
    /// Port to bind; `0` picks a free one (see [`RunningServer::addr`]).
    pub port: u16,
    /// The output folder of the build.
    pub root: PathBuf,
    /// URL path the site lives under, e.g. `/` or `/forklaring/`. Requests
    /// outside it get 404, except `/`, which redirects to it.
    pub base_path: String,
    /// Number of request worker threads (at least 1).
    pub workers: usize,
}

impl ServerConfig {
    /// A config serving `root` at `/` with [`DEFAULT_WORKERS`] workers.
    pub fn new(bind: IpAddr, port: u16, root: impl Into<PathBuf>) -> Self {
        Self {
            bind,
            port,
            root: root.into(),
            base_path: "/".to_owned(),
            workers: DEFAULT_WORKERS,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Another process is listening on the address.
    #[error(
        "port {} on {} is already in use; stop the other server or pass --port <another>",
        .addr.port(),
        .addr.ip()
    )]
    PortInUse {
        /// The address that was asked for.
        addr: SocketAddr,
    },
    /// Binding failed for another reason (e.g. the address is not local, or permission).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// The underlying error.
        source: io::Error,
    },
    /// tiny_http failed to set up around the bound socket, or a thread could not be spawned.
    #[error("cannot start the server: {0}")]
    Start(String),
}

/// A server running on its own threads. Dropping it shuts it down.
pub struct RunningServer {
    addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    root: Arc<RwLock<PathBuf>>,
    reload: LiveReload,
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// The address actually bound (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves from another output folder from the next request on.
    pub fn set_root(&self, root: impl Into<PathBuf>) {
        let mut guard = self.root.write().unwrap_or_else(|e| e.into_inner());
        *guard = root.into();
    }

    /// The output folder currently served.
    pub fn root(&self) -> PathBuf {
        self.root.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Stops accepting requests, ends all event streams and waits for the workers.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if self.workers.is_empty() {
            return;
        }
        self.stop.store(true, Ordering::SeqCst);
        // Each unblock() wakes exactly one worker waiting in recv().
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        // Ends the per-client stream threads; their sockets close.
        self.reload.disconnect_all();
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Binds and starts serving. Returns once the socket is listening.
pub fn start(config: ServerConfig, reload: LiveReload) -> Result<RunningServer, ServeError> {
    let want = SocketAddr::new(config.bind, config.port);
    // Binding ourselves (instead of tiny_http::Server::http) keeps the io::ErrorKind,
    // so "port in use" can be told apart from other failures.
    let listener = TcpListener::bind(want).map_err(|source| {
        if source.kind() == io::ErrorKind::AddrInUse {
            ServeError::PortInUse { addr: want }
        } else {
            ServeError::Bind { addr: want, source }
        }
    })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr: want, source })?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| ServeError::Start(e.to_string()))?;
    let server = Arc::new(server);

    let base_path = normalise_base(&config.base_path);
    let ctx = Arc::new(Ctx {
        snippet: livereload::snippet(&base_path),
        events_path: livereload::events_url(&base_path),
        kick_addr: loopback_of(addr),
        base_path,
        root: Arc::new(RwLock::new(config.root)),
        reload: reload.clone(),
    });
    let stop = Arc::new(AtomicBool::new(false));

    let mut running = RunningServer {
        addr,
        server: Arc::clone(&server),
        root: Arc::clone(&ctx.root),
        reload,
        stop: Arc::clone(&stop),
        workers: Vec::new(),
    };
    for i in 0..config.workers.max(1) {
        let server = Arc::clone(&server);
        let ctx = Arc::clone(&ctx);
        let stop = Arc::clone(&stop);
        let handle = thread::Builder::new()
            .name(format!("forklar-http-{i}"))
            .spawn(move || worker(&server, &ctx, &stop))
            .map_err(|e| ServeError::Start(e.to_string()))?;
        // Pushed one by one so an early return above still shuts down the started ones.
        running.workers.push(handle);
    }
    Ok(running)
}

/// Shared, read-only request context (the root is swappable behind its lock).
struct Ctx {
    root: Arc<RwLock<PathBuf>>,
    base_path: String,
    events_path: String,
    /// Where this server can reach itself (see [`kick`]).
    kick_addr: SocketAddr,
    snippet: String,
    reload: LiveReload,
}

fn worker(server: &tiny_http::Server, ctx: &Ctx, stop: &AtomicBool) {
    loop {
        let request = match server.recv() {
            Ok(rq) => rq,
            // Unblocked by shutdown, or the accept loop failed; either way only
            // stop when asked, so a transient accept error does not kill the pool.
            Err(_) if stop.load(Ordering::SeqCst) => return,
            Err(_) => continue,
        };
        if stop.load(Ordering::SeqCst) {
            return;
        }
        // A panic must not take a worker down; dropping the request makes
        // tiny_http answer 500.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handle_request(request, ctx);
        }));
    }
}

fn handle_request(request: Request, ctx: &Ctx) {
    let head = *request.method() == Method::Head;
    let allowed = head || *request.method() == Method::Get;
    let url = request.url().to_owned();
    let (path, query) = split_query(&url);

    if path == ctx.events_path && allowed && !head {
        start_event_stream(request, ctx);
        return;
    }
    let reply = if !allowed {
        Reply::MethodNotAllowed
    } else if path == ctx.events_path {
        Reply::EventStreamHead
    } else {
        let root = ctx.root.read().unwrap_or_else(|e| e.into_inner()).clone();
        route(&root, ctx, path, query)
    };
    let bytes = render(&reply, head);
    let mut out = request.into_writer();
    // A client that hung up is not an error worth reporting.
    let _ = out.write_all(&bytes).and_then(|()| out.flush());
}

/// Serialises a reply, headers and (unless `head`) body.
///
/// Responses are written by hand instead of through `Request::respond`
/// because tiny_http refuses a `Connection` header. `Connection: close` is
/// what keeps this server responsive: tiny_http 0.12 parks each connection
/// on a pool thread until the client closes it, and a race in its pool
/// (`TaskPool::spawn` counts a waiting thread that is already claimed) can
/// queue a new connection behind them indefinitely. Closing after every
/// response keeps pool threads cycling. Loopback connects are cheap.
fn render(reply: &Reply, head: bool) -> Vec<u8> {
    let (status, content_type, extra, body): (u16, &str, Option<(&str, &str)>, &[u8]) = match reply
    {
        Reply::File { body, content_type } => (200, content_type, None, body),
        Reply::Redirect(location) => (301, TEXT, Some(("Location", location)), b""),
        Reply::NotFound(Some(body)) => (404, HTML, None, body),
        Reply::NotFound(None) => (404, TEXT, None, b"404 not found\n"),
        Reply::MethodNotAllowed => (
            405,
            TEXT,
            Some(("Allow", "GET, HEAD")),
            b"405 method not allowed\n",
        ),
        Reply::EventStreamHead => (200, EVENT_STREAM, None, b""),
    };
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(format!("HTTP/1.1 {status} {}\r\n", reason(status)).as_bytes());
    out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
    if let Some((name, value)) = extra {
        // Values are percent-encoded or constant; refuse anything that could split headers.
        if !value.contains(['\r', '\n']) {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    if !matches!(reply, Reply::EventStreamHead) {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(COMMON_HEADERS.as_bytes());
    if !head {
        out.extend_from_slice(body);
    }
    out
}

const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
const EVENT_STREAM: &str = "text/event-stream";

/// Headers on every response, ending the header block. A dev server must
/// never let the browser reuse a stale page, nor guess content types.
const COMMON_HEADERS: &str = "Cache-Control: no-store\r\n\
    X-Content-Type-Options: nosniff\r\n\
    Server: forklar\r\n\
    Connection: close\r\n\r\n";

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    }
}

/// Hands the request's socket to a thread of its own that pumps the client's
/// [`livereload::EventStream`], so long-lived streams never occupy a worker.
///
/// Written by hand like every response (see [`render`]); tiny_http's own
/// path would also use chunked encoding with an 8 KiB buffer and never flush
/// between events. `Connection: close` delimits the body.
fn start_event_stream(request: Request, ctx: &Ctx) {
    let stream = ctx.reload.subscribe();
    let spawned = thread::Builder::new()
        .name("forklar-sse".into())
        .spawn(move || {
            let mut out = request.into_writer();
            let _ = pump_events(stream, &mut out);
        });
    // If no thread could be spawned the closure (and the request) is dropped,
    // and tiny_http answers 500.
    drop(spawned);
    kick(ctx.kick_addr);
}

/// Opens and drops one connection to ourselves. This stream's connection now
/// holds a tiny_http pool thread for good; should the pool race (see
/// [`render`]) have queued another connection behind it, the extra
/// connection makes the pool run its queue. Costs one loopback connect per
/// browser tab load.
fn kick(addr: SocketAddr) {
    let _ = TcpStream::connect_timeout(&addr, Duration::from_millis(200));
}

/// The bound address, with a wildcard IP replaced by loopback so it can be connected to.
fn loopback_of(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

fn pump_events(mut stream: impl Read, out: &mut impl Write) -> io::Result<()> {
    out.write_all(
        format!("HTTP/1.1 200 OK\r\nContent-Type: {EVENT_STREAM}\r\n{COMMON_HEADERS}").as_bytes(),
    )?;
    out.flush()?;
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        out.write_all(&buf[..n])?;
        // Flushing per event is the point of a stream; a failed write here is
        // how a dead browser is noticed (at the latest on the next ping).
        out.flush()?;
    }
}

/// The outcome of routing a GET/HEAD request.
#[derive(Debug, PartialEq, Eq)]
enum Reply {
    File {
        body: Vec<u8>,
        content_type: &'static str,
    },
    Redirect(String),
    /// The site's `404.html` (with the live-reload script), if it has one.
    NotFound(Option<Vec<u8>>),
    MethodNotAllowed,
    /// HEAD on the event stream: its headers, no stream.
    EventStreamHead,
}

fn route(root: &Path, ctx: &Ctx, path: &str, query: Option<&str>) -> Reply {
    let not_found = || not_found_page(root, &ctx.snippet);
    let base = ctx.base_path.as_str();
    let rel = if let Some(rest) = path.strip_prefix(base) {
        rest
    } else if path == "/" || path == base.trim_end_matches('/') {
        // Convenience for a site under a base path: `/` and `/base` lead to `/base/`.
        return Reply::Redirect(with_query(&encode_location(base), query));
    } else {
        return not_found();
    };
    let Some(segments) = decode_segments(rel) else {
        return not_found();
    };
    let Some(canon_root) = root.canonicalize().ok() else {
        return not_found();
    };
    let mut target = canon_root.clone();
    target.extend(&segments);
    let Some(resolved) = contained(&canon_root, &target) else {
        return not_found();
    };
    let wants_dir = rel.is_empty() || rel.ends_with('/');
    let file = if resolved.is_dir() {
        if !wants_dir {
            let location = format!("{}/", encode_location(path));
            return Reply::Redirect(with_query(&location, query));
        }
        // index.html may itself be a symlink, so it is checked again.
        match contained(&canon_root, &resolved.join("index.html")) {
            Some(index) => index,
            None => return not_found(),
        }
    } else if wants_dir {
        // `/page.html/` is not a directory.
        return not_found();
    } else {
        resolved
    };
    serve_file(&file, &ctx.snippet).unwrap_or_else(not_found)
}

fn serve_file(file: &Path, snippet: &str) -> Option<Reply> {
    if !file.is_file() {
        return None;
    }
    // Reading the whole file keeps Content-Length exact even if a rebuild
    // rewrites the file while it is being sent.
    let body = std::fs::read(file).ok()?;
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") {
        livereload::inject(&body, snippet)
    } else {
        body
    };
    Some(Reply::File { body, content_type })
}

fn not_found_page(root: &Path, snippet: &str) -> Reply {
    let page = root
        .canonicalize()
        .ok()
        .and_then(|canon| contained(&canon, &canon.join("404.html")))
        .filter(|p| p.is_file())
        .and_then(|p| std::fs::read(p).ok())
        .map(|body| livereload::inject(&body, snippet));
    Reply::NotFound(page)
}

/// Canonicalises `path` (following symlinks) and returns it only if it exists
/// and lies inside `canon_root`.
fn contained(canon_root: &Path, path: &Path) -> Option<PathBuf> {
    let canon = path.canonicalize().ok()?;
    canon.starts_with(canon_root).then_some(canon)
}

/// Splits the (still encoded) request path into decoded segments, or `None` if
/// any segment could escape the root or is not valid UTF-8. Decodes exactly
/// once, per segment, so `%2f` can never turn into a separator.
fn decode_segments(rel: &str) -> Option<Vec<String>> {
    if rel.contains(['\\', '\0']) {
        return None;
    }
    let mut out = Vec::new();
    for raw in rel.split('/') {
        if raw.is_empty() {
            // `a//b` and the trailing slash; an empty segment adds nothing to the path.
            continue;
        }
        let seg = percent_decode_str(raw).decode_utf8().ok()?;
        if seg.contains(['/', '\\', '\0']) || seg == "." || seg == ".." {
            return None;
        }
        // Rejects anything the platform treats specially (drive prefixes, roots).
        let mut comps = Path::new(seg.as_ref()).components();
        if !matches!(
            (comps.next(), comps.next()),
            (Some(Component::Normal(_)), None)
        ) {
            return None;
        }
        out.push(seg.into_owned());
    }
    Some(out)
}

fn split_query(url: &str) -> (&str, Option<&str>) {
    let url = url.split('#').next().unwrap_or(url);
    match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    }
}

fn with_query(location: &str, query: Option<&str>) -> String {
    match query {
        Some(q) => format!("{location}?{}", encode_location(q)),
        None => location.to_owned(),
    }
}

/// Characters that must not appear raw in a Location header (controls, space,
/// non-ASCII); existing `%XX` escapes are kept as they are.
const LOCATION: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>');

fn encode_location(s: &str) -> String {
    utf8_percent_encode(s, LOCATION).to_string()
}

fn normalise_base(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        format!("/{trimmed}/")
    }
}

/// Content-Type by extension (ASCII case-insensitive).
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "avif" => "image/avif",
        "xml" => "application/xml",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_reject_escapes() {
        for bad in [
            "..", "a/../b", "%2e%2e/x", "%2E%2E", ".%2e", "a%2fb", "a%2Fb", "a%5cb", "a\\b",
            "a%00b", "./a", "%ff",
        ] {
            assert_eq!(decode_segments(bad), None, "{bad}");
        }
    }

    #[test]
    fn segments_decode_once_as_utf8() {
        assert_eq!(
            decode_segments("bakgrunn/%C3%A6/"),
            Some(vec!["bakgrunn".to_owned(), "æ".to_owned()])
        );
        // Double encoding decodes to a literal `%2e%2e` file name, which is harmless.
        assert_eq!(
            decode_segments("%252e%252e"),
            Some(vec!["%2e%2e".to_owned()])
        );
        assert_eq!(
            decode_segments("a//b"),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(decode_segments(""), Some(vec![]));
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type(Path::new("a/INDEX.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("x.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.woff2")), "font/woff2");
        assert_eq!(content_type(Path::new("x.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
        assert_eq!(content_type(Path::new("x.exe")), "application/octet-stream");
    }

    #[test]
    fn base_and_query_helpers() {
        assert_eq!(normalise_base(""), "/");
        assert_eq!(normalise_base("/"), "/");
        assert_eq!(normalise_base("forklaring"), "/forklaring/");
        assert_eq!(normalise_base("/forklaring/"), "/forklaring/");
        assert_eq!(split_query("/a?b=1#x"), ("/a", Some("b=1")));
        assert_eq!(split_query("/a"), ("/a", None));
        assert_eq!(with_query("/a/", Some("q=1")), "/a/?q=1");
        assert_eq!(encode_location("/æ\r\n"), "/%C3%A6%0D%0A");
    }

    #[test]
    fn pump_writes_headers_then_flushes_events() {
        let lr = LiveReload::new();
        let stream = lr.subscribe();
        lr.reload();
        lr.disconnect_all();
        let mut out = Vec::new();
        pump_events(stream, &mut out).expect("pump");
        let text = String::from_utf8(out).expect("utf8");
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("Content-Type: text/event-stream\r\n"));
        assert!(text.ends_with("\r\n\r\nretry: 1000\n\nevent: reload\ndata: 1\n\n"));
    }
}
