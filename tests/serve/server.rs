use std::fs;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use forklar::serve::livereload::{BuildErrorInfo, LiveReload};
use forklar::serve::server::{RunningServer, ServeError, ServerConfig, start};

use crate::http::{Resp, parse_response};

fn parse(buf: &[u8]) -> Resp {
    parse_response(buf).expect("a complete HTTP response")
}

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const TIMEOUT: Duration = Duration::from_secs(5);

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    s
}

/// Sends `method target` verbatim and reads the whole response (the request
/// asks the server to close the connection afterwards).
fn raw(addr: SocketAddr, method: &str, target: &str) -> Resp {
    let mut s = connect(addr);
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read response");
    parse(&buf)
}

/// Reads one response framed by Content-Length, leaving the connection open.
fn read_one(s: &mut TcpStream) -> Resp {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let r = parse(&buf[..end + 4]);
            let len: usize = r
                .header("Content-Length")
                .and_then(|v| v.parse().ok())
                .expect("Content-Length");
            if buf.len() >= end + 4 + len {
                return parse(&buf[..end + 4 + len]);
            }
        }
        let n = s.read(&mut chunk).expect("read response");
        assert!(n > 0, "connection closed early");
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn get(addr: SocketAddr, target: &str) -> Resp {
    raw(addr, "GET", target)
}

/// A site in a temp dir, with a secret file next to (outside) the root.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("public");
    fs::create_dir_all(root.join("foo")).unwrap();
    fs::create_dir_all(root.join("bakgrunn/æ")).unwrap();
    fs::write(
        root.join("index.html"),
        "<!doctype html><html><body><h1>Forside</h1></BODY></html>",
    )
    .unwrap();
    fs::write(root.join("foo/index.html"), "<p>foo index</p>").unwrap();
    fs::write(root.join("bakgrunn/æ/index.html"), "<body>ae</body>").unwrap();
    fs::write(root.join("style.css"), "body{}").unwrap();
    fs::write(root.join("app.js"), "1").unwrap();
    fs::write(root.join("logo.svg"), "<svg/>").unwrap();
    fs::write(root.join("data.json"), "{}").unwrap();
    fs::write(root.join("IMG.PNG"), [0x89, b'P', b'N', b'G']).unwrap();
    fs::write(root.join("font.woff2"), "w").unwrap();
    fs::write(root.join("blob.bin"), "b").unwrap();
    fs::write(root.join("feed.xml"), "<rss/>").unwrap();
    fs::write(root.join("robots.txt"), "User-agent: *").unwrap();
    fs::write(dir.path().join("secret.txt"), "TOPSECRET").unwrap();
    dir
}

fn serve(dir: &Path) -> (RunningServer, LiveReload) {
    serve_with(dir, LiveReload::new(), "/")
}

fn serve_with(dir: &Path, reload: LiveReload, base: &str) -> (RunningServer, LiveReload) {
    let mut config = ServerConfig::new(LOCALHOST, 0, dir.join("public"));
    config.base_path = base.to_owned();
    let server = start(config, reload.clone()).expect("start server");
    (server, reload)
}

fn assert_common_headers(r: &Resp) {
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
}

#[test]
fn serves_index_with_injected_script_and_exact_length() {
    let dir = site();
    let (server, _) = serve(dir.path());
    let r = get(server.addr(), "/");
    assert_eq!(r.status, 200);
    assert_common_headers(&r);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("Content-Length"), Some(&*r.body.len().to_string()));
    let body = r.text();
    assert!(
        body.starts_with("<!doctype html><html><body><h1>Forside</h1><script data-forklar-livereload=\"/__forklar/events\">"),
        "{body}"
    );
    assert!(body.ends_with("</script></BODY></html>"), "{body}");
    assert_eq!(body.matches("<script").count(), 1);
}

#[test]
fn html_without_body_gets_script_appended() {
    let dir = site();
    let (server, _) = serve(dir.path());
    let r = get(server.addr(), "/foo/");
    assert_eq!(r.status, 200);
    let body = r.text();
    assert!(body.starts_with("<p>foo index</p><script data-forklar-livereload"));
    assert!(body.ends_with("</script>"));
    assert_eq!(r.header("Content-Length"), Some(&*r.body.len().to_string()));
}

