//! Which links forklar publishes: web addresses, mail and phone links and paths
//! on the site, never scripts (`javascript:`, `data:`).

/// Links may be web addresses or site paths, never scripts.
pub fn check_url(url: &str) -> Result<(), String> {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if let Some(colon) = lower.find(':') {
        let scheme = &lower[..colon];
        let before_path = !lower[..colon].contains(['/', '?', '#']);
        if before_path && !matches!(scheme, "http" | "https" | "mailto" | "tel") {
            return Err(format!(
                "the link `{url}` uses `{scheme}:`, which forklar does not publish"
            ));
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
