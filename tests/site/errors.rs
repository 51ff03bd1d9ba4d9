//! Mistakes a writer makes, and what forklar says about them. Every broken build
//! must fail with a message that points at the file, line and column, shows the
//! line with a caret, says what to do, and leaves the published site exactly as it
//! was.

use std::path::Path;

use crate::common::{Run, Snapshot, TestSite, settle};
use crate::fixture::{self, BLABAER_FILE, KASAKHSTAN_FILE};

/// Builds the fixture site, breaks it with `change`, builds again with `args`, and
/// checks the failed build left `public/` as it was: same files, bytes and mtimes.
fn break_site_with(args: &[&str], change: impl FnOnce(&TestSite)) -> (TestSite, Run) {
    let site = fixture::built_site();
    let before = site.snapshot_public();
    assert!(
        before.bytes("index.html").is_some(),
        "the good build should have written public/index.html"
    );
    settle();
    change(&site);
    let run = site.build(args);
    run.assert_failure();
    before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
    (site, run)
}

fn break_site(change: impl FnOnce(&TestSite)) -> (TestSite, Run) {
    break_site_with(&[], change)
}

/// Adds `content/x.md` with `text` to a built fixture site and builds it.
fn broken_article(text: &str) -> (TestSite, Run) {
    break_site(|site| site.write("content/x.md", text))
}

#[test]
fn toml_syntax_error_points_at_the_line_in_the_markdown_file() {
    // Blank lines and fields before the error: line 6 of the file is line 5 of the
    // front matter, so a count from the wrong place shows.
    let (site, run) = broken_article(
        "+++\ntitle = \"Uferdig\"\n\ndate = 2022-01-06\n\nlead = \"Ingressen mangler slutten\n+++\n\nTekst.\n",
    );
    run.assert_points_at(&site, "content/x.md", Some(6));
    run.assert_help();
}

#[test]
fn unquoted_text_in_front_matter_points_at_the_value() {
    let (site, run) = broken_article(
        "+++\ntitle = \"Uferdig\"\n\ndate = 2022-01-06\nlead = Prisen steg\n+++\nTekst.\n",
    );
    let (_, column) = run.assert_points_at(&site, "content/x.md", Some(5));
    assert_eq!(
        column, 8,
        "the caret should be under the value\n{}",
        run.stderr
    );
    run.assert_help();
    run.assert_stderr_contains("quotes");
}

#[test]
fn a_missing_title_is_named() {
    let (site, run) =
        broken_article("+++\n\ndate = 2022-01-06\nlead = \"Ingress.\"\n+++\nTekst.\n");
    run.assert_stderr_contains("title");
    run.assert_stderr_contains("missing");
    run.assert_points_at(&site, "content/x.md", None);
    run.assert_help();
}

#[test]
fn a_missing_date_is_named() {
    let (site, run) = broken_article("+++\ntitle = \"Uten dato\"\n+++\nTekst.\n");
    run.assert_stderr_contains("`date`");
    run.assert_stderr_contains("missing");
    run.assert_points_at(&site, "content/x.md", None);
    run.assert_help();
}

#[test]
fn a_title_that_is_not_text_points_at_the_value() {
    let (site, run) = broken_article("+++\n\ndate = 2022-01-06\ntitle = 12\n+++\nTekst.\n");
    let (_, column) = run.assert_points_at(&site, "content/x.md", Some(4));
    assert_eq!(column, 9, "{}", run.stderr);
    run.assert_help();
}

#[test]
fn tags_that_are_not_a_list_point_at_the_value() {
    let (site, run) = broken_article(
        "+++\ntitle = \"Merkelapper\"\ndate = 2022-01-06\n\ntags = \"x\"\n+++\nTekst.\n",
    );
    let (_, column) = run.assert_points_at(&site, "content/x.md", Some(5));
    assert_eq!(column, 8, "{}", run.stderr);
    run.assert_help();
    run.assert_stderr_contains("[");
}

#[test]
fn an_unknown_front_matter_field_is_named_with_the_accepted_fields() {
    let (site, run) = broken_article(
        "+++\ntitle = \"Feilstavet\"\ndate = 2022-01-06\nlede = \"Ingressen.\"\n+++\nTekst.\n",
    );
    let (_, column) = run.assert_points_at(&site, "content/x.md", Some(4));
    assert_eq!(column, 1, "{}", run.stderr);
    run.assert_stderr_contains("`lede`");
    run.assert_stderr_contains("`lead`");
    run.assert_help();
}

