//! Texts made of given pieces in a seeded order, for tests that compare a
//! fast path with the plain version it stands in for.

/// `count` texts, each of up to `longest` pieces drawn from `pieces` by a
/// xorshift generator started at `seed`, so a failure is the same on every run.
pub fn seeded_texts(
    seed: u64,
    pieces: &[&str],
    longest: u64,
    count: usize,
) -> impl Iterator<Item = String> {
    let pieces: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
    let mut state = seed;
    (0..count).map(move |_| {
        let mut text = String::new();
        for _ in 0..(state % (longest + 1)) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(&pieces[(state % pieces.len() as u64) as usize]);
        }
        state = state.wrapping_add(1);
        text
    })
}
