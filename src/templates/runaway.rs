//! Which loop a render stopped for taking too long was in. Tera cannot say
//! where it was, so the page is rendered again for a moment from a copy of
//! its templates with a marker written at the start of each `for` loop's
//! body and another after its `endfor`: the innermost loop entered and not
//! yet left when the moment is up is the one named. (A loop whose output is
//! captured, inside `{% set %}…{% endset %}` or `{% filter %}`, writes no
//! markers and is not named.)

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use tera::Context;

use super::Origin;
use super::tags::tags;

/// A marker is `\u{1}<number of the loop>\u{2}` where a pass of the loop
/// starts, and `\u{3}<number>\u{2}` where the loop has ended: bytes no
/// template writes.
const MARKER_START: u8 = 0x01;
const MARKER_LEFT: u8 = 0x03;
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
            let text = marked_copy(&origin.source, index, &mut loops);
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
        running: Vec::new(),
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

/// `source` with a marker after each `for` tag and after its `endfor`; the
/// loops are numbered on from `loops`, which they are added to.
fn marked_copy(source: &str, origin: usize, loops: &mut Vec<Loop>) -> String {
    let mut text = String::with_capacity(source.len() + 64);
    let mut copied = 0;
    let mut open = Vec::new();
    for tag in tags(source) {
        let (kind, number) = match tag.keyword {
            "for" => {
                open.push(loops.len());
                loops.push(Loop {
                    origin,
                    span: tag.span.clone(),
                });
                (MARKER_START, loops.len() - 1)
            }
            "endfor" => match open.pop() {
                Some(number) => (MARKER_LEFT, number),
                None => continue,
            },
            _ => continue,
        };
        text.push_str(&source[copied..tag.span.end]);
        text.push(char::from(kind));
        text.push_str(&number.to_string());
        text.push(char::from(MARKER_END));
        copied = tag.span.end;
    }
    text.push_str(&source[copied..]);
    text
}

/// Takes the page's bytes only to follow the markers, and ends the render
/// (with an error Tera passes on) once its moment is up.
struct MarkerWriter {
    /// The innermost loop running, `usize::MAX` for none.
    last_seen: Arc<AtomicUsize>,
    /// The loops entered and not left, outermost first.
    running: Vec<usize>,
    deadline: Instant,
    writes: usize,
}

impl MarkerWriter {
    fn follow(&mut self, kind: u8, number: usize) {
        let at = self.running.iter().rposition(|&n| n == number);
        match (kind, at) {
            // A further pass of a loop running: the loops inside it have ended.
            (MARKER_START, Some(at)) => self.running.truncate(at + 1),
            (MARKER_START, None) => self.running.push(number),
            (_, Some(at)) => self.running.truncate(at),
            (_, None) => {}
        }
    }
}

impl std::io::Write for MarkerWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let mut found = false;
        for start in memchr::memchr2_iter(MARKER_START, MARKER_LEFT, buf) {
            if let Some(number) = buf[start + 1..].split(|&b| b == MARKER_END).next()
                && let Some(number) = std::str::from_utf8(number)
                    .ok()
                    .and_then(|n| n.parse().ok())
            {
                self.follow(buf[start], number);
                found = true;
            }
        }
        if found {
            let innermost = self.running.last().copied().unwrap_or(usize::MAX);
            self.last_seen.store(innermost, Ordering::Relaxed);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn innermost_after(written: &[&str]) -> usize {
        let last_seen = Arc::new(AtomicUsize::new(usize::MAX));
        let mut out = MarkerWriter {
            last_seen: Arc::clone(&last_seen),
            running: Vec::new(),
            deadline: Instant::now() + Duration::from_secs(60),
            writes: 0,
        };
        for chunk in written {
            out.write_all(chunk.as_bytes()).unwrap();
        }
        last_seen.load(Ordering::Relaxed)
    }

    #[test]
    fn the_loop_named_is_the_innermost_not_yet_left() {
        // Loop 0 runs loop 1 to its end on each pass, then works on.
        assert_eq!(innermost_after(&["\u{1}0\u{2}a\u{1}1\u{2}b"]), 1);
        assert_eq!(
            innermost_after(&["\u{1}0\u{2}", "\u{1}1\u{2}b\u{1}1\u{2}b\u{3}1\u{2}", "c"]),
            0
        );
        // A new pass of loop 0 ends loop 1, left without its marker
        // (`{% break %}`).
        assert_eq!(
            innermost_after(&["\u{1}0\u{2}\u{1}1\u{2}", "\u{1}0\u{2}"]),
            0
        );
        // Every loop ended: none is named.
        assert_eq!(
            innermost_after(&["\u{1}0\u{2}x\u{3}0\u{2}", "after"]),
            usize::MAX
        );
    }

    #[test]
    fn each_loop_gets_a_marker_at_its_passes_and_after_its_end() {
        let mut loops = vec![Loop {
            origin: 0,
            span: 0..1,
        }];
        let source =
            "{% for a in x %}{% for b in a %}{{ b }}{% endfor %}{% endfor %}{% if y %}{% endif %}";
        assert_eq!(
            marked_copy(source, 1, &mut loops),
            "{% for a in x %}\u{1}1\u{2}{% for b in a %}\u{1}2\u{2}{{ b }}{% endfor %}\u{3}2\u{2}\
             {% endfor %}\u{3}1\u{2}{% if y %}{% endif %}"
        );
        assert_eq!(loops.len(), 3);
        assert_eq!((loops[1].origin, loops[1].span.clone()), (1, 0..16));
        assert_eq!(&source[loops[2].span.clone()], "{% for b in a %}");
    }
}