#[test]
fn head_has_get_headers_and_no_body() {
    let dir = site();
    let (server, _) = serve(dir.path());
    let g = get(server.addr(), "/");
    let h = raw(server.addr(), "HEAD", "/");
    assert_eq!(h.status, 200);
    assert!(h.body.is_empty());
    assert_eq!(h.header("Content-Length"), Some(&*g.body.len().to_string()));
    assert_eq!(h.header("Content-Type"), g.header("Content-Type"));
    assert_common_headers(&h);

    let h = raw(server.addr(), "HEAD", "/style.css");
    assert_eq!(h.header("Content-Length"), Some("6"));
    assert!(h.body.is_empty());
}

#[test]
fn directory_without_slash_redirects_keeping_query() {
    let dir = site();
    let (server, _) = serve(dir.path());
    let r = get(server.addr(), "/foo");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/foo/"));
    assert_common_headers(&r);
    let r = get(server.addr(), "/foo?a=1&b=%C3%A6");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/foo/?a=1&b=%C3%A6"));
    let r = get(server.addr(), "/bakgrunn/%C3%A6");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/bakgrunn/%C3%A6/"));
}

#[test]
fn directory_with_slash_serves_index() {
    let dir = site();
    let (server, _) = serve(dir.path());
    let r = get(server.addr(), "/foo/");
    assert_eq!(r.status, 200);
    assert!(r.text().starts_with("<p>foo index</p>"));
    // Query strings are ignored for files.
    assert_eq!(get(server.addr(), "/foo/?x=1").status, 200);
    // A directory without index.html is not listed.
    fs::create_dir(dir.path().join("public/empty")).unwrap();
    assert_eq!(get(server.addr(), "/empty/").status, 404);
}

#[test]
fn non_ascii_paths_are_decoded_once_as_utf8() {
    let dir = site();
    let (server, _) = serve(dir.path());
    let r = get(server.addr(), "/bakgrunn/%C3%A6/");
    assert_eq!(r.status, 200);
    assert!(r.text().starts_with("<body>ae"));
    // Latin-1 encoding of æ is not UTF-8.
    assert_eq!(get(server.addr(), "/bakgrunn/%E6/").status, 404);
    // Double encoding must not be decoded twice.
    assert_eq!(get(server.addr(), "/bakgrunn/%25C3%25A6/").status, 404);
}

#[test]
fn content_types_by_extension() {
    let dir = site();
    let (server, _) = serve(dir.path());
    for (path, ct) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
        ("/IMG.PNG", "image/png"),
        ("/font.woff2", "font/woff2"),
        ("/feed.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/blob.bin", "application/octet-stream"),
    ] {
        let r = get(server.addr(), path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(ct), "{path}");
        assert_common_headers(&r);
    }
    // Only HTML gets the script.
    assert_eq!(get(server.addr(), "/logo.svg").body, b"<svg/>");
    assert_eq!(
        get(server.addr(), "/IMG.PNG").body,
        [0x89, b'P', b'N', b'G']
    );
}

#[test]
fn large_files_have_content_length_not_chunked() {
    let dir = site();
    let big = vec![b'x'; 200_000];
    fs::write(dir.path().join("public/big.bin"), &big).unwrap();
    let (server, _) = serve(dir.path());
    let r = get(server.addr(), "/big.bin");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("200000"));
    assert_eq!(r.header("Transfer-Encoding"), None);
    assert_eq!(r.body, big);
}

