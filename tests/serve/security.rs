//! `forklar serve` against a hostile network and machine: Host headers from
//! DNS rebinding, clients that connect and stay silent, its temporary folder,
//! and SIGTERM. Every case runs the real binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::{Resp, parse_response};

const BIN: &str = env!("CARGO_BIN_EXE_forklar");

struct Serve {
    child: Child,
    port: u16,
    tmp: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `forklar serve --port 0 <args>` on a one-article site, with its own TMPDIR.
fn serve(args: &[&str]) -> Serve {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(root.join("site.toml"), "title = \"T\"\nlanguage = \"nb\"\n").unwrap();
    std::fs::write(
        root.join("content/sak.md"),
        "+++\ntitle = \"Sak\"\ndate = 2022-01-06\n+++\n\nTekst.\n",
    )
    .unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .args(args)
        .env("TMPDIR", &tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(at) = line.find("http://") {
            let url = line[at..].split_whitespace().next().unwrap();
            let port = url.trim_end_matches('/').rsplit(':').next().unwrap();
            break port.parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Serve {
        child,
        port,
        tmp,
        _dir: dir,
    }
}

fn ask(port: u16, head: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)
        .expect("the server closes the connection");
    parse_response(&buf).unwrap()
}

fn get_with_host(port: u16, host: &str) -> u16 {
    ask(
        port,
        &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
    .status
}

#[test]
fn only_host_names_of_this_server_are_answered() {
    let s = serve(&["--allow-host", "preview.test"]);
    let p = s.port;
    for host in [
        format!("localhost:{p}"),
        format!("127.0.0.1:{p}"),
        format!("LOCALHOST:{p}"),
        "localhost".to_string(),
        format!("preview.test:{p}"),
    ] {
        assert_eq!(get_with_host(p, &host), 200, "{host}");
    }
    for host in [
        format!("evil.example:{p}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{p}"),
        format!("localhost:{}", p.wrapping_add(1)),
        format!("127.0.0.2:{p}"),
        String::new(),
    ] {
        assert_eq!(get_with_host(p, &host), 421, "{host:?}");
    }
    // The live-reload stream is refused the same way.
    let r = ask(
        p,
        &format!("GET /__forklar/events HTTP/1.1\r\nHost: evil.example:{p}\r\n\r\n"),
    );
    assert_eq!(r.status, 421);
    // No Host at all, or two, is not HTTP/1.1.
    assert_eq!(ask(p, "GET / HTTP/1.1\r\n\r\n").status, 400);
    assert_eq!(
        ask(
            p,
            &format!("GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example:{p}\r\n\r\n")
        )
        .status,
        400
    );
}

fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count())
}

#[test]
fn silent_and_keep_alive_clients_hold_no_threads() {
    let s = serve(&[]);
    let before = threads(s.child.id());
    // 200 clients that connect and say nothing, and 50 that ask to keep the
    // connection open.
    let mut idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(("127.0.0.1", s.port)).unwrap())
        .collect();
    for _ in 0..50 {
        let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")
            .unwrap();
        idle.push(c);
    }
    std::thread::sleep(Duration::from_millis(500));
    let during = threads(s.child.id());
    assert!(
        during <= before + 2,
        "250 idle connections grew serve from {before} to {during} threads"
    );
    // Pages still answer at once.
    let started = Instant::now();
    for _ in 0..10 {
        assert_eq!(get_with_host(s.port, "localhost"), 200);
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // `Connection: close` (or none) is honoured: the server closes after answering.
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    c.read_to_end(&mut buf)
        .expect("closed by the server, not timed out");
    assert_eq!(
        parse_response(&buf).unwrap().header("Connection"),
        Some("close")
    );
    drop(idle);
}

/// The private folder serve made in its TMPDIR.
fn private_folder(tmp: &Path) -> Option<PathBuf> {
    std::fs::read_dir(tmp)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("forklar-serve-")
        })
}

#[test]
fn the_temporary_folder_is_private_unpredictable_and_removed_on_sigterm() {
    let pid_guess_dir;
    let mut s = {
        let s = serve(&[]);
        pid_guess_dir = s.tmp.join(format!("forklar-serve-{}", s.child.id()));
        s
    };
    let private = private_folder(&s.tmp).expect("serve's private folder");
    assert_ne!(private, pid_guess_dir, "the name is still the process id");
    let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}", private.display());
    assert!(private.join("site/index.html").is_file());
    // SIGTERM, as `kill` and service managers send it.
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success(), "SIGTERM could not be sent");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    assert!(!private.exists(), "{} was left behind", private.display());
}
