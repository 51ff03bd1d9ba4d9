use std::process::ExitCode;

use clap::Parser;

use forklar::build::{BuildOptions, build, now_from_cli, output_from_cli};
use forklar::check::{ExternalOptions, check, stale};
use forklar::cli::{Cli, Command, NewContent};
use forklar::config::Config;
use forklar::diagnostics::Diagnostics;
use forklar::i18n::Language;
use forklar::scaffold;
use forklar::serve::command::{ServeOptions, build_and_watch, serve};
use std::time::Duration;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let now = match now_from_cli(cli.now.as_deref()) {
        Ok(now) => now,
        Err(problem) => {
            eprint!("{}", Diagnostics::from(problem));
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            watch,
        } => {
            let options = BuildOptions {
                output: output_from_cli(output.as_deref()),
                root: cli.root,
                base_url,
                drafts,
                now,
            };
            if watch {
                return exit_with(build_and_watch(options, cli.quiet));
            }
            build(&options).map(|report| {
                for warning in &report.image_warnings {
                    eprint!("{}", warning.to_string().replacen("error:", "warning:", 1));
                }
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
                    let images = report.images;
                    if images.encodes + images.hits > 0 {
                        println!(
                            "Images: {} variants encoded, {} from the cache",
                            images.encodes, images.hits
                        );
                    }
                }
            })
        }
        Command::Serve {
            port,
            bind,
            open,
            drafts,
            allow_host,
        } => {
            return exit_with(serve(ServeOptions {
                root: cli.root,
                bind,
                port,
                open,
                drafts,
                quiet: cli.quiet,
                allow_hosts: allow_host,
                now,
            }));
        }
        Command::Check {
            drafts,
            external,
            timeout,
            stale,
            strict,
        } => {
            let mut options = BuildOptions::new(cli.root);
            options.drafts = drafts;
            options.now = now;
            let checked = options.clone();
            let external = external.then(|| ExternalOptions {
                timeout: Duration::from_secs(timeout),
                ..ExternalOptions::default()
            });
            check(&checked, external)
                .map(|report| {
                    if !cli.quiet {
                        let outside = report
                            .external
                            .map(|n| format!(" ({n} addresses on other sites)"))
                            .unwrap_or_default();
                        println!(
                            "Checked {} pages and {} links{outside}: no problems found",
                            report.pages, report.links
                        );
                    }
                })
                .and_then(|()| {
                    if stale {
                        list_stale(&options, strict, cli.quiet)
                    } else {
                        Ok(())
                    }
                })
        }
        Command::Impact { paths, drafts } => {
            let mut options = BuildOptions::new(cli.root);
            options.drafts = drafts;
            impact(&options, &paths).map(|pages| {
                for page in pages {
                    println!("{page}");
                }
            })
        }
        Command::Init { dir, language } => {
            let language = if language == "en" {
                Language::En
            } else {
                Language::Nb
            };
            let dir = if dir.is_absolute() {
                dir
            } else {
                cli.root.join(dir)
            };
            scaffold::init(&dir, language)
                .map(|files| {
                    if !cli.quiet {
                        println!(
                            "Created a new site in {} ({} files).",
                            dir.display(),
                            files.len()
                        );
                        println!("Next: cd {} && forklar build", dir.display());
                    }
                })
                .map_err(Diagnostics::from)
        }
        Command::New { what } => {
            let language = Config::load(&cli.root)
                .map(|c| c.language)
                .unwrap_or_default();
            let created = match what {
                NewContent::Article { title } => scaffold::new_article(
                    &cli.root,
                    &title,
                    language,
                    now.unwrap_or_else(jiff::Timestamp::now),
                ),
                NewContent::Background { key } => {
                    scaffold::new_background(&cli.root, &key, language)
                }
            };
            created
                .map(|path| {
                    if !cli.quiet {
                        println!("Created {}", path.display());
                    }
                })
                .map_err(Diagnostics::from)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(problems) => {
            eprint!("{problems}");
            let count = problems.0.len();
            eprintln!(
                "\n{count} problem{} found; nothing was changed",
                if count == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}

/// `check --stale`: the listing, and with `strict` each entry as a problem.
fn list_stale(options: &BuildOptions, strict: bool, quiet: bool) -> Result<(), Diagnostics> {
    // `--now` (or FORKLAR_NOW) read at the start, else the computer's clock.
    let today = match options.now {
        Some(now) => {
            // The day it is where the site is: its time zone, from site.toml.
            let config = forklar::config::Config::load(&options.root)?;
            forklar::clock::day_of(now, &config.zone.0)
        }
        None => forklar::clock::today().map_err(|d| Diagnostics(vec![d]))?,
    };
    let entries = stale::stale_entries(options, &today)?;
    if entries.is_empty() {
        if !quiet {
            println!(
                "No background entries are due for review ({}).",
                today.iso()
            );
        }
        return Ok(());
    }
    println!(
        "{} background entr{} due for review ({}), most shown first:",
        entries.len(),
        if entries.len() == 1 {
            "y is"
        } else {
            "ies are"
        },
        today.iso()
    );
    for entry in &entries {
        println!("  {}", stale::describe(entry));
    }
    if strict {
        return Err(stale::as_problems(options, &entries, &today));
    }
    Ok(())
}

/// `impact`: the files published from pages that read `paths`, sorted.
fn impact(
    options: &BuildOptions,
    paths: &[std::path::PathBuf],
) -> Result<Vec<String>, Diagnostics> {
    let relative = paths
        .iter()
        .map(|path| forklar::incremental::site_relative(&options.root, path))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|d| Diagnostics(vec![d]))?;
    forklar::incremental::impact(options, &relative)
}

fn exit_with(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
