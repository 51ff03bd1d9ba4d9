//! Which links forklar publishes: web addresses, mail and phone links and paths
//! on the site, never scripts (`javascript:`, `data:`).

/// Links may be web addresses or site paths, never scripts.
pub fn check_url(url: &str) -> Result<(), String> {
    // Only what comes before the first colon can be a scheme, and not once a
    // path, query or fragment has begun; whitespace and control characters
    // are skipped, as browsers do.
    let mut scheme = String::new();
    for c in url.trim().chars() {
        match c {
            c if c.is_whitespace() || c.is_control() => {}
            ':' => {
                scheme.make_ascii_lowercase();
                if matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel") {
                    return Ok(());
                }
                return Err(format!(
                    "the link `{url}` uses `{scheme}:`, which forklar does not publish"
                ));
            }
            '/' | '?' | '#' => return Ok(()),
            c => scheme.push(c),
        }
    }
    Ok(())
}

/// Whether a link starts with a URL scheme such as `https:` or `mailto:`.
pub fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(colon) => {
            let scheme = &dest[..colon];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Whether a link leaves the site: a scheme or a protocol-relative `//host`.
pub fn is_external(dest: &str) -> bool {
    dest.starts_with("//") || has_scheme(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_links_are_refused() {
        assert!(check_url("javascript:alert(1)").is_err());
        assert!(check_url(" JaVa\tScript:alert(1)").is_err());
        assert!(check_url("data:text/html,x").is_err());
        assert!(check_url("https://example.org/a:b").is_ok());
        assert!(check_url("/bilder/a.jpg").is_ok());
        assert!(check_url("bilder/a:b.jpg").is_ok());
        assert!(check_url("a?b:c").is_ok() && check_url("a#b:c").is_ok());
        assert!(check_url("MAILTO:a@b").is_ok() && check_url("tel:+4722000000").is_ok());
        assert_eq!(
            check_url(" JaVa\tScript:x").unwrap_err(),
            "the link ` JaVa\tScript:x` uses `javascript:`, which forklar does not publish"
        );
        assert_eq!(
            check_url(":x").unwrap_err(),
            "the link `:x` uses `:`, which forklar does not publish"
        );
    }

    /// The check as it was first written: the whole link lowercased, then
    /// what comes before its first colon.
    fn check_url_whole(url: &str) -> Result<(), String> {
        let lower: String = url
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(colon) = lower.find(':') {
            let scheme = &lower[..colon];
            if !scheme.contains(['/', '?', '#'])
                && !matches!(scheme, "http" | "https" | "mailto" | "tel")
            {
                return Err(format!(
                    "the link `{url}` uses `{scheme}:`, which forklar does not publish"
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn reading_only_the_scheme_gives_the_same_verdicts() {
        const PIECES: [&str; 14] = [
            "https", "HTTP", "s", "java", "Script", "mailto", "tel", ":", "/", "?", "#", " ", "\t",
            "\u{1}",
        ];
        for url in crate::seeded_texts::seeded_texts(0x2545_f491_4f6c_dd1d, &PIECES, 6, 5_000) {
            assert_eq!(check_url(&url), check_url_whole(&url), "{url:?}");
        }
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("/a:b"));
        assert!(!has_scheme("a.md"));
        assert!(is_external("//cdn.example/x"));
    }
}
