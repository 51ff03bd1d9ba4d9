//! Images alone in their paragraph become figures: the caller turns each
//! into markup (resized, credited), or leaves it as Markdown wrote it.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// An image written alone in a paragraph: `![alt](fil.jpg "Bildetekst")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyImage {
    /// The destination as written.
    pub dest: String,
    pub alt: String,
    /// The title, which a figure shows as its caption.
    pub title: String,
    /// Where the image is in the Markdown.
    pub range: Range<usize>,
}

/// Makes markup for a figure, or `None` to leave the image as it is.
pub type FigureMaker<'a> = dyn Fn(&BodyImage) -> Option<String> + 'a;

/// Replaces each paragraph holding only an image with what `figure` makes of
/// it; `ranges` stays aligned with `events`.
pub(super) fn make_figures<'e>(
    events: &mut Vec<Event<'e>>,
    ranges: &mut Vec<Range<usize>>,
    figure: &FigureMaker<'_>,
) {
    let mut i = 0;
    while i + 3 < events.len() {
        let Some((image, end)) = lone_image(events, ranges, i) else {
            i += 1;
            continue;
        };
        match figure(&image) {
            Some(html) => {
                events.splice(i..=end, [Event::Html(CowStr::from(html))]);
                let range = ranges[i].start..ranges[end].end;
                ranges.splice(i..=end, [range]);
                i += 1;
            }
            None => i = end + 1,
        }
    }
}

/// The image at `start` if a paragraph opens there and holds nothing else;
/// with the index of the paragraph's end.
fn lone_image(
    events: &[Event<'_>],
    ranges: &[Range<usize>],
    start: usize,
) -> Option<(BodyImage, usize)> {
    if !matches!(events[start], Event::Start(Tag::Paragraph)) {
        return None;
    }
    let Event::Start(Tag::Image {
        dest_url, title, ..
    }) = &events[start + 1]
    else {
        return None;
    };
    let mut alt = String::new();
    let mut at = start + 2;
    loop {
        match events.get(at)? {
            Event::End(TagEnd::Image) => break,
            Event::Text(text) | Event::Code(text) => alt.push_str(text),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
        at += 1;
    }
    if !matches!(events.get(at + 1)?, Event::End(TagEnd::Paragraph)) {
        return None;
    }
    Some((
        BodyImage {
            dest: dest_url.to_string(),
            alt: alt.trim().to_string(),
            title: title.to_string(),
            range: ranges[start + 1].clone(),
        },
        at + 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{MarkdownOptions, render};

    #[test]
    fn only_an_image_alone_in_its_paragraph_is_a_figure() {
        let seen = std::cell::RefCell::new(Vec::new());
        let maker = |image: &BodyImage| {
            seen.borrow_mut().push(image.clone());
            Some(format!("<figure>{}</figure>", image.dest))
        };
        let markdown = "Tekst ![ikon](ikon.png) her.\n\n![Røyk over *Almaty*](foto.jpg \"Almaty 6. januar\")\n\nSlutt.\n";
        let html = render(
            markdown,
            &[],
            MarkdownOptions {
                figures: Some(&maker),
                ..MarkdownOptions::default()
            },
        )
        .html;
        assert!(html.contains("<figure>foto.jpg</figure>"), "{html}");
        assert!(html.contains("<img src=\"ikon.png\""), "{html}");
        let seen = seen.borrow();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].alt, "Røyk over Almaty");
        assert_eq!(seen[0].title, "Almaty 6. januar");
        assert_eq!(
            &markdown[seen[0].range.clone()],
            "![Røyk over *Almaty*](foto.jpg \"Almaty 6. januar\")"
        );
    }
}
