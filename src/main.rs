use std::process::ExitCode;

use clap::Parser;

use forklar::build::{BuildOptions, build, check, output_from_cli};
use forklar::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
        } => {
            let options = BuildOptions {
                output: output_from_cli(output.as_deref(), &cli.root),
                root: cli.root,
                base_url,
                drafts,
            };
            build(&options).map(|report| {
                if !cli.quiet {
                    println!(
                        "Built {} pages ({} articles) in {} ms: {} written, {} unchanged, {} removed",
                        report.pages,
                        report.articles,
                        report.elapsed.as_millis(),
                        report.files.written,
                        report.files.unchanged,
                        report.files.removed
                    );
                }
            })
        }
        Command::Check { drafts } => {
            let mut options = BuildOptions::new(cli.root);
            options.drafts = drafts;
            check(&options).map(|pages| {
                if !cli.quiet {
                    println!("Checked {pages} pages: no problems found");
                }
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(problems) => {
            eprint!("{problems}");
            let count = problems.0.len();
            eprintln!(
                "\n{count} problem{} found; nothing was written",
                if count == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}
