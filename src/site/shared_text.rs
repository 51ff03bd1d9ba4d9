//! Short texts that many articles write alike, a tag's name and slug, held
//! once for the whole process: an archive of 100,000 articles writes the
//! same few hundred tags some 300,000 times, and a string of its own for
//! each would cost a block and its bookkeeping every time.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex};

/// Every text in use, once. Texts no article holds any more (tags typed
/// and changed again while `serve` runs) are let go whenever the pool has
/// doubled since the last time it was swept.
static POOL: LazyLock<Mutex<Pool>> = LazyLock::new(Mutex::default);

#[derive(Default)]
struct Pool {
    texts: HashSet<Arc<str>>,
    swept_at: usize,
}

/// A text held once for every article that writes it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedText(Arc<str>);

impl SharedText {
    pub fn new(text: &str) -> SharedText {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = pool.texts.get(text) {
            return SharedText(Arc::clone(held));
        }
        if pool.texts.len() >= 2 * pool.swept_at.max(1024) {
            pool.texts.retain(|held| Arc::strong_count(held) > 1);
            pool.swept_at = pool.texts.len();
        }
        let held: Arc<str> = Arc::from(text);
        pool.texts.insert(Arc::clone(&held));
        SharedText(held)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl serde::Serialize for SharedText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_held_once() {
        let a = SharedText::new("Kasakhstan-test-a");
        let b = SharedText::new(&String::from("Kasakhstan-test-a"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "Kasakhstan-test-a");
        assert_ne!(a, SharedText::new("kasakhstan-test-a"));
    }

    #[test]
    fn texts_no_one_holds_are_let_go_as_the_pool_grows() {
        let kept = SharedText::new("kept-while-swept");
        for n in 0..5000 {
            drop(SharedText::new(&format!("typed-and-changed-{n}")));
        }
        let pool = POOL.lock().unwrap();
        // Swept at least once past 2,048 texts, so never more than twice
        // what was held at the last sweep (plus the other tests' texts).
        assert!(pool.texts.len() < 4096, "{}", pool.texts.len());
        assert!(pool.texts.contains("kept-while-swept"));
        drop(pool);
        assert_eq!(kept.as_str(), "kept-while-swept");
    }
}
