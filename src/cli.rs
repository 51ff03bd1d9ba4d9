//! Command-line interface: flags only; the work is done by the library.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// forklar builds static explainer sites from Markdown and TOML front matter.
#[derive(Debug, Parser)]
#[command(name = "forklar", version, about, long_about = None)]
pub struct Cli {
    /// The site's folder, holding site.toml, content/ and templates/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,

    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// The moment forklar takes as now, in RFC 3339 (2022-01-07T10:00:00+01:00);
    /// also FORKLAR_NOW. Default: the computer's clock.
    #[arg(long, global = true, value_name = "RFC 3339")]
    pub now: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default). Where
    /// nothing it reads changed since the last build and the folder is as that
    /// build left it, nothing is rendered.
    Build {
        /// Where to write the site; it is created if missing. Default: public/ in the site's folder.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Publish under this URL instead of base_url from site.toml, e.g. https://example.org/forklaring/.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include articles marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Keep running, and rebuild what changed whenever a file in the site is saved.
        #[arg(long)]
        watch: bool,
        /// Build a preview for editors: drafts and scheduled articles included and
        /// marked, every page noindex, feeds and sitemaps without them. Also on when
        /// the host says this is a deploy preview (Netlify CONTEXT=deploy-preview,
        /// GITHUB_EVENT_NAME=pull_request, a Cloudflare Pages branch other than
        /// --production-branch).
        #[arg(long)]
        preview: bool,
        /// The Cloudflare Pages branch that deploys the site for readers; builds of
        /// other branches are previews.
        #[arg(long, value_name = "BRANCH")]
        production_branch: Option<String>,
    },
    /// List the articles published, scheduled and expired at --now, and the
    /// next moment the site changes.
    Status {
        /// Print only the next change: when, which file, publish or expire.
        #[arg(long)]
        next: bool,
        /// Print JSON, for scripts and cron jobs.
        #[arg(long)]
        json: bool,
    },
    /// Build the site, serve it on http://127.0.0.1:1111/, rebuild on save and reload open pages.
    Serve {
        /// The port to listen on.
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; 127.0.0.1 keeps the preview on this computer.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include articles marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Also answer requests for this host name (repeatable), e.g. a name other
        /// devices use to reach this computer with --bind 0.0.0.0. Requests naming
        /// any other host get 421, which keeps web pages from reaching the
        /// preview through DNS rebinding.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
    },
    /// Load and render the whole site, verify every link, report every problem, and write only the image cache.
    Check {
        /// Include articles marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Also check links to other sites (8 at a time).
        #[arg(long)]
        external: bool,
        /// With --external: seconds to wait for each site before calling it broken.
        #[arg(
            long,
            default_value_t = 10,
            value_name = "SECONDS",
            requires = "external"
        )]
        timeout: u64,
        /// Also list background entries due for review (review_after has run
        /// out, or never verified), most shown first.
        #[arg(long)]
        stale: bool,
        /// With --stale: exit 1 when any entry is due, so CI can enforce reviews.
        #[arg(long, requires = "stale")]
        strict: bool,
    },
    /// Print the published pages that change when these files change.
    Impact {
        /// Files of the site (content, templates, static files, site.toml), from the current folder or the site's.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Include articles marked draft = true.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new site that builds at once: site.toml, a first article, a background entry.
    Init {
        /// The folder to create the site in; it must be empty or missing.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The site's language: nb (Norwegian Bokmål) or en (English).
        #[arg(long, default_value = "nb", value_parser = ["nb", "en"])]
        language: String,
    },
    /// Write static/admin/ for Decap CMS (or Sveltia CMS), configured from forklar's schema.
    ///
    /// Needs npm, which fetches the pinned CMS package (once; later from its cache).
    /// Run it again after upgrading forklar; files edited by hand are kept unless --force.
    Cms {
        /// Sveltia CMS instead of Decap CMS (same configuration).
        #[arg(long)]
        sveltia: bool,
        /// Replace static/admin/config.yml and index.html even if edited by hand.
        #[arg(long)]
        force: bool,
        /// The GitHub repository the CMS saves to when published, as OWNER/NAME;
        /// kept from the last run when not given.
        #[arg(long, value_name = "OWNER/NAME")]
        repo: Option<String>,
        /// The branch the CMS saves to.
        #[arg(long, default_value = "main")]
        branch: String,
    },
    /// Write the built-in theme (templates, style.css, forklar.js, live.js) into the site's
    /// templates/ folder, to change it there; files already there are kept.
    Templates {
        /// Also replace files in templates/ that differ from the built-in ones.
        #[arg(long)]
        force: bool,
    },
    /// Create a new content file with every front-matter field present and explained.
    New {
        #[command(subcommand)]
        what: NewContent,
    },
}

#[derive(Debug, Subcommand)]
pub enum NewContent {
    /// A new article in content/, named from its title, dated now, marked as a draft.
    Article {
        /// The headline, e.g. "Hva skjer i Kasakhstan?".
        title: String,
    },
    /// A new live article in content/, with «Dette vet vi» and one update, marked as a draft.
    Live {
        /// The headline, e.g. "Direkte: CSTO sender styrker".
        title: String,
    },
    /// A new background entry in content/background/KEY.md, titled from the key
    /// (wagner-group: "Wagner group").
    Background {
        /// The key articles use to refer to the entry: lowercase letters, digits and hyphens.
        key: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
