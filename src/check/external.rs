//! `check --external`: asking other sites whether the addresses the site links
//! to answer, a few at a time.

use std::sync::Mutex;

use super::ExternalOptions;

/// What asking the other sites found.
pub(super) enum Answers {
    /// Every address was asked; these did not answer as a link should.
    Asked(Vec<(String, String, String)>),
    /// No address could even be looked up or connected to: the network is down
    /// (or this computer has none), so nothing was learnt about any link.
    NoNetwork,
}

/// Why one address failed.
struct Failure {
    why: String,
    /// The request never reached a server: the name did not resolve, or no
    /// connection could be made.
    unreached: bool,
}

/// Asks every address whether it answers, `settings.concurrency` at a time.
pub(super) fn check_external(targets: Vec<(String, String)>, settings: ExternalOptions) -> Answers {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .user_agent("forklar-check")
        .build()
        .into();
    let count = targets.len();
    let queue = Mutex::new(targets.into_iter());
    let failed = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..settings.concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((url, origin)) = next else { break };
                    if let Some(failure) = probe(&agent, &url) {
                        failed
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((url, origin, failure));
                    }
                }
            });
        }
    });
    let failed = failed.into_inner().unwrap_or_else(|e| e.into_inner());
    // Every address unreachable is the network, not the links: reporting each as
    // broken would bury the one thing to fix.
    if count > 0 && failed.len() == count && failed.iter().all(|(_, _, f)| f.unreached) {
        return Answers::NoNetwork;
    }
    let mut broken: Vec<(String, String, String)> = failed
        .into_iter()
        .map(|(url, origin, failure)| (url, origin, failure.why))
        .collect();
    broken.sort();
    Answers::Asked(broken)
}

/// Why an address does not answer as a link should, or `None` when it does.
fn probe(agent: &ureq::Agent, url: &str) -> Option<Failure> {
    // The name is looked up first: the system's resolver fails with an error the
    // HTTP client reports only as text, and a name that does not resolve is the
    // one sign of a missing network that every system gives.
    if !resolves(url) {
        return Some(Failure {
            why: "could not be reached (its host name does not resolve)".into(),
            unreached: true,
        });
    }
    let status = match agent.head(url).call() {
        // Some servers refuse HEAD; ask again the way a browser would.
        Ok(response) if matches!(response.status().as_u16(), 405 | 501) => {
            agent.get(url).call().map(|r| r.status().as_u16())
        }
        Ok(response) => Ok(response.status().as_u16()),
        Err(err) => Err(err),
    };
    let failure = |why: String, unreached: bool| Some(Failure { why, unreached });
    match status {
        Ok(code) if code < 400 => None,
        Ok(code) => failure(format!("answers {code}"), false),
        Err(ureq::Error::Timeout(phase)) => failure(
            "did not answer in time".into(),
            matches!(phase, ureq::Timeout::Resolve | ureq::Timeout::Connect),
        ),
        Err(ureq::Error::HostNotFound) => failure(
            "could not be reached (its host name does not resolve)".into(),
            true,
        ),
        Err(err) => {
            let unreached = matches!(&err, ureq::Error::ConnectionFailed)
                || matches!(&err, ureq::Error::Io(io) if matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::NetworkUnreachable
                        | std::io::ErrorKind::HostUnreachable
                        | std::io::ErrorKind::AddrNotAvailable
                        | std::io::ErrorKind::NetworkDown
                ));
            failure(format!("could not be reached ({err})"), unreached)
        }
    }
}

/// Whether the host of `url` resolves to an address; `true` when the address
/// cannot be read, which the request itself then reports.
fn resolves(url: &str) -> bool {
    use std::net::ToSocketAddrs;
    let Ok(uri) = url.parse::<ureq::http::Uri>() else {
        return true;
    };
    let Some(host) = uri.host() else {
        return true;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("http") {
            80
        } else {
            443
        });
    (host, port)
        .to_socket_addrs()
        .is_ok_and(|mut addresses| addresses.next().is_some())
}