#[test]
fn front_matter_that_is_never_closed_points_at_the_opening_fence() {
    let (site, run) = broken_article("+++\ntitle = \"Åpen\"\ndate = 2022-01-06\n\nBrødteksten.\n");
    run.assert_points_at(&site, "content/x.md", Some(1));
    run.assert_stderr_contains("never closed");
    run.assert_help();
    run.assert_stderr_contains("+++");
}

#[test]
fn a_file_without_front_matter_points_at_line_one() {
    let (site, run) = broken_article("# Bare Markdown\n\nIngen front matter her.\n");
    run.assert_points_at(&site, "content/x.md", Some(1));
    run.assert_stderr_contains("front matter");
    run.assert_help();
}

#[test]
fn an_impossible_date_points_at_the_date() {
    let (site, run) =
        broken_article("+++\ntitle = \"Skuddår\"\n\ndate = 2022-02-30\n+++\nTekst.\n");
    let (_, column) = run.assert_points_at(&site, "content/x.md", Some(4));
    assert_eq!(column, 8, "{}", run.stderr);
    run.assert_help();
}

#[test]
fn updated_earlier_than_date_points_at_updated() {
    let (site, run) = broken_article(
        "+++\ntitle = \"Baklengs\"\ndate = 2022-02-10\nupdated = 2022-02-01\n+++\nTekst.\n",
    );
    let (_, column) = run.assert_points_at(&site, "content/x.md", Some(4));
    assert_eq!(column, 11, "{}", run.stderr);
    run.assert_stderr_contains("`updated`");
    run.assert_help();
}

#[test]
fn several_broken_articles_are_all_reported_in_one_run() {
    let (site, run) = break_site(|site| {
        site.write("content/a.md", "+++\ntitle = 1\ndate = 2022-01-06\n+++\n");
        site.write("content/b.md", "Ingen front matter.\n");
    });
    run.assert_points_at(&site, "content/a.md", Some(2));
    run.assert_points_at(&site, "content/b.md", Some(1));
}

#[test]
fn an_unknown_key_in_site_toml_is_named_with_its_line_and_the_accepted_keys() {
    let (site, run) = break_site(|site| {
        site.write(
            "site.toml",
            "title = \"Forklart\"\n\ndescrption = \"Bakgrunn\"\nlanguage = \"nb\"\n",
        );
    });
    let (_, column) = run.assert_points_at(&site, "site.toml", Some(3));
    assert_eq!(column, 1, "{}", run.stderr);
    run.assert_stderr_contains("`descrption`");
    for key in ["title", "description", "base_url", "language", "authors"] {
        run.assert_stderr_contains(&format!("`{key}`"));
    }
    run.assert_help();
}

#[test]
fn a_missing_site_toml_says_how_to_start_a_site() {
    let (_site, run) = break_site(|site| site.remove("site.toml"));
    run.assert_stderr_contains("site.toml");
    run.assert_help();
    run.assert_stderr_contains("--root");
}

#[test]
fn an_unknown_language_in_site_toml_lists_the_languages() {
    let (site, run) = break_site(|site| {
        site.write("site.toml", "title = \"Forklart\"\nlanguage = \"nn\"\n");
    });
    let (_, column) = run.assert_points_at(&site, "site.toml", Some(2));
    assert_eq!(column, 12, "{}", run.stderr);
    run.assert_stderr_contains("`nb`");
    run.assert_stderr_contains("`en`");
    run.assert_help();
}

#[test]
fn a_missing_title_in_site_toml_is_named() {
    let (site, run) = break_site(|site| site.write("site.toml", "\nlanguage = \"nb\"\n"));
    run.assert_stderr_contains("`title`");
    run.assert_points_at(&site, "site.toml", None);
    run.assert_help();
    assert!(
        !run.stderr.contains("front matter"),
        "site.toml has no front matter; the help should talk about site.toml\n{}",
        run.stderr
    );
}

#[test]
fn two_articles_with_the_same_slug_are_both_named() {
    let (site, run) = break_site(|site| {
        site.write(
            "content/y.md",
            "+++\ntitle = \"Dobbel\"\ndate = 2022-01-03\nslug = \"blabaer-okonomi\"\n+++\nTekst.\n",
        );
    });
    run.assert_stderr_contains("content/y.md");
    run.assert_stderr_contains(BLABAER_FILE);
    run.assert_stderr_contains("/blabaer-okonomi/");
    // The error may be told at either file, but it must point into the file.
    let at = if run.stderr.contains("--> content/y.md:") {
        "content/y.md"
    } else {
        BLABAER_FILE
    };
    run.assert_points_at(&site, at, None);
    run.assert_help();
}

