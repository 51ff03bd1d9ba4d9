//! docs/deploying.md's nginx configuration, taken from the document as written,
//! run in a real nginx on a free loopback port against the built sample site.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{read_text, run_forklar};
use crate::tools::missing;

/// The one ```nginx block in docs/deploying.md.
fn nginx_snippet() -> String {
    let doc = read_text(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploying.md"));
    let blocks: Vec<&str> = doc
        .split("```nginx\n")
        .skip(1)
        .map(|rest| rest.split("\n```").next().expect("the block ends"))
        .collect();
    assert_eq!(
        blocks.len(),
        1,
        "docs/deploying.md should have exactly one nginx block"
    );
    blocks[0].to_string()
}

fn nginx() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|path| path.is_file())
}

/// nginx in the foreground, one process, stopped when the test ends.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What nginx answered: the status, the header lines, the body.
struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

fn get(port: u16, path: &str) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to nginx");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the answer");
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP head");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("a status line in {head}"));
    Answer {
        status,
        headers: head,
        body: bytes[split + 4..].to_vec(),
    }
}

/// docs/deploying.md's nginx block passes `nginx -t`, and with the sample site
/// built for `/forklaring/` it redirects `/forklaring`, serves the front page, an
/// article and the stylesheet (cached for good), and the site's 404 page.
#[test]
fn the_nginx_configuration_in_the_docs_serves_the_site_under_a_sub_path() {
    let Some(nginx) = nginx() else {
        missing(
            "the nginx configuration in docs/deploying.md",
            "nginx is not installed",
            "apt-get install nginx",
        );
        return;
    };
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let www = tmp.path().join("www");
    let site = www.join("forklaring");
    let repository = env!("CARGO_MANIFEST_DIR");
    run_forklar(
        Path::new(repository),
        &[
            "build",
            "--root",
            repository,
            "--output",
            site.to_str().expect("a UTF-8 path"),
            "--base-url",
            "https://example.org/forklaring/",
        ],
    )
    .assert_success();

    let prefix = tmp.path().join("nginx");
    std::fs::create_dir(&prefix).expect("nginx's folder");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    // The server block around the snippet is the reader's own; the snippet is
    // used as the document gives it, with the folder it names moved here.
    let snippet = nginx_snippet().replace("/var/www", www.to_str().expect("a UTF-8 path"));
    let mime_types = ["/etc/nginx/mime.types", "/usr/local/nginx/conf/mime.types"]
        .into_iter()
        .find(|path| Path::new(path).is_file())
        .map(|path| format!("include {path};"))
        .unwrap_or_else(|| "types { text/html html; text/css css; text/javascript js; }".into());
    let conf = prefix.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "daemon off;\nmaster_process off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n{mime_types}\naccess_log off;\n\
             server {{\nlisten 127.0.0.1:{port};\nserver_name example.org;\n{snippet}\n}}\n}}\n",
            prefix = prefix.display()
        ),
    )
    .expect("write nginx.conf");
    let nginx_command = |extra: &[&str]| {
        let mut command = Command::new(&nginx);
        command
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(prefix.join("error.log"))
            .args(extra);
        command
    };

    let test = nginx_command(&["-t"]).output().expect("run nginx -t");
    assert!(
        test.status.success(),
        "nginx -t refuses the configuration in docs/deploying.md:\n{}\n{}",
        String::from_utf8_lossy(&test.stderr),
        read_text(&conf)
    );

    let _server = Nginx(
        nginx_command(&[])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx"),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start listening: {}",
            std::fs::read_to_string(prefix.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let redirect = get(port, "/forklaring");
    assert_eq!(redirect.status, 301, "/forklaring: {}", redirect.headers);
    let location = redirect.header("Location").unwrap_or_default();
    assert!(
        location.ends_with("/forklaring/"),
        "/forklaring should redirect to /forklaring/, not {location}"
    );

    let front = get(port, "/forklaring/");
    assert_eq!(front.status, 200, "/forklaring/: {}", front.headers);
    assert_eq!(
        front.body,
        std::fs::read(site.join("index.html")).expect("index.html")
    );

    // An article: the first folder of the site with a page in it that links the stylesheet.
    let index = String::from_utf8_lossy(&front.body).into_owned();
    let article = index
        .split("href=\"/forklaring/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|path| {
            path.ends_with('/')
                && path.matches('/').count() == 1
                && site.join(path).join("index.html").is_file()
        })
        .expect("the front page links an article");
    let page = get(port, &format!("/forklaring/{article}"));
    assert_eq!(page.status, 200, "/forklaring/{article}: {}", page.headers);
    assert_eq!(
        page.body,
        std::fs::read(site.join(article).join("index.html")).expect("the article")
    );

    let stylesheet = std::fs::read_dir(&site)
        .expect("the site")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("style.") && name.ends_with(".css"))
        .expect("a stylesheet");
    assert!(
        index.contains(&format!("/forklaring/{stylesheet}")),
        "the page links {stylesheet}"
    );
    let css = get(port, &format!("/forklaring/{stylesheet}"));
    assert_eq!(css.status, 200, "{stylesheet}: {}", css.headers);
    assert!(
        css.header("Content-Type")
            .is_some_and(|t| t.starts_with("text/css")),
        "{stylesheet}: {}",
        css.headers
    );
    assert!(
        css.header("Cache-Control")
            .is_some_and(|c| c.contains("immutable")),
        "{stylesheet} should be cached for good: {}",
        css.headers
    );
    assert_eq!(
        css.body,
        std::fs::read(site.join(&stylesheet)).expect("the stylesheet")
    );

    let missing_page = get(port, "/forklaring/finnes-ikke/");
    assert_eq!(missing_page.status, 404, "{}", missing_page.headers);
    assert_eq!(
        missing_page.body,
        std::fs::read(site.join("404.html")).expect("404.html"),
        "a missing page should get the site's 404.html"
    );
}
