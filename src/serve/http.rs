//! The HTTP/1.1 messages of the development server, written by hand: a
//! request's head read within a time limit, and every reply serialised with
//! the headers a development server needs (`no-store`, `nosniff`,
//! `Connection: close`).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// How long a client may take to send its request's headers, once it started.
const HEAD_LIMIT: Duration = Duration::from_secs(5);
/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;

/// A request's line and the headers the server looks at.
pub(super) struct Head {
    pub method: String,
    pub target: String,
    pub host: Option<String>,
    /// How many `Host` headers the request had (exactly one is valid).
    pub hosts: usize,
}

/// Reads the request head (up to the blank line) within [`HEAD_LIMIT`].
pub(super) fn read_head(stream: &mut TcpStream) -> Option<Head> {
    let deadline = Instant::now() + HEAD_LIMIT;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let left = deadline.checked_duration_since(Instant::now())?;
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .ok()?;
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let text = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = text.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !version.starts_with("HTTP/1.") || method.is_empty() {
        return None;
    }
    let mut head = Head {
        method: method.to_owned(),
        target: target.to_owned(),
        host: None,
        hosts: 0,
    };
    for line in lines {
        let (name, value) = line.split_once(':')?;
        if name.eq_ignore_ascii_case("host") {
            head.hosts += 1;
            head.host = Some(value.trim().to_owned());
        }
    }
    Some(head)
}

/// The outcome of routing a GET/HEAD request.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reply {
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
    /// A request that is not HTTP/1.x, or has no or several `Host` headers.
    BadRequest,
    /// A `Host` this server does not answer for (DNS rebinding).
    MisdirectedRequest,
    /// Too many live-reload streams are open.
    Busy,
}

/// Sends the response and closes the connection, as its `Connection: close`
/// header says; a short drain lets the client read it before the socket goes.
pub(super) fn finish(mut stream: TcpStream, bytes: &[u8]) {
    // A client that hung up is not an error worth reporting.
    let _ = stream.write_all(bytes).and_then(|()| stream.flush());
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < 64 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// Serialises a reply, headers and (unless `head`) body. Every response
/// says `Connection: close`, and the connection is closed after it.
pub(super) fn render(reply: &Reply, head: bool) -> Vec<u8> {
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
        Reply::BadRequest => (400, TEXT, None, b"400 bad request\n"),
        Reply::MisdirectedRequest => (
            421,
            TEXT,
            None,
            b"421 this server does not answer for that host name (forklar serve --allow-host NAME allows one)\n",
        ),
        Reply::Busy => (503, TEXT, Some(("Retry-After", "1")), b"503 too many live-reload streams\n"),
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
pub(super) const EVENT_STREAM: &str = "text/event-stream";

/// Headers on every response, ending the header block. A dev server must
/// never let the browser reuse a stale page, nor guess content types.
pub(super) const COMMON_HEADERS: &str = "Cache-Control: no-store\r\n\
    X-Content-Type-Options: nosniff\r\n\
    Server: forklar\r\n\
    Connection: close\r\n\r\n";

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        404 => "Not Found",
        400 => "Bad Request",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(reply: &Reply, head: bool) -> String {
        String::from_utf8(render(reply, head)).expect("utf8")
    }

    #[test]
    fn a_head_request_gets_the_length_without_the_body() {
        let reply = Reply::File {
            body: b"<p>hei</p>".to_vec(),
            content_type: HTML,
        };
        let full = text(&reply, false);
        let head = text(&reply, true);
        assert!(full.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(full.ends_with("\r\n\r\n<p>hei</p>"));
        assert!(head.contains("Content-Length: 10\r\n"));
        assert!(head.ends_with("Connection: close\r\n\r\n"));
    }

    #[test]
    fn a_header_value_that_could_split_the_headers_is_left_out() {
        let split = text(&Reply::Redirect("/a\r\nSet-Cookie: x=1".into()), false);
        assert!(split.starts_with("HTTP/1.1 301 Moved Permanently\r\n"));
        assert!(!split.contains("Set-Cookie"));
        let plain = text(&Reply::Redirect("/forklaring/".into()), false);
        assert!(plain.contains("Location: /forklaring/\r\n"));
    }

    #[test]
    fn every_reply_says_no_store_nosniff_and_close() {
        for reply in [Reply::BadRequest, Reply::NotFound(None), Reply::Busy] {
            let out = text(&reply, false);
            for header in [
                "Cache-Control: no-store",
                "X-Content-Type-Options: nosniff",
                "Connection: close",
            ] {
                assert!(out.contains(header), "{header} missing in {out}");
            }
        }
    }
}
