//! `check --external`: asking other sites whether the addresses the site links
//! to answer, a few at a time.

use std::sync::Mutex;

use super::ExternalOptions;

/// Asks every address whether it answers, `settings.concurrency` at a time, and
/// returns those that do not, with why.
pub(super) fn check_external(
    targets: Vec<(String, String)>,
    settings: ExternalOptions,
) -> Vec<(String, String, String)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .user_agent("forklar-check")
        .build()
        .into();
    let queue = Mutex::new(targets.into_iter());
    let broken = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..settings.concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((url, origin)) = next else { break };
                    if let Some(why) = probe(&agent, &url) {
                        broken
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((url, origin, why));
                    }
                }
            });
        }
    });
    let mut broken = broken.into_inner().unwrap_or_else(|e| e.into_inner());
    broken.sort();
    broken
}

/// Why an address does not answer as a link should, or `None` when it does.
fn probe(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = match agent.head(url).call() {
        // Some servers refuse HEAD; ask again the way a browser would.
        Ok(response) if matches!(response.status().as_u16(), 405 | 501) => {
            agent.get(url).call().map(|r| r.status().as_u16())
        }
        Ok(response) => Ok(response.status().as_u16()),
        Err(err) => Err(err),
    };
    match status {
        Ok(code) if code < 400 => None,
        Ok(code) => Some(format!("answers {code}")),
        Err(ureq::Error::Timeout(_)) => Some("did not answer in time".into()),
        Err(err) => Some(format!("could not be reached ({err})")),
    }
}
