//! An explainer read on a phone and on a wide screen, in headless Chromium on
//! a static server (`tests/browser/phone.mjs`): a tap on a first mention opens
//! its summary in place and inside the viewport at 390 and 320 px, a second
//! tap on «Les mer om …» goes to the entry; the background box follows the
//! section of the first mention on a phone and stands in a rail beside the
//! text at 1280 px; the timeline and the entries unfold without scripts.

use std::process::Command;

use super::tools::browser_dir;
use super::{Axe, Server, Vnu, run};

const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn"
base_url = "https://example.org/"
language = "nb"
"#;

const CSTO: &str = r#"+++
title = "CSTO"
aliases = ["CSTO"]
summary = "CSTO er en russiskledet militærallianse av tidligere sovjetrepublikker med hovedkvarter i Moskva. I januar 2022 sendte alliansen for første gang styrker til et medlemsland, Kasakhstan."

[[facts]]
label = "Organisasjon grunnlagt"
value = "2002"
+++

Mer om CSTO.
"#;

const TOKAJEV: &str = r#"+++
title = "Kassym-Zjomart Tokajev"
aliases = ["Tokajev"]
summary = "Kasakhstans president siden 2019."
+++

Mer om Tokajev.
"#;

const FILLER: &str = "Protestene begynte i Zjanaozen i vest, der prisen på bilgass ble doblet over natten, og spredte seg i løpet av få dager til Aktau, Almaty og en rekke andre byer i landet.";

fn article() -> String {
    let mut text = String::from(
        "+++\ntitle = \"Dette har skjedd i Kasakhstan\"\ndate = 2022-01-06T19:00\nlead = \"Det begynte med at prisen på bilgass ble doblet.\"\nbackground = [\"csto\", \"tokajev\"]\n\n[[key_figures]]\nnumber = 2000\nlabel = \"soldater fra CSTO\"\nsource = \"Reuters\"\n",
    );
    for day in 1..=7 {
        text.push_str(&format!(
            "\n[[timeline]]\ndate = \"2022-01-0{day}\"\ntitle = \"Hendelse {day}\"\ntext = \"Det skjedde noe den {day}. januar.\"\n"
        ));
    }
    text.push_str("+++\n\n");
    for _ in 0..4 {
        text.push_str(FILLER);
        text.push_str("\n\n");
    }
    text.push_str("Onsdag ba president Tokajev militæralliansen CSTO om hjelp.\n\n");
    text.push_str("## Slik begynte det\n\n");
    for _ in 0..4 {
        text.push_str(FILLER);
        text.push_str("\n\n");
    }
    text.push_str("{{ tidslinje() }}\n\n## Hva nå?\n\n");
    text.push_str(FILLER);
    text.push('\n');
    text
}

#[test]
fn on_a_phone_a_tap_previews_a_mention_in_place_and_wide_screens_have_a_rail() {
    let Some(axe) = Axe::find("phone and wide-screen layout") else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content/background")).expect("site folder");
    std::fs::write(site.join("site.toml"), SITE_TOML).expect("site.toml");
    std::fs::write(site.join("content/background/csto.md"), CSTO).expect("entry");
    std::fs::write(site.join("content/background/tokajev.md"), TOKAJEV).expect("entry");
    std::fs::write(site.join("content/uro.md"), article()).expect("article");
    let out = tmp.path().join("public");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forklar"));
    cmd.args(["build", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out);
    let built = run(&mut cmd, "forklar build");
    assert!(built.status.success(), "forklar build failed: {built:?}");

    let server = Server::start(&out, "/");
    let mut cmd = Command::new("node");
    cmd.arg(browser_dir().join("phone.mjs"))
        .arg(server.url("uro/"));
    if let Ok(shots) = std::env::var("FORKLAR_SCREENSHOTS") {
        cmd.arg(shots);
    }
    let ran = run(&mut cmd, "phone.mjs");
    assert!(
        ran.status.success(),
        "the article misbehaved in Chromium:\n{}\n{}",
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&ran.stderr)
    );
    println!("{}", String::from_utf8_lossy(&ran.stdout));

    if let Some(vnu) = Vnu::find("vnu on the phone layout") {
        let checked = vnu.check(&[out.join("uro/index.html")]);
        assert!(
            checked.status.success(),
            "vnu found errors on the article:\n{}\n{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
    }
    let checked = axe.run(&[server.url("uro/")]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "axe found violations on the article:\n{}\n{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
}
