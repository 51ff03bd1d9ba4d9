use std::process::ExitCode;

use clap::Parser;

use forklar::build::{BuildOptions, build, now_from_cli, output_from_cli};
use forklar::check::{ExternalOptions, check, stale};
use forklar::cli::{Cli, Command, NewContent};
use forklar::config::Config;
use forklar::diagnostics::{Diagnostic, Diagnostics, count};
use forklar::i18n::Language;
use forklar::scaffold;
use forklar::serve::command::{ServeOptions, build_and_watch, serve};
use std::time::Duration;

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let now = match now_from_cli(cli.now.as_deref()) {
        Ok(now) => now,
        Err(problem) => {
            eprint!("{}", Diagnostics::from(problem));
            return ExitCode::FAILURE;
        }
    };
    // A failed build or `new` leaves everything as it was and says so; `check` and
    // `impact` publish nothing (they write only the site's cache), so do not say it.
    let changes_files = !matches!(cli.command, Command::Check { .. } | Command::Impact { .. });
    let result = match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            watch,
            preview,
            production_branch,
        } => {
            let branch = production_branch.as_deref();
            if let Some(note) =
                forklar::preview::cloudflare_unknown(branch, forklar::preview::from_env)
            {
                eprintln!("{note}");
            }
            let preview = forklar::preview::detect(preview, branch, forklar::preview::from_env);
            if let Some(preview) = &preview
                && !cli.quiet
            {
                println!("Building a preview ({})", preview.signal);
            }
            let options = BuildOptions {
                output: output_from_cli(output.as_deref()),
                root: cli.root,
                // An address given on the command line wins over the host's.
                base_url: base_url.or_else(|| preview.as_ref().and_then(|p| p.url.clone())),
                drafts,
                preview: preview.is_some(),
                now,
            };
            if watch {
                return exit_with(build_and_watch(options, cli.quiet));
            }
            build(&options).map(|report| {
                if !cli.quiet {
                    show_warnings(&report.warnings);
                    println!(
                        "Built {} ({}) in {} ms: {} written, {} unchanged, {} removed{}{}",
                        count(report.pages, "page"),
                        count(report.articles, "article"),
                        report.elapsed.as_millis(),
                        report.files.written,
                        report.files.unchanged,
                        report.files.removed,
                        warnings_note(&report.warnings),
                        if report.reused {
                            "; nothing it reads changed since the last build, so nothing was rendered"
                        } else {
                            ""
                        }
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
            let report = match check(&checked, external) {
                Ok(report) => report,
                Err(problems) => return fail_check(&problems, "; no link was checked"),
            };
            if let Some(forklar::check::External::NoNetwork(addresses)) = report.external {
                eprintln!("{}", forklar::check::no_network_message(addresses));
            }
            if !report.problems.is_empty() {
                let mut found = report.problems.clone();
                found.extend(report.warnings.iter().cloned());
                eprint!("{}", Diagnostics(found));
                eprintln!("\n{}", report.summary());
                return ExitCode::FAILURE;
            }
            if !cli.quiet {
                show_warnings(&report.warnings);
                println!("{}", report.summary());
            }
            if matches!(
                report.external,
                Some(forklar::check::External::NoNetwork(_))
            ) {
                return ExitCode::FAILURE;
            }
            if stale && let Err(problems) = list_stale(&options, strict, cli.quiet) {
                return fail_check(&problems, "");
            }
            Ok(())
        }
        Command::Impact { paths, drafts } => {
            let mut options = BuildOptions::new(cli.root);
            options.drafts = drafts;
            options.now = now;
            impact(&options, &paths).map(|pages| {
                for page in pages {
                    println!("{page}");
                }
            })
        }
        Command::Status { next, json } => {
            let mut options = BuildOptions::new(cli.root);
            options.now = now;
            forklar::status::status(&options).map(|report| match (next, json) {
                (true, true) => println!("{}", report.next_json()),
                (true, false) => print!("{}", report.next_text()),
                (false, true) => println!("{}", report.json()),
                (false, false) => print!("{}", report.text()),
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
        Command::Cms {
            sveltia,
            force,
            repo,
            branch,
        } => forklar::cms::cms(&forklar::cms::CmsOptions {
            root: cli.root,
            sveltia,
            force,
            repo,
            branch,
        })
        .map(|report| {
            if !cli.quiet {
                print_cms_report(&report);
            }
        }),
        Command::Templates { force } => forklar::theme_export::export(&cli.root, force)
            .map(|done| report_templates(&done, cli.quiet))
            .map_err(Diagnostics::from),
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
                NewContent::Live { title } => scaffold::new_live(
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
        Err(mut problems) => {
            if cli.quiet {
                problems.0.retain(|p| !p.is_warning());
            }
            eprint!("{problems}");
            let nothing_changed = if changes_files {
                "; nothing was changed"
            } else {
                ""
            };
            eprintln!("\n{} found{nothing_changed}", problems.summary());
            ExitCode::FAILURE
        }
    }
}

/// `cms`: each file and what became of it, and what to do next.
fn print_cms_report(report: &forklar::cms::CmsReport) {
    use forklar::cms::Outcome;
    for (path, outcome) in &report.files {
        let what = match outcome {
            Outcome::Created => "Created",
            Outcome::Updated => "Updated",
            Outcome::Unchanged => "Unchanged",
        };
        println!("{what} {}", path.display());
    }
    println!(
        "Wrote {} {}@{} files into static/admin/.",
        report.script_files, report.package.name, report.package.version
    );
    println!(
        "Next: run forklar serve and npx decap-server, then open http://127.0.0.1:1111/admin/"
    );
    if !report.has_repo {
        println!(
            "To edit the published site, name its GitHub repository: forklar cms --repo OWNER/NAME (docs/editors.md)"
        );
    }
}

/// Warnings, each with its place and help, before a summary line.
fn show_warnings(warnings: &[Diagnostic]) {
    for warning in warnings {
        eprintln!("{warning}");
    }
}

/// " (1 warning)" after a summary, where there were any.
fn warnings_note(warnings: &[Diagnostic]) -> String {
    if warnings.is_empty() {
        String::new()
    } else {
        format!(" ({})", count(warnings.len(), "warning"))
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

/// `check`'s problems and how many, and `after` (what was not done); never that
/// nothing was changed, since `check` changes nothing anyway.
fn fail_check(problems: &Diagnostics, after: &str) -> ExitCode {
    eprint!("{problems}");
    let count = problems.0.len();
    eprintln!(
        "\n{count} problem{} found{after}",
        if count == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}

/// What `templates` wrote and what it left alone, one file a line.
fn report_templates(done: &forklar::theme_export::Exported, quiet: bool) {
    if !quiet {
        for path in &done.written {
            println!("Wrote {}", path.display());
        }
        for path in &done.replaced {
            println!("Replaced {}", path.display());
        }
        for path in &done.same {
            println!("Unchanged {} (already the built-in one)", path.display());
        }
    }
    // Kept files are shown even with --quiet: they are not the built-in theme.
    for path in &done.kept {
        println!(
            "Skipped {}: it differs from the built-in one (--force replaces it)",
            path.display()
        );
    }
    if !quiet {
        let files = |n: usize| if n == 1 { "file" } else { "files" };
        let written = done.written.len() + done.replaced.len();
        println!(
            "{written} {} of the built-in theme written, {} skipped",
            files(written),
            done.kept.len()
        );
    }
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

/// Two settings of glibc's allocator, for a process that allocates and frees
/// in bursts on several threads, when it is built without jemalloc (see
/// `forklar::allocator`).
///
/// glibc raises the size from which it hands a block straight to the kernel
/// each time such a block is freed, after which the many-megabyte buffers of
/// a large article stay in the heap once freed and count against the build's
/// memory (a 10 MB article: 58 MiB peak instead of 40). A fixed threshold
/// gives them back when they are freed; pages of ordinary size never reach it.
///
/// And by default a thread's heap is given back to the kernel whenever a
/// large free leaves more than 128 KB free at its top, to be faulted in again
/// by the next page a moment later: 13,000 `madvise` calls in a 10,000-article build. Keeping up to
/// 8 MiB at the top of each heap, and growing heaps 8 MiB at a time, took
/// about a third off the build's system time and a tenth off its wall time
/// for about 1 MiB more at its peak (docs/performance.md, "Under 400 MiB at
/// 100,000 articles"). `serve` gives the rest back after each build with
/// `malloc_trim`.
#[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "jemalloc")))]
#[allow(unsafe_code)] // a setting the standard library does not offer; see SAFETY below
fn tune_allocator() {
    const LARGE_BLOCK: libc::c_int = 1 << 20;
    const KEPT_AT_TOP: libc::c_int = 8 << 20;
    // SAFETY: mallopt changes only settings of the allocator, and runs
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK);
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEPT_AT_TOP);
        libc::mallopt(libc::M_TOP_PAD, KEPT_AT_TOP);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(feature = "jemalloc"))))]
fn tune_allocator() {}