#[test]
fn a_template_syntax_error_names_the_template_file_and_line() {
    let (site, run) = break_site(|site| {
        site.write(
            "templates/article.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }</h1>\n{% endblock main %}\n",
        );
    });
    run.assert_stderr_contains("templates/article.html");
    run.assert_points_at(&site, "templates/article.html", Some(3));
    run.assert_help();
}

#[test]
fn an_unknown_filter_names_the_template_line_and_column_of_its_first_use() {
    let (site, run) = break_site(|site| {
        site.write(
            "templates/article.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title | nosuchfilter }}</h1>\n<p>{{ page.lead | nosuchfilter }}</p>\n{% endblock main %}\n",
        );
    });
    run.assert_stderr_contains("Unknown filter `nosuchfilter` (1 more use in the templates)");
    let (_, column) = run.assert_points_at(&site, "templates/article.html", Some(3));
    assert_eq!(column, 21, "the filter's name, {}", run.stderr);
    // Tera's own report, line breaks and all, is not printed inside the message.
    assert!(!run.stderr.contains("\\u{a}"), "{}", run.stderr);
    run.assert_help();
}

#[test]
fn extending_a_template_that_does_not_exist_points_at_the_extends_tag() {
    let (site, run) = break_site(|site| {
        site.write(
            "templates/article.html",
            "{# Egen mal #}\n{% extends \"bsae.html\" %}\n{% block main %}<h1>{{ page.title }}</h1>{% endblock main %}\n",
        );
    });
    run.assert_stderr_contains("`article.html` extends `bsae.html`");
    let (_, column) = run.assert_points_at(&site, "templates/article.html", Some(2));
    assert_eq!(
        column, 12,
        "the caret should be under the name\n{}",
        run.stderr
    );
    run.assert_stderr_contains("help: did you mean `base.html`?");
    run.assert_stderr_contains("save it as templates/bsae.html");

    // A name like none of them: the templates there are, the site's own among them.
    let (site, run) = break_site(|site| {
        site.write(
            "templates/ramme.html",
            "<main>{% block main %}{% endblock main %}</main>\n",
        );
        site.write(
            "templates/article.html",
            "{% extends 'mangler/helt.html' %}\n{% block main %}{{ page.title }}{% endblock main %}\n",
        );
    });
    let (_, column) = run.assert_points_at(&site, "templates/article.html", Some(1));
    assert_eq!(column, 12, "{}", run.stderr);
    run.assert_stderr_contains("the templates it can extend are 404.html, ");
    run.assert_stderr_contains(" base.html, ");
    run.assert_stderr_contains(" ramme.html, ");
    run.assert_stderr_contains("save it as templates/mangler/helt.html");
}

/// A line of `base.html` that runs for ever on the Kasakhstan article only, so
/// that one page (made with `article.html`) is stopped.
fn base_with_endless_loop(body: &str) -> (String, usize, usize) {
    let base = fixture::marked_base_template();
    let endless = format!(
        "{{% if page is defined and \"Kasakhstan\" in page.title %}}{{% for i in range(end=100000) %}}\
         {{% for j in range(end=100000) %}}{body}{{% endfor %}}{{% endfor %}}{{% endif %}}"
    );
    let main = "{% block main %}{% endblock main %}";
    let at = base.find(main).expect("base.html has its main block") + main.len();
    let base = format!("{}\n{endless}{}", &base[..at], &base[at..]);
    let line = base[..at].lines().count() + 1;
    let column = endless.find("{% for j").unwrap() + 1;
    (base, line, column)
}