#[test]
fn traversal_attempts_get_404_without_leaking() {
    let dir = site();
    let (server, _) = serve(dir.path());
    // Sanity: the secret exists right outside the root.
    assert!(dir.path().join("public/../secret.txt").exists());
    for target in [
        "/../secret.txt",
        "/foo/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/foo/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/foo%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "/..\\secret.txt",
        "/foo\\..\\..\\secret.txt",
        "/%00/../secret.txt",
        "/index.html%00.txt",
        "/%2fetc/passwd",
        "//etc/passwd",
        "/./index.html",
        "/%2e/index.html",
        "secret.txt",
        "http://localhost/../secret.txt",
    ] {
        let r = get(server.addr(), target);
        assert_eq!(r.status, 404, "{target}");
        assert!(!r.text().contains("TOPSECRET"), "{target}");
        assert!(!r.text().contains("root:"), "{target}");
        assert_common_headers(&r);
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_root_are_404_inside_are_served() {
    use std::os::unix::fs::symlink;
    let dir = site();
    let public = dir.path().join("public");
    symlink(dir.path().join("secret.txt"), public.join("leak.txt")).unwrap();
    symlink(dir.path(), public.join("up")).unwrap();
    symlink(public.join("style.css"), public.join("alias.css")).unwrap();
    fs::create_dir(dir.path().join("outside")).unwrap();
    symlink(
        dir.path().join("secret.txt"),
        dir.path().join("outside/index.html"),
    )
    .unwrap();
    symlink(dir.path().join("outside"), public.join("linkdir")).unwrap();
    fs::create_dir(public.join("inner")).unwrap();
    symlink(
        dir.path().join("secret.txt"),
        public.join("inner/index.html"),
    )
    .unwrap();
    let (server, _) = serve(dir.path());
    for target in [
        "/leak.txt",
        "/up/secret.txt",
        "/up/",
        "/linkdir/",
        "/linkdir",
        "/inner/",
    ] {
        let r = get(server.addr(), target);
        assert_eq!(r.status, 404, "{target}");
        assert!(!r.text().contains("TOPSECRET"), "{target}");
    }
    let r = get(server.addr(), "/alias.css");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"body{}");
}

#[test]
fn not_found_uses_site_404_page_or_plain_text() {
    let dir = site();
    let (server, _) = serve(dir.path());
    let r = get(server.addr(), "/missing/");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));
    assert_common_headers(&r);

    fs::write(
        dir.path().join("public/404.html"),
        "<body>Fant ikke siden</body>",
    )
    .unwrap();
    let r = get(server.addr(), "/missing/");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    let body = r.text();
    assert!(body.starts_with("<body>Fant ikke siden<script data-forklar-livereload"));
    assert_eq!(r.header("Content-Length"), Some(&*r.body.len().to_string()));
    // Traversal also gets the friendly page, still 404.
    assert_eq!(get(server.addr(), "/%2e%2e/secret.txt").status, 404);
    // A file requested as a directory.
    assert_eq!(get(server.addr(), "/style.css/").status, 404);
}

#[test]
fn other_methods_get_405_with_allow() {
    let dir = site();
    let (server, _) = serve(dir.path());
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let r = raw(server.addr(), method, "/");
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"), "{method}");
        assert_common_headers(&r);
    }
    let r = raw(server.addr(), "POST", "/__forklar/events");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("GET, HEAD"));
}

#[test]
fn rebuilt_files_and_swapped_roots_are_served_fresh() {
    let dir = site();
    let (server, _) = serve(dir.path());
    fs::write(dir.path().join("public/style.css"), "p{}").unwrap();
    assert_eq!(get(server.addr(), "/style.css").body, b"p{}");

    let other = dir.path().join("public2");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("style.css"), "new{}").unwrap();
    server.set_root(&other);
    assert_eq!(server.root(), other);
    assert_eq!(get(server.addr(), "/style.css").body, b"new{}");

    // A missing root answers 404 instead of failing.
    server.set_root(dir.path().join("nope"));
    assert_eq!(get(server.addr(), "/style.css").status, 404);
}

#[test]
fn port_in_use_is_reported_clearly() {
    let dir = site();
    let (first, _) = serve(dir.path());
    let port = first.addr().port();
    let err = start(
        ServerConfig::new(LOCALHOST, port, dir.path().join("public")),
        LiveReload::new(),
    )
    .expect_err("second bind must fail");
    match &err {
        ServeError::PortInUse { addr } => assert_eq!(addr.port(), port),
        other => panic!("expected PortInUse, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "port {port} on 127.0.0.1 is already in use; stop the other server or pass --port <another>"
        )
    );
}

