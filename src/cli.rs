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

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
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
    },
    /// Load and render the whole site, report every problem, and write nothing.
    Check {
        /// Include articles marked draft = true.
        #[arg(long)]
        drafts: bool,
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
