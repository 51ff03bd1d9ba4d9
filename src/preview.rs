//! Whether a build is a deploy preview: asked for with `--preview`, or told by
//! the host through a variable that only its preview builds set. A production
//! deploy must never be taken for a preview (it would be `noindex`), so
//! nothing is guessed: `GITHUB_ACTIONS` alone, which production deploys set
//! too, is not a signal.

/// A preview, and where the host publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// What said so: `--preview`, or the variable and its value.
    pub signal: String,
    /// The preview's own address, where the host gives one; it replaces
    /// `base_url` so links on the preview stay on the preview.
    pub url: Option<String>,
}

/// The variables read, for tests and documentation.
pub const VARIABLES: &[&str] = &[
    "CONTEXT",
    "DEPLOY_PRIME_URL",
    "CF_PAGES",
    "CF_PAGES_BRANCH",
    "CF_PAGES_URL",
    "GITHUB_EVENT_NAME",
];

/// Decides from the flag and the environment (`var` reads one variable).
/// `production_branch` is the Cloudflare Pages branch that deploys the site
/// for readers; without it a Cloudflare branch says nothing.
pub fn detect(
    flag: bool,
    production_branch: Option<&str>,
    var: impl Fn(&str) -> Option<String>,
) -> Option<Preview> {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    if flag {
        return Some(Preview {
            signal: "--preview".into(),
            url: None,
        });
    }
    // Netlify: CONTEXT is production, deploy-preview or branch-deploy.
    if set("CONTEXT").as_deref() == Some("deploy-preview") {
        return Some(Preview {
            signal: "CONTEXT=deploy-preview (Netlify)".into(),
            url: set("DEPLOY_PRIME_URL"),
        });
    }
    if let (Some(branch), Some(production)) = (set("CF_PAGES_BRANCH"), production_branch)
        && branch != production
    {
        return Some(Preview {
            signal: format!(
                "CF_PAGES_BRANCH={branch} (Cloudflare Pages, production is {production})"
            ),
            url: set("CF_PAGES_URL"),
        });
    }
    if set("GITHUB_EVENT_NAME").as_deref() == Some("pull_request") {
        return Some(Preview {
            signal: "GITHUB_EVENT_NAME=pull_request (GitHub Actions)".into(),
            url: None,
        });
    }
    None
}

/// A note for a Cloudflare Pages build that cannot tell production from
/// preview because it was not told the production branch.
pub fn cloudflare_unknown(
    production_branch: Option<&str>,
    var: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let branch = var("CF_PAGES_BRANCH").filter(|v| !v.trim().is_empty())?;
    production_branch.is_none().then(|| {
        format!(
            "note: building branch {branch} on Cloudflare Pages as production; \
             pass --production-branch NAME so other branches build as previews"
        )
    })
}

/// The environment of this process.
pub fn from_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn only_explicit_preview_signals_count() {
        assert_eq!(
            detect(false, None, env(&[("GITHUB_ACTIONS", "true")])),
            None
        );
        assert_eq!(
            detect(false, None, env(&[("GITHUB_EVENT_NAME", "push")])),
            None
        );
        assert_eq!(detect(false, None, env(&[("CONTEXT", "production")])), None);
        let netlify = detect(
            false,
            None,
            env(&[
                ("CONTEXT", "deploy-preview"),
                (
                    "DEPLOY_PRIME_URL",
                    "https://deploy-preview-4--x.netlify.app",
                ),
            ]),
        )
        .unwrap();
        assert_eq!(
            netlify.url.as_deref(),
            Some("https://deploy-preview-4--x.netlify.app")
        );
        let pull = detect(false, None, env(&[("GITHUB_EVENT_NAME", "pull_request")]));
        assert!(pull.is_some_and(|p| p.url.is_none()));
    }

    #[test]
    fn a_cloudflare_branch_is_a_preview_only_against_a_known_production_branch() {
        let vars = [
            ("CF_PAGES_BRANCH", "utkast"),
            ("CF_PAGES_URL", "https://utkast.x.pages.dev"),
        ];
        assert_eq!(detect(false, None, env(&vars)), None);
        assert!(cloudflare_unknown(None, env(&vars)).is_some());
        let preview = detect(false, Some("main"), env(&vars)).unwrap();
        assert_eq!(preview.url.as_deref(), Some("https://utkast.x.pages.dev"));
        let main = [("CF_PAGES_BRANCH", "main")];
        assert_eq!(detect(false, Some("main"), env(&main)), None);
    }
}
