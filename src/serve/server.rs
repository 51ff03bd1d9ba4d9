//! Development HTTP server: serves the built site from an output directory,
//! injects the live-reload script into HTML, and streams build events.
//!
//! Files are read at request time, so the site can be rebuilt into the same
//! directory (or [`RunningServer::set_root`] can point at another one) without
//! restarting the server.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::hosts::{allowed_hosts, host_allowed};
use super::http::{COMMON_HEADERS, EVENT_STREAM, Reply, finish, read_head, render};
use super::livereload::{self, LiveReload};
use super::paths::{
    contained, content_type, decode_segments, encode_location, normalise_base, open_page,
    split_query, with_query,
};

/// Default number of request worker threads. Event streams get their own
/// threads, so this only bounds concurrent page requests.
pub const DEFAULT_WORKERS: usize = 6;
/// Connections accepted but not yet sending, watched by one thread; beyond this
/// the oldest is closed.
const MAX_WAITING: usize = 256;
/// How long a connection may stay silent before it is closed.
const IDLE_LIMIT: Duration = Duration::from_secs(10);
/// Live-reload streams open at once (one per open tab); more get 503.
pub const MAX_STREAMS: usize = 128;
/// The longest a request for a page a save is still rendering waits for it;
/// then what is there is served, and the terminal says so.
const PENDING_LIMIT: Duration = Duration::from_secs(5);

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
    /// Host names answered besides the bound address, `localhost`, `127.0.0.1`
    /// and `[::1]` (and, bound to every address, the machine's own addresses
    /// and name). Any other `Host` gets 421, which defeats DNS rebinding.
    pub allowed_hosts: Vec<String>,
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
            allowed_hosts: Vec::new(),
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
    /// A thread could not be spawned.
    #[error("cannot start the server: {0}")]
    Start(String),
}

/// A server running on its own threads. Dropping it shuts it down.
pub struct RunningServer {
    addr: SocketAddr,
    root: Arc<RwLock<PathBuf>>,
    reload: LiveReload,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
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
        if self.threads.is_empty() {
            return;
        }
        // The dispatcher notices within one poll interval and drops the queue,
        // which ends every worker.
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
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
///
/// One dispatcher thread accepts connections and watches them with `poll` until
/// they send something, so a client that connects and stays silent (a browser's
/// speculative connection, or an attack) holds no thread; a fixed pool of
/// workers answers one request per connection and closes it.
pub fn start(config: ServerConfig, reload: LiveReload) -> Result<RunningServer, ServeError> {
    let want = SocketAddr::new(config.bind, config.port);
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
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Bind { addr: want, source })?;

    let base_path = normalise_base(&config.base_path);
    let ctx = Arc::new(Ctx {
        snippet: livereload::snippet(&base_path),
        events_path: livereload::events_url(&base_path),
        status_path: livereload::status_url(&base_path),
        base_path,
        root: Arc::new(RwLock::new(config.root)),
        reload: reload.clone(),
        hosts: allowed_hosts(addr, &config.allowed_hosts),
        port: addr.port(),
        streams: Arc::new(AtomicUsize::new(0)),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let workers = config.workers.max(1);
    let (queue, jobs) = mpsc::sync_channel::<TcpStream>(workers * 4);
    let jobs = Arc::new(Mutex::new(jobs));

    let mut running = RunningServer {
        addr,
        root: Arc::clone(&ctx.root),
        reload,
        stop: Arc::clone(&stop),
        threads: Vec::new(),
    };
    let dispatcher = {
        let stop = Arc::clone(&stop);
        thread::Builder::new()
            .name("forklar-http-accept".into())
            .spawn(move || dispatch(&listener, &queue, &stop))
            .map_err(|e| ServeError::Start(e.to_string()))?
    };
    running.threads.push(dispatcher);
    for i in 0..workers {
        let ctx = Arc::clone(&ctx);
        let jobs = Arc::clone(&jobs);
        let handle = thread::Builder::new()
            .name(format!("forklar-http-{i}"))
            .spawn(move || worker(&jobs, &ctx))
            .map_err(|e| ServeError::Start(e.to_string()))?;
        // Pushed one by one so an early return above still shuts down the started ones.
        running.threads.push(handle);
    }
    Ok(running)
}

/// Shared, read-only request context (the root is swappable behind its lock).
struct Ctx {
    root: Arc<RwLock<PathBuf>>,
    base_path: String,
    events_path: String,
    status_path: String,
    snippet: String,
    reload: LiveReload,
    /// Host names (lower case, IPv6 in brackets) that may be asked for.
    hosts: Vec<String>,
    port: u16,
    /// Live-reload streams open now.
    streams: Arc<AtomicUsize>,
}

/// Accepts connections and hands each to the workers once it has sent
/// something; closes connections that stay silent.
#[allow(unsafe_code)] // a system call the standard library does not offer; see SAFETY below
fn dispatch(listener: &TcpListener, queue: &SyncSender<TcpStream>, stop: &AtomicBool) {
    let mut waiting: Vec<(TcpStream, Instant)> = Vec::new();
    let mut fds: Vec<libc::pollfd> = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        fds.clear();
        fds.push(libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        });
        fds.extend(waiting.iter().map(|(s, _)| libc::pollfd {
            fd: s.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }));
        // SAFETY: `fds` is a valid array of `fds.len()` pollfd structs.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 50) };
        if ready < 0 {
            thread::sleep(Duration::from_millis(10));
            continue;
        }
        let now = Instant::now();
        // Connections that spoke (or hung up) go to the workers; a full queue
        // leaves them waiting here, still costing no thread.
        let mut keep = Vec::with_capacity(waiting.len());
        for ((stream, since), fd) in waiting.drain(..).zip(&fds[1..]) {
            if fd.revents != 0 {
                match queue.try_send(stream) {
                    Ok(()) => {}
                    Err(TrySendError::Full(stream)) => keep.push((stream, since)),
                    Err(TrySendError::Disconnected(_)) => return,
                }
            } else if now.duration_since(since) < IDLE_LIMIT {
                keep.push((stream, since));
            }
        }
        waiting = keep;
        if fds[0].revents != 0 {
            loop {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if waiting.len() >= MAX_WAITING {
                            waiting.remove(0);
                        }
                        waiting.push((stream, now));
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                    Err(_) => break,
                }
            }
        }
    }
}