#[test]
fn bad_requests_do_not_kill_workers() {
    let dir = site();
    let (server, _) = serve(dir.path());
    for garbage in [
        &b"\x00\x01\x02\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\nConnection: close\r\n\r\n",
        b"GET /%ZZ HTTP/1.1\r\nConnection: close\r\n\r\n",
    ] {
        let mut s = connect(server.addr());
        s.write_all(garbage).unwrap();
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
    }
    // More requests than workers, to be sure every worker is still alive.
    for _ in 0..20 {
        assert_eq!(get(server.addr(), "/style.css").status, 200);
    }
}

/// An open SSE connection; reads incrementally.
struct Sse {
    stream: TcpStream,
    seen: String,
}

impl Sse {
    fn open(addr: SocketAddr, path: &str) -> Sse {
        let mut stream = connect(addr);
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        Sse {
            stream,
            seen: String::new(),
        }
    }

    /// Reads until `needle` has appeared after position `from`; panics after the timeout.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        let mut buf = [0u8; 4096];
        loop {
            if let Some(i) = self.seen.find(needle) {
                let upto = i + needle.len();
                let out = self.seen[..upto].to_owned();
                self.seen.drain(..upto);
                return out;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in {:?}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!(
                    "stream closed while waiting for {needle:?}; got {:?}",
                    self.seen
                ),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e) => panic!("read error {e} waiting for {needle:?}"),
            }
        }
    }
}

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn event_stream_delivers_reload_error_and_ok() {
    let dir = site();
    let (server, reload) = serve(dir.path());
    let mut sse = Sse::open(server.addr(), "/__forklar/events");
    let head = sse.wait_for("\r\n\r\n");
    let resp = parse(head.as_bytes());
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("Content-Type"), Some("text/event-stream"));
    assert_eq!(resp.header("Cache-Control"), Some("no-store"));
    sse.wait_for("retry: 1000\n\n");
    wait_until("client registered", || reload.clients() == 1);

    reload.reload();
    sse.wait_for("event: reload\ndata: 1\n\n");
    reload.error(BuildErrorInfo {
        message: "unclosed \"tag\" <b>\nline two".into(),
        file: Some("templates/base.html".into()),
        line: Some(12),
        column: Some(5),
    });
    let got = sse.wait_for("\n\n");
    assert_eq!(
        got,
        "event: error\ndata: {\"message\": \"unclosed \\\"tag\\\" \\u003cb\\u003e\\nline two\", \"file\": \"templates/base.html\", \"line\": 12, \"column\": 5}\n\n"
    );
    reload.clear_error();
    sse.wait_for("event: ok\n");
    reload.reload();
    sse.wait_for("event: reload\ndata: 2\n\n");

    // HEAD on the endpoint answers without opening a stream.
    let h = raw(server.addr(), "HEAD", "/__forklar/events");
    assert_eq!(h.status, 200);
    assert_eq!(h.header("Content-Type"), Some("text/event-stream"));
}

#[test]
fn current_error_is_sent_on_connect() {
    let dir = site();
    let (server, reload) = serve(dir.path());
    reload.error(BuildErrorInfo::new("front matter: missing title"));
    let mut sse = Sse::open(server.addr(), "/__forklar/events");
    sse.wait_for(
        "retry: 1000\n\nevent: error\ndata: {\"message\": \"front matter: missing title\"",
    );
    reload.reload();
    sse.wait_for("event: reload");
    let mut fresh = Sse::open(server.addr(), "/__forklar/events");
    fresh.wait_for("retry: 1000\n\n");
    wait_until("second client", || reload.clients() == 2);
    reload.reload();
    let got = fresh.wait_for("event: reload");
    assert!(!got.contains("event: error"), "{got}");
}

