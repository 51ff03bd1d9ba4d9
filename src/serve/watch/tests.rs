use super::*;

fn c(p: &str) -> Option<ChangeKind> {
    classify(Path::new("/site"), &Path::new("/site").join(p))
}

#[test]
fn classifies_sources() {
    assert_eq!(c("content/index.md"), Some(ChangeKind::Content));
    assert_eq!(c("content/blog/2024/post.md"), Some(ChangeKind::Content));
    assert_eq!(c("content"), Some(ChangeKind::Content));
    assert_eq!(c("templates/base.html"), Some(ChangeKind::Template));
    assert_eq!(c("templates/partials/nav.html"), Some(ChangeKind::Template));
    assert_eq!(c("static/img/logo.svg"), Some(ChangeKind::Static));
    assert_eq!(c("static/bakgrunn/æ.png"), Some(ChangeKind::Static));
    assert_eq!(c("site.toml"), Some(ChangeKind::Config));
}

#[test]
fn ignores_other_paths() {
    assert_eq!(c("README.md"), None);
    assert_eq!(c("public/index.html"), None);
    assert_eq!(c("content.md"), None);
    assert_eq!(c("contents/a.md"), None);
    assert_eq!(c("sub/site.toml"), None);
    assert_eq!(c("content/site.toml"), Some(ChangeKind::Content));
    assert_eq!(c(""), None);
    assert_eq!(
        classify(Path::new("/site"), Path::new("/other/content/a.md")),
        None
    );
    assert_eq!(
        classify(Path::new("/site"), Path::new("/site/../x/content/a.md")),
        None
    );
    // Prefix matching is by component, not by string.
    assert_eq!(
        classify(Path::new("/site"), Path::new("/site2/content/a.md")),
        None
    );
    // Relative root and path work the same way.
    assert_eq!(
        classify(Path::new("site"), Path::new("site/content/a.md")),
        Some(ChangeKind::Content)
    );
}

#[test]
fn ignores_editor_temp_files() {
    for name in [
        "content/.post.md.swp",
        "content/post.md.swp",
        "content/post.md.swo",
        "content/post.md.swx",
        "content/POST.MD.SWP",
        "content/post.md~",
        "content/4913",
        "templates/4913",
        "content/post.md.bck",
        "content/post.md.bak",
        "static/upload.tmp",
        "content/.#post.md",
        "content/#post.md#",
        "static/.DS_Store",
        "content/.~lock.notes.odt#",
        "static/big.zip.crdownload",
        "site.toml~",
        "site.toml.swp",
        "content/.git/HEAD",
        "content/.hidden/post.md",
        "content/blog/.draft.md",
        ".git/index",
        ".site.toml.swp",
    ] {
        assert_eq!(c(name), None, "{name} should be ignored");
    }
}

#[test]
fn near_misses_are_not_ignored() {
    for name in [
        "content/49130",
        "content/x4913",
        "content/#",
        "content/a#b.md",
        "content/backup.md",
        "content/swp.md",
        "content/tmp/a.md",
        "static/a.tmp.png",
        "content/lock.md",
    ] {
        assert!(c(name).is_some(), "{name} should count");
    }
}

#[test]
fn change_set_helpers() {
    let mut set = ChangeSet::default();
    assert!(set.is_empty());
    set.paths
        .insert(PathBuf::from("content/a.md"), ChangeKind::Content);
    set.paths
        .insert(PathBuf::from("site.toml"), ChangeKind::Config);
    assert!(!set.is_empty());
    assert!(set.contains_kind(ChangeKind::Config));
    assert!(!set.contains_kind(ChangeKind::Static));
    assert_eq!(
        set.kinds().into_iter().collect::<Vec<_>>(),
        vec![ChangeKind::Content, ChangeKind::Config]
    );
    assert!(
        !ChangeSet {
            rescan: true,
            ..ChangeSet::default()
        }
        .is_empty()
    );
}

#[test]
fn batch_tracks_net_creation() {
    use notify::Event;
    use notify::event::CreateKind;
    use notify_debouncer_full::DebouncedEvent;
    let ev = |kind, paths: Vec<&str>| {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        DebouncedEvent::new(e, Instant::now())
    };
    let mut b = Batch::default();
    b.add(Ok(vec![
        ev(EventKind::Create(CreateKind::File), vec!["/s/content/tmp1"]),
        ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            vec!["/s/content/tmp1", "/s/content/a.md"],
        ),
        ev(
            EventKind::Remove(notify::event::RemoveKind::File),
            vec!["/s/content/b.md"],
        ),
    ]));
    assert!(b.paths["/s/content/tmp1".as_ref() as &Path].created_first);
    let a = b.paths[Path::new("/s/content/a.md")];
    assert!(a.created_first && a.created);
    assert!(!b.paths[Path::new("/s/content/b.md")].created);
}

#[test]
fn dropped_events_make_the_map_of_links_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("drafts")).unwrap();
    std::fs::write(root.join("drafts/a.md"), "a").unwrap();
    let mut collector = Collector {
        root: root.clone(),
        debouncer: Arc::new(Mutex::new(None)),
        watched: HashSet::new(),
        links: Links::default(),
        on_change: |_: ChangeSet| {},
    };
    // Made while the events were lost: nothing reports the link itself.
    std::os::unix::fs::symlink("../drafts/a.md", root.join("content/a.md")).unwrap();
    let lost = Batch {
        rescan: true,
        ..Batch::default()
    };
    collector.update_links(&lost);
    assert!(
        collector
            .links
            .is_read_through_a_link(&root.join("drafts/a.md"))
    );
}
