//! Images on pages: each image a page names is planned (size, variants,
//! names) from its file, its variants are made once per build, taken from
//! the cache in `.forklar-cache/` when they are there, and the page gets its
//! `<picture>` markup, its share image and its crops.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::Renderer;
use crate::content::{BackgroundEntry, Image, NamedAt};
use crate::deps::{Dep, Deps};
use crate::diagnostics::{Diagnostic, Location};
use crate::images::{
    self, BackgroundImages, CacheStats, ImageCache, ImageConfig, ImagePlan, ImageSpec, Loading,
    PictureOptions, Role,
};
use crate::layout::{CONTENT_DIR, STATIC_DIR};
use crate::markdown::BodyImage;
use crate::markdown::typography::typeset;
use crate::output::Sink;
use crate::parts::background::{ImageView, ShareView};
use crate::site::Article;

/// The images of one build: plans made once, files written once.
pub struct Pictures {
    root: PathBuf,
    config: ImageConfig,
    cache: ImageCache,
    plans: Mutex<HashMap<(PathBuf, String), Arc<ImagePlan>>>,
    written: Mutex<HashSet<String>>,
    /// What to tell the writer about images that are still published.
    warnings: Mutex<Vec<Diagnostic>>,
    /// In `serve`: an image whose variants are not in the cache is shown as
    /// its source file, and made by this background encoder.
    background: Option<BackgroundImages>,
    /// The images shown as their source file in this render.
    deferred: Mutex<Vec<Arc<ImagePlan>>>,
}

/// What `og:image` and `twitter:card` show.
#[derive(Debug, Clone, Serialize)]
pub struct ShareCard {
    pub permalink: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: String,
}

impl ShareCard {
    pub fn of(image: &ImageView) -> ShareCard {
        match &image.share {
            Some(share) => ShareCard {
                permalink: share.permalink.clone(),
                width: Some(share.width),
                height: Some(share.height),
                alt: image.alt.clone(),
            },
            None => ShareCard {
                permalink: image.permalink.clone(),
                width: None,
                height: None,
                alt: image.alt.clone(),
            },
        }
    }
}

impl Pictures {
    pub fn new(root: &Path, config: &ImageConfig) -> Pictures {
        Pictures {
            root: root.to_path_buf(),
            config: config.clone(),
            cache: ImageCache::for_site(root),
            plans: Mutex::new(HashMap::new()),
            written: Mutex::new(HashSet::new()),
            warnings: Mutex::new(Vec::new()),
            background: None,
            deferred: Mutex::new(Vec::new()),
        }
    }

    /// Makes images not yet in the cache in the background (`serve`).
    pub fn set_background(&mut self, background: Option<BackgroundImages>) {
        self.background = background;
    }

    /// The images this render showed as their source file, to be made.
    pub fn deferred(&self) -> Vec<Arc<ImagePlan>> {
        self.deferred
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The preview to show instead of `plan`, when its variants are left
    /// to the background encoder.
    fn defer(&self, plan: &Arc<ImagePlan>) -> Option<Arc<ImagePlan>> {
        let background = self.background.as_ref()?;
        if self.cache.holds(plan) || background.failed(plan) {
            return None;
        }
        let preview = Arc::new(plan.preview()?);
        let mut deferred = self.deferred.lock().unwrap_or_else(|e| e.into_inner());
        if !deferred
            .iter()
            .any(|p| p.source == plan.source && p.hash == plan.hash)
        {
            deferred.push(plan.clone());
        }
        Some(preview)
    }

    /// Writes the source file as the preview's one file, once per render.
    fn write_preview(
        &self,
        preview: &ImagePlan,
        sink: &dyn Sink,
        origin: &str,
    ) -> Result<(), Diagnostic> {
        let Some(file) = preview.variants.first() else {
            return Ok(());
        };
        let first = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file.path.clone());
        if !first {
            return Ok(());
        }
        let bytes = std::fs::read(&preview.source_file).map_err(|err| {
            Diagnostic::new(format!("cannot read {}: {err}", preview.source.display()))
                .with_help("save the image again")
        })?;
        sink.write(&file.path, &bytes, origin)
    }