fn worker(jobs: &Mutex<Receiver<TcpStream>>, ctx: &Ctx) {
    loop {
        let next = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(stream) = next else {
            return;
        };
        // A panic must not take a worker down; the connection just closes.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handle_connection(stream, ctx);
        }));
    }
}

fn handle_connection(mut stream: TcpStream, ctx: &Ctx) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Some(head) = read_head(&mut stream) else {
        finish(stream, &render(&Reply::BadRequest, false));
        return;
    };
    let get = head.method == "GET";
    let head_only = head.method == "HEAD";
    let reply = if head.hosts != 1 {
        Reply::BadRequest
    } else if !host_allowed(head.host.as_deref().unwrap_or(""), &ctx.hosts, ctx.port) {
        Reply::MisdirectedRequest
    } else {
        let (path, query) = split_query(&head.target);
        if path == ctx.events_path && get {
            let page = query.and_then(|query| open_page(query, &ctx.base_path));
            start_event_stream(stream, ctx, page);
            return;
        }
        if !(get || head_only) {
            Reply::MethodNotAllowed
        } else if path == ctx.events_path {
            Reply::EventStreamHead
        } else if path == ctx.status_path {
            Reply::File {
                body: ctx.reload.status_json().into_bytes(),
                content_type: "application/json",
            }
        } else {
            let root = ctx.root.read().unwrap_or_else(|e| e.into_inner()).clone();
            route(&root, ctx, path, query)
        }
    };
    finish(stream, &render(&reply, head_only));
}

/// Hands the connection to a thread of its own that pumps the client's
/// [`livereload::EventStream`], so long-lived streams never occupy a worker.
/// At most [`MAX_STREAMS`] are open at once.
///
/// Written by hand like every response (see [`render`]). `Connection: close`
/// delimits the body.
fn start_event_stream(stream: TcpStream, ctx: &Ctx, page: Option<String>) {
    let open = Arc::clone(&ctx.streams);
    if open.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        open.fetch_sub(1, Ordering::SeqCst);
        finish(stream, &render(&Reply::Busy, false));
        return;
    }
    let events = ctx.reload.subscribe_at(page);
    let spawned = thread::Builder::new()
        .name("forklar-sse".into())
        .spawn(move || {
            let mut out = stream;
            let _ = out.set_write_timeout(Some(Duration::from_secs(30)));
            let _ = pump_events(events, &mut out);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    if spawned.is_err() {
        ctx.streams.fetch_sub(1, Ordering::SeqCst);
    }
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
    let wants_dir = rel.is_empty() || rel.ends_with('/');
    wait_until_written(ctx, &segments, wants_dir, path);
    let Some(canon_root) = root.canonicalize().ok() else {
        return not_found();
    };
    let mut target = canon_root.clone();
    target.extend(&segments);
    let Some(resolved) = contained(&canon_root, &target) else {
        return not_found();
    };
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

/// A save's `reload` goes out before every page that shows the change is
/// written: a request for one of those waits for it (a page not touched by
/// the save is served at once).
fn wait_until_written(ctx: &Ctx, segments: &[String], wants_dir: bool, path: &str) {
    let pending = ctx.reload.pending();
    if pending.count() == 0 {
        return;
    }
    let joined = segments.join("/");
    let index = if joined.is_empty() {
        "index.html".to_owned()
    } else {
        format!("{joined}/index.html")
    };
    let files = if wants_dir {
        vec![index]
    } else {
        vec![joined, index]
    };
    if !pending.wait_for(&files, PENDING_LIMIT) {
        eprintln!(
            "note: {path} was still being rendered after {} s; served as it was",
            PENDING_LIMIT.as_secs()
        );
    }
}

fn serve_file(file: &Path, snippet: &str) -> Option<Reply> {
    if !file.is_file() {
        return None;
    }
    // Reading the whole file keeps Content-Length exact even if a rebuild
    // rewrites the file while it is being sent.
    let body = std::fs::read(file).ok()?;
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") && livereload::wants_reload(&body) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
