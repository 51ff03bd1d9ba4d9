//! Which loop a render stopped for taking too long was in. Tera cannot say
//! where it was, so the page is rendered again for a moment from a copy of
//! its templates with a marker written at the start of each `for` loop's
//! body: the last marker written when the moment is up names the loop.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use tera::Context;

use super::Origin;
use super::tags::tags;

/// A marker is `\u{1}<number of the loop>\u{2}`: bytes no template writes.
const MARKER_START: u8 = 0x01;
const MARKER_END: u8 = 0x02;

/// A `for` loop of a template: the template's index among the origins, and
/// the `{% for … %}` tag in its text.
pub(super) struct Loop {
    pub origin: usize,
    pub span: Range<usize>,
}

/// The loop that was running when a render of `template` with `context` had
/// run for a while (half the time limit, at most a second): `None` when
/// the render ends in that time, or runs no loop.
pub(super) fn running_loop(
    origins: &[Origin],
    template: &str,
    context: &Context,
    time_limit: Duration,
) -> Option<Loop> {
    let mut loops = Vec::new();
    let marked: Vec<(String, String)> = origins
        .iter()
        .enumerate()
        .map(|(index, origin)| {
            let mut text = String::with_capacity(origin.source.len());
            let mut copied = 0;
            for tag in tags(&origin.source).filter(|tag| tag.keyword == "for") {
                text.push_str(&origin.source[copied..tag.span.end]);
                text.push(char::from(MARKER_START));
                text.push_str(&loops.len().to_string());
                text.push(char::from(MARKER_END));
                copied = tag.span.end;
                loops.push(Loop {
                    origin: index,
                    span: tag.span,
                });
            }
            text.push_str(&origin.source[copied..]);
            (origin.name.clone(), text)
        })
        .collect();
    if loops.is_empty() {
        return None;
    }
    let mut tera = super::new_tera();
    tera.add_raw_templates(marked).ok()?;
    let probe_for = (time_limit / 2).clamp(Duration::from_millis(100), Duration::from_secs(1));
    let last_seen = Arc::new(AtomicUsize::new(usize::MAX));
    let mut out = MarkerWriter {
        last_seen: Arc::clone(&last_seen),
        deadline: Instant::now() + probe_for,
        writes: 0,
    };
    let template = template.to_string();
    let context = context.clone();
    let (done, finished) = mpsc::sync_channel(1);
    // On a thread of its own, as a render may be stuck where it writes
    // nothing (a filter on a huge list): it is walked away from then.
    std::thread::Builder::new()
        .name("forklar-probe".into())
        .spawn(move || {
            let ended = tera.render_to(&template, &context, &mut out).is_ok();
            let _ = done.send(ended);
        })
        .ok()?;
    if finished.recv_timeout(probe_for + Duration::from_millis(100)) == Ok(true) {
        return None;
    }
    loops.into_iter().nth(last_seen.load(Ordering::Relaxed))
}

/// Takes the page's bytes only to note the last marker, and ends the render
/// (with an error Tera passes on) once its moment is up.
struct MarkerWriter {
    last_seen: Arc<AtomicUsize>,
    deadline: Instant,
    writes: usize,
}

impl std::io::Write for MarkerWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(start) = memchr::memrchr(MARKER_START, buf)
            && let Some(number) = buf[start + 1..].split(|&b| b == MARKER_END).next()
            && let Some(number) = std::str::from_utf8(number)
                .ok()
                .and_then(|n| n.parse().ok())
        {
            self.last_seen.store(number, Ordering::Relaxed);
        }
        // Every pass of a loop writes its marker, so the clock is read often enough.
        self.writes += 1;
        if self.writes.is_multiple_of(64) && Instant::now() >= self.deadline {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the moment is up",
            ));
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