    pub fn stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Warnings about images, each once, in the order found.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .map(Diagnostic::as_warning)
            .collect()
    }

    pub fn config(&self) -> &ImageConfig {
        &self.config
    }

    fn plan(&self, spec: &ImageSpec) -> Result<Arc<ImagePlan>, images::ImageError> {
        let key = (spec.source.clone(), format!("{:?}", spec.focus));
        if let Some(plan) = self.lock_plans().get(&key) {
            return Ok(plan.clone());
        }
        let mut plan = images::plan(&self.root, spec, &self.config)?;
        // Pages use crops only in structured data, where crawlers read the
        // fallback format: AVIF and WebP crops would be made for no reader.
        let fallback = plan.fallback;
        plan.variants
            .retain(|v| !matches!(v.role, Role::Crop(_)) || v.format == fallback);
        let plan = Arc::new(plan);
        self.lock_plans().insert(key, plan.clone());
        Ok(plan)
    }

    fn lock_plans(&self) -> std::sync::MutexGuard<'_, HashMap<(PathBuf, String), Arc<ImagePlan>>> {
        self.plans.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the plan's files into `sink`, the first time a page asks.
    fn produce(&self, plan: &ImagePlan, sink: &dyn Sink, origin: &str) -> Result<(), Diagnostic> {
        let first = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(format!("{}#{}", plan.source.display(), plan.hash));
        if !first {
            return Ok(());
        }
        let failed: Mutex<Option<Diagnostic>> = Mutex::new(None);
        let write = |path: &str, bytes: &[u8]| {
            sink.write(path, bytes, origin).map_err(|diagnostic| {
                let message = diagnostic.message.clone();
                *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(diagnostic);
                std::io::Error::other(message)
            })
        };
        let stored = |path: &str, key: &str, entry: &dyn crate::output::StoredEntry| {
            sink.write_stored(path, key, entry, origin)
                .map_err(|diagnostic| {
                    let message = diagnostic.message.clone();
                    *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(diagnostic);
                    std::io::Error::other(message)
                })
        };
        match images::produce(plan, &self.cache, &write, Some(&stored)) {
            Ok(_) => Ok(()),
            Err(err) => Err(failed
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| Diagnostic::new(err.to_string()).with_help(err.help()))),
        }
    }
}

const SOURCE_HELP: &str = "put the image beside the article and write its name, file = \"foto.jpg\", or in static/ and write file = \"/bilder/foto.jpg\"";

/// The file an image names, relative to the site root: `/x.jpg` is in
/// static/, `x.jpg` beside the file naming it. `None` for an address on
/// another host, which is published as it is. `Err` for a path that leaves
/// the site.
pub fn source_file(src: &str, named_in: &Path) -> Result<Option<PathBuf>, String> {
    // An address with a scheme (https:, data:, and javascript:, which the
    // link checks refuse) is not a file of the site.
    let scheme = src
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
    if scheme || src.starts_with("//") || src.trim().is_empty() {
        return Ok(None);
    }
    let src = src.split(['?', '#']).next().unwrap_or_default();
    let joined = match src.strip_prefix('/') {
        Some(rest) => Path::new(STATIC_DIR).join(rest),
        None => named_in.parent().unwrap_or(Path::new("")).join(src),
    };
    let mut clean = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::Normal(p) => clean.push(p),
            Component::ParentDir if clean.pop() => {}
            Component::CurDir => {}
            _ => return Err(format!("{src} is outside the site folder")),
        }
    }
    let inside = clean.starts_with(STATIC_DIR) || clean.starts_with(CONTENT_DIR);
    if !inside {
        return Err(format!("{src} is neither in static/ nor in content/"));
    }
    Ok(Some(clean))
}

/// Where an image's files are published: its path under static/ or
/// content/, without the extension.
fn output_stem(source: &Path) -> String {
    let inner = source
        .strip_prefix(STATIC_DIR)
        .or_else(|_| source.strip_prefix(CONTENT_DIR))
        .unwrap_or(source);
    inner
        .with_extension("")
        .to_string_lossy()
        .replace('\\', "/")
}

impl<'a> Renderer<'a> {
    /// Leaves images whose variants are not in the cache to `background`,
    /// showing their source file meanwhile (`serve`; a build makes every
    /// variant before it is done).
    pub fn with_background_images(mut self, background: Option<BackgroundImages>) -> Renderer<'a> {
        self.pictures.set_background(background);
        self
    }
}

