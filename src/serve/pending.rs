//! The pages a save still has to render after its `reload` was sent. A save
//! renders the reader's pages first and announces them; the rest follow at
//! once. A request for one of those files waits here until it is written, so
//! no address answers with what it showed before the save once the browser
//! was told to reload.

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Output paths ("emne/csto/index.html") still to be written, shared by the
/// rebuild thread and the request workers.
#[derive(Clone, Default)]
pub struct PendingPages {
    inner: Arc<(Mutex<HashSet<String>>, Condvar)>,
}

impl std::fmt::Debug for PendingPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingPages")
            .field("count", &self.count())
            .finish()
    }
}

impl PendingPages {
    /// Marks `paths` as about to be rewritten.
    pub fn add(&self, paths: impl IntoIterator<Item = String>) {
        self.lock().extend(paths);
    }

    /// Everything pending is written (or given up on): waiting requests go on.
    pub fn clear(&self) {
        let mut set = self.lock();
        if !set.is_empty() {
            set.clear();
            self.inner.1.notify_all();
        }
    }

    /// How many files are still to be written.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// Waits until none of `paths` is pending, at most `limit`. Returns
    /// false when the time ran out and one still was.
    pub fn wait_for(&self, paths: &[String], limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut set = self.lock();
        while paths.iter().any(|path| set.contains(path)) {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            set = self
                .inner
                .1
                .wait_timeout(set, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    fn lock(&self) -> MutexGuard<'_, HashSet<String>> {
        // Every update is a single call on the set: a panic cannot leave it half done.
        self.inner.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiting_request_goes_on_when_the_page_is_written() {
        let pending = PendingPages::default();
        pending.add(["emne/csto/index.html".to_string()]);
        let writer = pending.clone();
        let done = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            writer.clear();
        });
        let started = Instant::now();
        assert!(pending.wait_for(&["emne/csto/index.html".into()], Duration::from_secs(5)));
        assert!(started.elapsed() >= Duration::from_millis(40));
        done.join().unwrap();
        assert_eq!(pending.count(), 0);
    }

    #[test]
    fn waiting_is_bounded_and_other_pages_never_wait() {
        let pending = PendingPages::default();
        pending.add(["a/index.html".to_string()]);
        assert!(pending.wait_for(&["b/index.html".into()], Duration::ZERO));
        assert!(!pending.wait_for(&["a/index.html".into()], Duration::from_millis(20)));
    }
}