#[test]
fn idle_streams_ping_and_dead_clients_are_dropped() {
    let dir = site();
    let (server, reload) = serve_with(
        dir.path(),
        LiveReload::with_ping_interval(Duration::from_millis(50)),
        "/",
    );
    let mut sse = Sse::open(server.addr(), "/__forklar/events");
    sse.wait_for(": ping\n\n");
    let gone = Sse::open(server.addr(), "/__forklar/events");
    wait_until("two clients", || reload.clients() == 2);
    drop(gone);
    // The next ping write to the closed socket fails and unregisters it.
    wait_until("dead client dropped", || reload.clients() == 1);
    sse.wait_for(": ping\n\n");
}

#[test]
fn hundred_streams_do_not_block_pages_or_broadcast() {
    let dir = site();
    let (server, reload) = serve(dir.path());
    let mut clients: Vec<Sse> = (0..100)
        .map(|_| Sse::open(server.addr(), "/__forklar/events"))
        .collect();
    wait_until("100 clients", || reload.clients() == 100);

    let start = Instant::now();
    for _ in 0..10 {
        assert_eq!(get(server.addr(), "/").status, 200);
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "pages slow with 100 streams open: {:?}",
        start.elapsed()
    );

    let start = Instant::now();
    reload.reload();
    assert!(start.elapsed() < Duration::from_millis(100));
    for c in &mut clients {
        c.wait_for("event: reload\ndata: 1\n\n");
    }
    assert_eq!(reload.clients(), 100);
}

#[test]
fn base_path_is_honoured() {
    let dir = site();
    let (server, reload) = serve_with(dir.path(), LiveReload::new(), "/forklaring/");
    let r = get(server.addr(), "/forklaring/");
    assert_eq!(r.status, 200);
    assert!(
        r.text()
            .contains("<script data-forklar-livereload=\"/forklaring/__forklar/events\">")
    );
    assert_eq!(get(server.addr(), "/forklaring/style.css").status, 200);
    let r = get(server.addr(), "/");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/forklaring/"));
    let r = get(server.addr(), "/forklaring");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/forklaring/"));
    assert_eq!(get(server.addr(), "/style.css").status, 404);
    assert_eq!(get(server.addr(), "/forklaring/../secret.txt").status, 404);

    let mut sse = Sse::open(server.addr(), "/forklaring/__forklar/events");
    sse.wait_for("retry: 1000");
    wait_until("client", || reload.clients() == 1);
    reload.reload();
    sse.wait_for("event: reload");
}

#[test]
fn shutdown_closes_listener_and_ends_streams() {
    let dir = site();
    let (server, reload) = serve(dir.path());
    let addr = server.addr();
    let mut sse = Sse::open(addr, "/__forklar/events");
    sse.wait_for("retry: 1000\n\n");
    wait_until("client", || reload.clients() == 1);
    server.shutdown();
    assert_eq!(reload.clients(), 0);
    // Nothing is delivered any more. (The socket itself stays open until the
    // browser or the process goes away: tiny_http keeps its read half.)
    reload.reload();
    sse.stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 64];
    match sse.stream.read(&mut buf) {
        Ok(0) | Err(_) => {}
        Ok(n) => panic!("unexpected data after shutdown: {:?}", &buf[..n]),
    }
    wait_until("listener closed", || TcpStream::connect(addr).is_err());
}

#[test]
fn keep_alive_is_refused_so_pool_threads_cycle() {
    let dir = site();
    let (server, _) = serve(dir.path());
    // A client that does not ask to close still gets `Connection: close`
    // (and, being an HTTP/1.1 client, then closes).
    let mut s = connect(server.addr());
    s.write_all(b"GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let r = read_one(&mut s);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Connection"), Some("close"));
    assert_eq!(r.body, b"body{}");
}

#[test]
fn bursts_of_connections_are_all_served() {
    // Many connections opened at once, each sending its request only after all
    // are open: with tiny_http's pool race some would otherwise wait forever.
    let dir = site();
    let (server, _) = serve(dir.path());
    let mut conns: Vec<TcpStream> = (0..50).map(|_| connect(server.addr())).collect();
    for c in &mut conns {
        c.write_all(b"GET /app.js HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
    }
    for mut c in conns {
        let r = read_one(&mut c);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("Connection"), Some("close"));
        // Closing, as a browser does after `Connection: close`.
    }
}
