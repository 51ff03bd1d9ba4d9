//! The Norwegian fixture site most tests start from: two published articles and a
//! draft, with the Markdown features an explainer uses.

use crate::common::TestSite;

pub const SITE_TOML: &str = r#"title = "Forklart"
description = "Bakgrunn for nyhetene"
language = "nb"
authors = ["Redaksjonen"]
"#;

/// Published with `slug = "kasakhstan"`; the newest published article.
pub const KASAKHSTAN_FILE: &str = "content/hva-skjer-i-kasakhstan.md";
pub const KASAKHSTAN_PAGE: &str = "kasakhstan/index.html";
pub const KASAKHSTAN_TITLE: &str = "Hva skjer i Kasakhstan? Ærlig talt, både øst og vest";
pub const KASAKHSTAN_LEAD: &str = "Prisen på gass ble doblet. Nå er landet i unntakstilstand.";
pub const KASAKHSTAN: &str = r#"+++
title = "Hva skjer i Kasakhstan? Ærlig talt, både øst og vest"
date = 2022-01-06T18:00:00+01:00
updated = 2022-01-07T09:30:00+01:00
lead = "Prisen på gass ble doblet. Nå er landet i unntakstilstand."
slug = "kasakhstan"
tags = ["Kasakhstan"]
+++

Demonstrantene sa at "nok er nok" -- og myndighetene svarte... med ~~samtaler~~ soldater.

## Hvorfor nå?

Prisen på flytende gass ble doblet over natten[^kilde].

| År | Hendelse |
|------|----------------------|
| 2019 | Nazarbajev går av |
| 2022 | Uro i hele landet |

## Hva skjer videre?

Ingen vet.

[^kilde]: Reuters, 2. januar 2022.
"#;

/// Published, slug from the file name `blåbær-økonomi.md`; older than Kasakhstan.
pub const BLABAER_FILE: &str = "content/blåbær-økonomi.md";
pub const BLABAER_PAGE: &str = "blabaer-okonomi/index.html";
pub const BLABAER_TITLE: &str = "Blåbær, økonomi og ærlighet";
pub const BLABAER_LEAD: &str = "Hvorfor prisen på blåbær øker i år.";
pub const BLABAER: &str = r#"+++
title = "Blåbær, økonomi og ærlighet"
date = 2021-12-24
lead = "Hvorfor prisen på blåbær øker i år."
+++

Det ble færre bær på grunn av tørke.
"#;

/// A draft, newer than both published articles.
pub const UTKAST_FILE: &str = "content/utkast.md";
pub const UTKAST_PAGE: &str = "utkast/index.html";
pub const UTKAST_TITLE: &str = "Utkast: Små og store spørsmål";
pub const UTKAST: &str = r#"+++
title = "Utkast: Små og store spørsmål"
date = 2022-02-01
draft = true
+++

Ikke ferdig.
"#;

/// The fixture site, in Norwegian Bokmål.
pub fn site() -> TestSite {
    site_with_config(SITE_TOML)
}

/// The fixture's articles with another `site.toml`.
pub fn site_with_config(site_toml: &str) -> TestSite {
    TestSite::new(site_toml)
        .with(KASAKHSTAN_FILE, KASAKHSTAN)
        .with(BLABAER_FILE, BLABAER)
        .with(UTKAST_FILE, UTKAST)
}

/// The fixture site, already built into `public/`.
pub fn built_site() -> TestSite {
    let site = site();
    site.build_ok(&[]);
    site
}

/// The default theme's `base.html` with a marker attribute on `<html>`: a site
/// override that fills every block the default templates use.
pub fn marked_base_template() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/base.html");
    let base = std::fs::read_to_string(path).expect("the theme's base.html");
    assert!(
        base.contains("<html "),
        "templates/base.html should have <html …>"
    );
    base.replacen("<html ", "<html data-mal=\"egen-base\" ", 1)
        .replacen("site-header", "egen-header", 1)
}