#[test]
fn a_loop_in_base_html_that_never_ends_is_shown_in_base_html() {
    // One loop writes, and is stopped by its writer; one writes nothing, and
    // is stopped by the watchdog.
    for body in ["{{ j }}", ""] {
        let site = fixture::site_with_config(&format!(
            "{}\n[templates]\ntime_limit = 1\n",
            fixture::SITE_TOML
        ));
        site.build_ok(&[]);
        let before = site.snapshot_public();
        settle();
        let (base, line, column) = base_with_endless_loop(body);
        site.write("templates/base.html", base);
        let run = site.build(&[]);
        run.assert_failure();
        before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
        run.assert_stderr_contains(&format!(
            "{KASAKHSTAN_FILE} with the template `article.html`"
        ));
        run.assert_stderr_contains("stopped in this loop of `base.html`");
        let (_, found) = run.assert_points_at(&site, "templates/base.html", Some(line));
        assert_eq!(found, column, "the inner `for`, which runs\n{}", run.stderr);
        run.assert_stderr_contains("time_limit = 1");
        assert!(
            !run.stderr.contains("templates/article.html"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_template_rendering_error_names_the_template_and_every_page_it_failed_on() {
    let (site, run) = break_site(|site| {
        site.write(
            "templates/article.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.nonexistent.deeper }}</h1>\n{% endblock main %}\n",
        );
    });
    run.assert_stderr_contains("nonexistent");
    run.assert_stderr_contains(KASAKHSTAN_FILE);
    run.assert_stderr_contains(BLABAER_FILE);
    run.assert_points_at(&site, "templates/article.html", Some(3));
    run.assert_help();
}

#[test]
fn a_filter_on_the_wrong_type_names_the_template_and_the_page() {
    let (site, run) = break_site(|site| {
        site.write(
            "templates/article.html",
            "{% extends \"base.html\" %}\n{% block main %}\n\n<h1>{{ page.title | round }}</h1>\n{% endblock main %}\n",
        );
    });
    run.assert_stderr_contains(KASAKHSTAN_FILE);
    run.assert_points_at(&site, "templates/article.html", Some(4));
    run.assert_help();
    run.assert_stderr_contains("convert it first (`| int`, `| float`, `| str`)");
    assert_no_variables_help(&run);
}

/// Help about which variables a template has is for a variable that is not there.
fn assert_no_variables_help(run: &Run) {
    assert!(
        !run.stderr.contains("variables listed"),
        "the help is about variables, and this error is not\n{}",
        run.stderr
    );
}

#[test]
fn a_division_by_zero_and_a_missing_argument_each_get_their_own_help() {
    for (line, help) in [
        (
            "<p>{{ page.title | length / 0 }}</p>",
            "the number divided by is 0 for this page",
        ),
        (
            "<p>{{ page.title | truncate }}</p>",
            "give the filter, test or function the argument it names",
        ),
    ] {
        let (site, run) = break_site(|site| {
            site.write(
                "templates/article.html",
                format!("{{% extends \"base.html\" %}}\n{{% block main %}}\n{line}\n{{% endblock main %}}\n"),
            );
        });
        run.assert_points_at(&site, "templates/article.html", Some(3));
        run.assert_stderr_contains(&format!("help: {help}"));
        assert_no_variables_help(&run);
    }
}

#[test]
fn an_undefined_variable_gets_the_help_about_variables() {
    let (site, run) = break_site(|site| {
        site.write(
            "templates/article.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ side.tittel }}</p>\n{% endblock main %}\n",
        );
    });
    run.assert_points_at(&site, "templates/article.html", Some(3));
    run.assert_stderr_contains(
        "help: a template can only use the variables listed in docs/templates.md",
    );
}

#[test]
fn a_manifest_that_is_not_utf8_points_at_the_first_bad_byte() {
    let site = fixture::built_site();
    let manifest = site.public_dir().join(".forklar-manifest");
    let mut bytes = std::fs::read(&manifest).unwrap();
    let listed = String::from_utf8(bytes.clone()).unwrap().lines().count();
    bytes.extend_from_slice(b"emne/bl\xe5b\xe6r/index.html\n");
    std::fs::write(&manifest, &bytes).unwrap();
    let before = site.snapshot_public();
    settle();
    let run = site.build(&[]);
    run.assert_failure();
    before.assert_unchanged(
        &site.snapshot_public(),
        "public/ with a manifest that is not UTF-8",
    );
    run.assert_stderr_contains("not UTF-8 text (byte 0xE5 here)");
    let line = listed + 1;
    run.assert_stderr_contains(&format!("/public/.forklar-manifest:{line}:8\n"));
    // The line is shown with the bad bytes replaced, the caret under the first.
    run.assert_stderr_contains(&format!("{line} | emne/bl\u{fffd}b\u{fffd}r/index.html\n"));
    run.assert_stderr_contains(&format!(
        "{} |        ^\n",
        " ".repeat(line.to_string().len())
    ));
    run.assert_stderr_contains("/public/.forklar-manifest and build again");
    run.assert_stderr_contains("leaves the files it no longer publishes in place");
    // What the help says to do works: without the list, the build takes over
    // the files that hold what it would write.
    std::fs::remove_file(&manifest).unwrap();
    site.build_ok(&[]);
    assert!(
        site.source("public/.forklar-manifest")
            .starts_with("# forklar manifest 1\n")
    );
}

#[test]
fn a_static_file_at_a_page_address_names_the_static_file() {
    let (_site, run) = break_site(|site| {
        site.write("static/kasakhstan/index.html", "<p>gammel side</p>\n");
    });
    run.assert_stderr_contains("static/kasakhstan/index.html");
    run.assert_stderr_contains(KASAKHSTAN_FILE);
    run.assert_help();
}

#[test]
fn a_static_file_with_a_name_forklar_keeps_for_itself_is_named_with_the_reason() {
    let (_site, run) = break_site(|site| {
        site.write("static/.forklar-manifest", "x\n");
    });
    run.assert_stderr_contains(
        "refusing to publish /.forklar-manifest: it is one of forklar's own files",
    );
    run.assert_stderr_contains("--> static/.forklar-manifest");
    run.assert_stderr_contains("rename the file in static/");
}

#[test]
fn a_bad_base_url_flag_is_refused() {
    let (_site, run) = break_site_with(&["--base-url", "example.org/forklaring"], |_| {});
    run.assert_stderr_contains("--base-url");
    run.assert_stderr_contains("example.org/forklaring");
    run.assert_help();
}

/// Runs `forklar build --root <site> --output <output>` from `cwd` and checks that it
/// is refused and that nothing under `watched` changed.
fn assert_output_refused(site: &TestSite, cwd: &Path, output: &str, watched: &Path) {
    let before = Snapshot::of(watched);
    settle();
    let root = site.root().to_str().unwrap();
    let run = site.run_in(cwd, &["build", "--root", root, "--output", output]);
    run.assert_failure();
    run.assert_help();
    run.assert_stderr_contains("--output");
    before.assert_unchanged(
        &Snapshot::of(watched),
        &format!("{} after `--output {output}`", watched.display()),
    );
}

#[test]
fn the_site_folder_is_refused_as_output_and_nothing_is_deleted() {
    let site = fixture::built_site();
    site.write("static/bilde.png", b"\x89PNG\r\n");
    site.write("notater.txt", "Mine notater.\n");
    assert_output_refused(&site, site.root(), ".", site.outside());
    let root = site.root().to_str().unwrap().to_string();
    assert_output_refused(&site, site.outside(), &root, site.outside());
    // The folder that holds the site is refused too.
    assert_output_refused(&site, site.root(), "..", site.outside());
}

#[test]
fn a_folder_holding_another_site_is_refused_as_output_and_nothing_is_deleted() {
    let site = fixture::site();
    let other = site.outside().join("annen");
    std::fs::create_dir_all(other.join("content")).unwrap();
    std::fs::write(other.join("content/sak.md"), "+++\ntitle = \"x\"\n+++\n").unwrap();
    std::fs::write(other.join("les-meg.txt"), "Ikke slett meg.\n").unwrap();
    assert_output_refused(&site, site.outside(), "annen", site.outside());
}

#[test]
fn the_sites_own_source_folders_are_refused_as_output_and_nothing_is_deleted() {
    for folder in ["content", "static", "templates"] {
        let site = fixture::site()
            .with("static/bilde.png", b"\x89PNG\r\n")
            .with("templates/base.html", fixture::marked_base_template());
        let out = site.root().join(folder);
        assert_output_refused(&site, site.root(), out.to_str().unwrap(), site.outside());
    }
}

#[test]
fn once_a_page_runs_out_of_time_the_build_renders_no_more_pages() {
    // Every page runs for ever: without a stop, each would take the limit.
    let site = fixture::site_with_config(&format!(
        "{}\n[templates]\ntime_limit = 1\n",
        fixture::SITE_TOML
    ));
    site.build_ok(&[]);
    let before = site.snapshot_public();
    settle();
    let base = fixture::marked_base_template();
    let main = "{% block main %}{% endblock main %}";
    let at = base.find(main).expect("base.html has its main block") + main.len();
    let endless = "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{{ j }}\
                   {% endfor %}{% endfor %}";
    site.write(
        "templates/base.html",
        format!("{}\n{endless}{}", &base[..at], &base[at..]),
    );
    let run = site.build(&[]);
    run.assert_failure();
    before.assert_unchanged(&site.snapshot_public(), "public/ after a failed build");
    run.assert_stderr_contains("took longer than");
    run.assert_stderr_contains("the other pages were not rendered: a page ran out of time");
    // Only the pages started before the first ran out: one a rendering thread.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let out_of_time = run.stderr.matches("took longer than").count();
    assert!(
        (1..=threads).contains(&out_of_time),
        "{out_of_time} pages ran out of time on {threads} threads\n{}",
        run.stderr
    );
}