impl Renderer<'_> {
    /// An image as a page shows it: planned, its files written to `sink`
    /// (once per build) and its markup made. Records the file as read.
    pub(super) fn image_view(
        &self,
        image: &Image,
        loading: Loading,
        sink: Option<&dyn Sink>,
        deps: &mut Deps,
    ) -> Result<ImageView, Diagnostic> {
        self.image_view_sized(image, loading, None, sink, deps)
    }

    /// [`Renderer::image_view`] for a place narrower than the text, with its
    /// own `sizes` (a teaser's thumbnail), so browsers fetch a small file.
    pub(super) fn image_view_sized(
        &self,
        image: &Image,
        loading: Loading,
        sizes: Option<&str>,
        sink: Option<&dyn Sink>,
        deps: &mut Deps,
    ) -> Result<ImageView, Diagnostic> {
        let mut view = ImageView::new(image, &self.urls);
        let at = |message: String, help: String| match &image.named_at {
            Some(named) => named.error(message, help),
            None => Diagnostic::new(message).with_help(help),
        };
        let named_in = image
            .named_at
            .as_ref()
            .map_or(Path::new(""), |n| n.file.as_path());
        let source = match source_file(&image.src, named_in) {
            Ok(Some(source)) => source,
            Ok(None) => return Ok(view),
            Err(why) => {
                return Err(at(why, SOURCE_HELP.into()));
            }
        };
        deps.add(|| Dep::File(source.clone()));
        let mut spec = ImageSpec::new(&source).with_output_stem(output_stem(&source));
        if let Some((x, y)) = image.focus {
            spec = spec.with_focus(x, y);
        }
        let plan = self
            .pictures
            .plan(&spec)
            .map_err(|err| at(err.to_string(), err.help()))?;
        if !plan.warnings.is_empty() {
            let mut warnings = self
                .pictures
                .warnings
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            for warning in &plan.warnings {
                let warning = at(warning.message.clone(), warning.help.clone());
                if !warnings.contains(&warning) {
                    warnings.push(warning);
                }
            }
        }
        let full = plan.clone();
        let preview = self.pictures.defer(&plan);
        let plan = preview.clone().unwrap_or(plan);
        if let Some(sink) = sink {
            for variant in &plan.variants {
                deps.publish(&variant.path);
            }
            let origin = named_in.display().to_string();
            let written = match &preview {
                Some(preview) => self.pictures.write_preview(preview, sink, &origin),
                None => self.pictures.produce(&plan, sink, &origin),
            };
            written.map_err(|d| match &image.named_at {
                Some(named) if d.file.is_none() => {
                    named.error(d.message, d.help.unwrap_or_default())
                }
                _ => d,
            })?;
        }

        let prefix = self.urls.base_path();
        let config = self.pictures.config();
        let mut options = PictureOptions::new(&view.alt, sizes.unwrap_or(&config.sizes));
        options.loading = loading;
        options.url_prefix = prefix;
        view.html = Some(images::picture_html(&plan, &options));
        view.width = Some(plan.width);
        view.height = Some(plan.height);
        let fallback = plan
            .variants_with(Role::Responsive)
            .chain(plan.variants_with(Role::Original))
            .filter(|v| v.format == plan.fallback)
            .filter(|v| v.width <= 1200)
            .max_by_key(|v| v.width)
            .or_else(|| plan.variants.first());
        if let Some(v) = fallback {
            view.url = format!("{prefix}{}", v.path);
            view.permalink = self.urls.permalink(&view.url);
        }
        if let Some(share) = plan.share() {
            view.share = Some(ShareView {
                permalink: self.urls.permalink(&format!("{prefix}{}", share.path)),
                width: share.width,
                height: share.height,
            });
        } else if preview.is_some() && full.share().is_some() {
            // The preview stands in for the share image too, so that the
            // page picks the same image to share as it will with variants.
            view.share = Some(ShareView {
                permalink: view.permalink.clone(),
                width: plan.width,
                height: plan.height,
            });
        }
        for aspect in &config.crops {
            if let Some(v) = plan.largest(Role::Crop(*aspect), plan.fallback) {
                view.crops
                    .push(self.urls.permalink(&format!("{prefix}{}", v.path)));
            }
        }
        Ok(view)
    }

    /// The image an article's cards and structured data show: its own, else
    /// its first background entry's that has one, else the site's
    /// `images.share_image`.
    pub(super) fn share_source(
        &self,
        own: Option<&ImageView>,
        entries: &[&BackgroundEntry],
        sink: &dyn Sink,
        deps: &mut Deps,
    ) -> Result<Option<ImageView>, Diagnostic> {
        if let Some(own) = own.filter(|v| v.shareable()) {
            return Ok(Some(own.clone()));
        }
        for image in entries.iter().filter_map(|e| e.image.as_ref()) {
            let view = self.image_view(image, Loading::Lazy, Some(sink), deps)?;
            if view.shareable() {
                return Ok(Some(view));
            }
        }
        let config = &self.site.config;
        let Some(src) = &config.images.share_image else {
            return Ok(None);
        };
        let image = Image {
            src: src.clone(),
            alt: config
                .images
                .share_image_alt
                .clone()
                .unwrap_or_else(|| config.title.clone()),
            credit: None,
            licence: None,
            caption: None,
            decorative: false,
            focus: None,
            named_at: Some(NamedAt {
                file: PathBuf::from(crate::config::CONFIG_FILE),
                location: config.images.share_image_at.clone().unwrap_or(Location {
                    line: 1,
                    column: 1,
                    source_line: format!("share_image = {src:?}"),
                    width: 1,
                }),
            }),
        };
        let view = self.image_view(&image, Loading::Lazy, Some(sink), deps)?;
        Ok(view.shareable().then_some(view))
    }

    /// A figure for an image alone in a paragraph of `article`'s body
    /// (`body`, its Markdown): credited by the article's `[[images]]` entry
    /// for the same file. `None` leaves the image as Markdown wrote it: an
    /// address on another host, or a problem, added to `problems`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn body_figure(
        &self,
        article: &Article,
        body: &str,
        image: &BodyImage,
        sink: Option<&dyn Sink>,
        deps: &mut Deps,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let mut location = Location::from_span(body, image.range.clone());
        location.line += article.body_first_line() - 1;
        let named = NamedAt {
            file: article.path.clone(),
            location,
        };
        let source = match source_file(&image.dest, &article.path) {
            Ok(Some(source)) => source,
            Ok(None) => return None,
            Err(why) => {
                problems.push(named.error(why, SOURCE_HELP));
                return None;
            }
        };
        let listed = article.images.iter().find(|listed| {
            let named_in = listed.named_at.as_ref().map_or(Path::new(""), |n| &n.file);
            source_file(&listed.src, named_in).ok().flatten().as_ref() == Some(&source)
        });
        let Some(listed) = listed else {
            problems.push(named.error(
                format!("the image {} has no credit", image.dest),
                format!(
                    "credit it in the front matter: a table [[images]] with file = \"{}\" and credit = \"Foto: …\"",
                    image.dest
                ),
            ));
            return None;
        };
        let alt = if image.alt.is_empty() {
            listed.alt.clone()
        } else {
            image.alt.clone()
        };
        if alt.trim().is_empty() && !listed.decorative {
            problems.push(named.error(
                format!("the image {} has no alt text", image.dest),
                "write what it shows between the brackets, ![Røyk over Almaty](fil.jpg); only an image marked decorative = true in [[images]] may have none",
            ));
            return None;
        }
        let caption = Some(image.title.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| listed.caption.clone())
            .map(|c| typeset(&c, self.urls.language));
        let shown = Image {
            alt: if listed.decorative {
                String::new()
            } else {
                alt
            },
            caption,
            named_at: Some(named),
            ..listed.clone()
        };
        let view = match self.image_view(&shown, Loading::Lazy, sink, deps) {
            Ok(view) => view,
            Err(problem) => {
                problems.push(problem);
                return None;
            }
        };
        let mut context = self.context();
        context.insert("image", &view);
        let source_name = article.path.display().to_string();
        match self
            .templates
            .render("partials/figure.html", &context, &source_name)
        {
            Ok(html) => Some(String::from_utf8_lossy(&html).into_owned()),
            Err(problem) => {
                problems.push(problem);
                None
            }
        }
    }

    /// The images this render showed as their source file, for
    /// [`BackgroundImages::submit`].
    pub fn deferred_images(&self) -> Vec<Arc<ImagePlan>> {
        self.pictures.deferred()
    }

    /// What the image engine did in this build.
    pub fn image_stats(&self) -> CacheStats {
        self.pictures.stats()
    }

    /// Warnings about images that are still published (a share image
    /// smaller than 1200×630, a file whose name says another format).
    pub fn image_warnings(&self) -> Vec<Diagnostic> {
        self.pictures.warnings()
    }

    /// Whether a file in static/ is an image that pages publish resized:
    /// such a file is not copied as it is, so its EXIF and GPS never leave.
    pub fn is_processed_image(&self, static_file: &Path) -> bool {
        self.processed_statics.contains(static_file)
    }
}

/// Files in static/ that front matter names as images (articles', background
/// entries', portraits) and the default share image, relative to static/.
pub fn processed_statics(site: &crate::site::Site) -> HashSet<PathBuf> {
    let articles = site
        .articles
        .iter()
        .flat_map(|a| a.image.as_deref().into_iter().chain(&a.images));
    let entries = site.background.values().filter_map(|e| e.image.as_ref());
    let people = site.people.values().filter_map(|p| p.portrait.as_ref());
    articles
        .chain(entries)
        .chain(people)
        .filter_map(|image| {
            let named_in = image.named_at.as_ref()?.file.as_path();
            let source = source_file(&image.src, named_in).ok()??;
            source.strip_prefix(STATIC_DIR).ok().map(Path::to_path_buf)
        })
        .chain(
            site.config
                .images
                .share_image
                .iter()
                .filter_map(|src| source_file(src, Path::new("site.toml")).ok()?)
                .filter_map(|s| s.strip_prefix(STATIC_DIR).ok().map(Path::to_path_buf)),
        )
        .collect()
}
