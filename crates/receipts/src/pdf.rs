//! The tagged PDF rendering, written with krilla in PDF/UA-1 mode.
//!
//! krilla checks the PDF/UA-1 rules a writer can check (document title shown
//! in the title bar, tagged content, Unicode mapping for every glyph, an
//! outline) and fails the export otherwise. Every line of text is a tagged
//! span inside a heading, paragraph or code element in reading order. The
//! TEST watermark and page footers are artifacts. Fonts (DejaVu, see
//! `fonts/README.md`) are embedded as subsets. The receipt JSON is attached as
//! `matter-receipt.json`, so the PDF alone is enough to verify.

use std::num::NonZeroU16;
use std::sync::{Arc, OnceLock};

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{Point, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, SpanTag, Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use time::OffsetDateTime;

use crate::model::{Mode, Receipt};
use crate::view::{self, Block};

/// File name of the receipt JSON attached to the PDF.
pub const ATTACHMENT_NAME: &str = "matter-receipt.json";

/// Version of this PDF layout, written in the document's keywords as
/// `matter-receipt-renderer=<version>`. Verification compares a PDF with a
/// fresh rendering only when the versions match, so any change to the output
/// (layout, fonts, or a krilla update) needs a new version.
pub const PDF_RENDERER_VERSION: &str = "1";

const RENDERER_KEYWORD_PREFIX: &str = "matter-receipt-renderer=";

static SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
static MONO: &[u8] = include_bytes!("../fonts/DejaVuSansMono.ttf");

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const FOOTER_SPACE: f32 = 28.0;
const VALUE_INDENT: f32 = 12.0;

/// A PDF rendering failure.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("a bundled font failed to load: {0}")]
    Font(String),
    #[error("the PDF writer rejected the receipt: {0}")]
    Export(String),
}

/// One font with the advance widths used for line breaking.
struct Face {
    font: Font,
    data: &'static [u8],
}

impl Face {
    fn load(data: &'static [u8]) -> Result<Face, PdfError> {
        let font = Font::new(data.into(), 0)
            .ok_or_else(|| PdfError::Font("krilla cannot read the font".into()))?;
        FontRef::new(data).map_err(|e| PdfError::Font(e.to_string()))?;
        Ok(Face { font, data })
    }

    fn font_ref(&self) -> FontRef<'static> {
        FontRef::new(self.data).expect("font parsed in Face::load")
    }

    /// Returns whether the font has a glyph for `c`.
    fn covers(&self, c: char) -> bool {
        self.font_ref().charmap().map(c).is_some()
    }

    /// Returns the width of `text` at `size` points, without kerning.
    fn width(&self, text: &str, size: f32) -> f32 {
        let font = self.font_ref();
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let units: f32 = text
            .chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|glyph| metrics.advance_width(glyph))
                    .unwrap_or(units_per_em / 2.0)
            })
            .sum();
        units * size / units_per_em
    }
}

struct Faces {
    sans: Face,
    bold: Face,
    mono: Face,
}

fn faces() -> Result<&'static Faces, PdfError> {
    static FACES: OnceLock<Result<Faces, String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Ok(Faces {
                sans: Face::load(SANS).map_err(|e| e.to_string())?,
                bold: Face::load(SANS_BOLD).map_err(|e| e.to_string())?,
                mono: Face::load(MONO).map_err(|e| e.to_string())?,
            })
        })
        .as_ref()
        .map_err(|e| PdfError::Font(e.clone()))
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Title,
    Heading,
    Label,
    Body,
    Mono,
    MonoSmall,
    Warning,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Style::Title => 20.0,
            Style::Heading => 13.5,
            Style::Label => 9.0,
            Style::Body | Style::Warning => 10.0,
            Style::Mono => 9.0,
            Style::MonoSmall => 8.0,
        }
    }

    fn face(self, faces: &Faces) -> &Face {
        match self {
            Style::Title | Style::Heading | Style::Label | Style::Warning => &faces.bold,
            Style::Body => &faces.sans,
            Style::Mono | Style::MonoSmall => &faces.mono,
        }
    }

    fn leading(self) -> f32 {
        self.size() * 1.35
    }
}

/// A line placed on a page, belonging to one structure element.
struct Line {
    page: usize,
    x: f32,
    /// Baseline position from the top of the page.
    y: f32,
    style: Style,
    /// The glyphs drawn: `text` with characters the font lacks written as `[U+XXXX]`.
    shown: String,
    /// The original text, given to readers as ActualText when it differs.
    text: String,
    element: usize,
}

/// A structure element (heading, paragraph or code block) in reading order.
struct Element {
    kind: ElementKind,
    /// Index of the section this element belongs to; `None` before the first.
    section: Option<usize>,
}

enum ElementKind {
    Title(String),
    Heading(String),
    Paragraph,
    Code,
}

struct Layout<'a> {
    faces: &'a Faces,
    lines: Vec<Line>,
    elements: Vec<Element>,
    page: usize,
    y: f32,
    section: Option<usize>,
    /// Page and top position of each section heading, for the outline.
    anchors: Vec<(String, usize, f32)>,
}

impl<'a> Layout<'a> {
    fn new(faces: &'a Faces) -> Self {
        Layout {
            faces,
            lines: Vec::new(),
            elements: Vec::new(),
            page: 0,
            y: MARGIN,
            section: None,
            anchors: Vec::new(),
        }
    }

    fn start_element(&mut self, kind: ElementKind) -> usize {
        self.elements.push(Element {
            kind,
            section: self.section,
        });
        self.elements.len() - 1
    }

    fn space(&mut self, points: f32) {
        self.y += points;
    }

    /// Moves to a new page unless `height` more points fit on this one.
    fn ensure_room(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN - FOOTER_SPACE {
            self.page += 1;
            self.y = MARGIN;
        }
    }

    fn heading(&mut self, title: &str) {
        self.space(10.0);
        self.ensure_room(Style::Heading.leading() * 3.0);
        self.section = Some(self.anchors.len());
        self.anchors.push((title.to_owned(), self.page, self.y));
        let element = self.start_element(ElementKind::Heading(title.to_owned()));
        self.text(element, title, Style::Heading, MARGIN);
        self.space(2.0);
    }

    /// Wraps `text` to the content width and places its lines.
    fn text(&mut self, element: usize, text: &str, style: Style, x: f32) {
        let face = style.face(self.faces);
        let width = CONTENT_WIDTH - (x - MARGIN);
        for paragraph in text.split('\n') {
            let shown_paragraph = displayable(face, paragraph);
            for (shown, original) in wrap(face, style.size(), width, &shown_paragraph, paragraph) {
                self.ensure_room(style.leading());
                self.y += style.leading();
                self.lines.push(Line {
                    page: self.page,
                    x,
                    y: self.y - style.leading() * 0.25,
                    style,
                    shown,
                    text: original,
                    element,
                });
            }
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Field { label, value } => {
                let element = self.start_element(ElementKind::Paragraph);
                self.ensure_room(Style::Label.leading() + Style::Body.leading());
                self.text(element, label, Style::Label, MARGIN);
                self.text(element, value, Style::Body, MARGIN + VALUE_INDENT);
                self.space(3.0);
            }
            Block::Hash { label, hex } => {
                let element = self.start_element(ElementKind::Paragraph);
                self.ensure_room(Style::Label.leading() + Style::Mono.leading() * 2.0);
                self.text(element, label, Style::Label, MARGIN);
                self.text(
                    element,
                    &view::group_hex(hex),
                    Style::Mono,
                    MARGIN + VALUE_INDENT,
                );
                self.text(element, hex, Style::MonoSmall, MARGIN + VALUE_INDENT);
                self.space(3.0);
            }
            Block::Paragraph(text) => {
                let element = self.start_element(ElementKind::Paragraph);
                self.text(element, text, Style::Body, MARGIN);
                self.space(4.0);
            }
            Block::Code(text) => {
                let element = self.start_element(ElementKind::Code);
                self.text(element, text, Style::MonoSmall, MARGIN + VALUE_INDENT);
                self.space(4.0);
            }
        }
    }
}

/// Replaces characters the font cannot draw (and control characters) with
/// `[U+XXXX]`, so every glyph in the PDF has a Unicode mapping.
fn displayable(face: &Face, text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\t' {
            shown.push_str("    ");
        } else if c.is_control() || !face.covers(c) {
            shown.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            shown.push(c);
        }
    }
    shown
}

/// Breaks `shown` into lines no wider than `width`, at spaces where possible
/// and between characters for a word wider than a line.
/// Returns each line with the matching part of `original` when the two have
/// the same characters, else the shown text (then ActualText is the whole
/// original paragraph on its first line).
fn wrap(face: &Face, size: f32, width: f32, shown: &str, original: &str) -> Vec<(String, String)> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for token in shown.split_inclusive(' ') {
        let candidate = format!("{current}{token}");
        if face.width(candidate.trim_end(), size) <= width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // A token wider than a line is broken between characters.
        let mut piece = String::new();
        for c in token.chars() {
            piece.push(c);
            if face.width(piece.trim_end(), size) > width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        current = piece;
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    let lines: Vec<String> = lines.into_iter().map(|l| l.trim_end().to_owned()).collect();
    if shown == original {
        lines.iter().map(|l| (l.clone(), l.clone())).collect()
    } else {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    l.clone(),
                    if i == 0 {
                        original.to_owned()
                    } else {
                        String::new()
                    },
                )
            })
            .collect()
    }
}

/// Renders the receipt as a tagged PDF/UA-1 file with the JSON attached.
pub fn render(receipt: &Receipt) -> Result<Vec<u8>, PdfError> {
    let faces = faces()?;
    let mut layout = Layout::new(faces);

    let title_element = layout.start_element(ElementKind::Title("Signing receipt".into()));
    layout.text(title_element, "Signing receipt", Style::Title, MARGIN);
    layout.space(6.0);
    if receipt.mode == Mode::Test {
        let element = layout.start_element(ElementKind::Paragraph);
        layout.text(element, view::mode_text(Mode::Test), Style::Warning, MARGIN);
        layout.space(4.0);
    }
    let summary = layout.start_element(ElementKind::Paragraph);
    layout.text(summary, &view::summary(receipt), Style::Body, MARGIN);

    for section in view::sections(receipt) {
        layout.heading(section.title);
        for block in &section.blocks {
            layout.block(block);
        }
    }

    draw(receipt, faces, layout)
}

fn draw(receipt: &Receipt, faces: &Faces, layout: Layout) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| PdfError::Export(format!("{e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let page_count = layout.page + 1;
    let mut identifiers: Vec<Vec<Identifier>> =
        (0..layout.elements.len()).map(|_| Vec::new()).collect();

    let mut lines = layout.lines.iter().peekable();
    for page_index in 0..page_count {
        let mut page = document.start_page_with(
            PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid page size"),
        );
        let mut surface = page.surface();
        if receipt.mode == Mode::Test {
            draw_watermark(&mut surface, faces);
        }
        while let Some(line) = lines.next_if(|l| l.page == page_index) {
            let actual = (line.shown != line.text).then_some(line.text.as_str());
            let span = SpanTag::empty().with_actual_text(actual);
            let id = surface.start_tagged(ContentTag::Span(span));
            surface.set_fill(Some(fill(line.style)));
            surface.draw_text(
                Point::from_xy(line.x, line.y),
                line.style.face(faces).font.clone(),
                line.style.size(),
                &line.shown,
                false,
                TextDirection::Auto,
            );
            surface.end_tagged();
            identifiers[line.element].push(id);
        }
        draw_footer(&mut surface, faces, receipt, page_index, page_count);
        surface.finish();
        page.finish();
    }

    document.set_tag_tree(tag_tree(
        &layout.elements,
        identifiers,
        layout.anchors.len(),
    ));
    let mut outline = Outline::new();
    for (title, page, y) in &layout.anchors {
        outline.push_child(OutlineNode::new(
            title.clone(),
            XyzDestination::new(*page, Point::from_xy(0.0, *y)),
        ));
    }
    document.set_outline(outline);

    let title = view::document_title(receipt);
    let signed = pdf_date(receipt.timestamps.local_signed_at);
    document.set_metadata(
        Metadata::new()
            .title(title)
            .language("en".into())
            .description(view::summary(receipt))
            .creator(format!("{} {}", receipt.app.name, receipt.app.version))
            .authors(vec![receipt.typed_name.clone()])
            .keywords(vec![format!(
                "{RENDERER_KEYWORD_PREFIX}{PDF_RENDERER_VERSION}"
            )])
            .creation_date(signed),
    );
    document
        .embed_file(EmbeddedFile {
            path: ATTACHMENT_NAME.into(),
            mime_type: MimeType::new("application/json"),
            description: Some(
                "Matter Signer receipt JSON; check it offline with: matter-signer receipts verify"
                    .into(),
            ),
            association_kind: AssociationKind::Source,
            data: Arc::new(receipt.to_json_pretty()).into(),
            modification_date: Some(signed),
            compress: Some(true),
            location: None,
        })
        .ok_or_else(|| {
            PdfError::Export("a second attachment with the same name was added".into())
        })?;
    document
        .finish()
        .map_err(|e| PdfError::Export(format!("{e:?}")))
}

/// Builds the structure tree: the title, then one `Sect` per section holding
/// its heading, paragraphs and code blocks.
fn tag_tree(
    elements: &[Element],
    mut identifiers: Vec<Vec<Identifier>>,
    section_count: usize,
) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some("en".into()));
    let mut sections: Vec<TagGroup> = (0..section_count)
        .map(|_| TagGroup::new(Tag::Section))
        .collect();
    let mut before_sections: Vec<TagGroup> = Vec::new();
    for (index, element) in elements.iter().enumerate() {
        let kind: TagKind = match &element.kind {
            ElementKind::Title(title) => Tag::Hn(NonZeroU16::MIN, Some(title.clone())).into(),
            ElementKind::Heading(title) => Tag::Hn(
                NonZeroU16::new(2).expect("2 is not zero"),
                Some(title.clone()),
            )
            .into(),
            ElementKind::Paragraph => Tag::P.into(),
            ElementKind::Code => Tag::Code.into(),
        };
        let mut group = TagGroup::new(kind);
        for id in std::mem::take(&mut identifiers[index]) {
            group.push(id);
        }
        match element.section {
            Some(section) => sections[section].push(group),
            None => before_sections.push(group),
        }
    }
    for group in before_sections.into_iter().chain(sections) {
        tree.push(group);
    }
    tree
}

fn fill(style: Style) -> Fill {
    let color = match style {
        Style::Warning => rgb::Color::new(176, 0, 32),
        Style::Label | Style::MonoSmall => rgb::Color::new(60, 60, 60),
        _ => rgb::Color::new(20, 20, 20),
    };
    Fill {
        paint: color.into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw_watermark(surface: &mut Surface, faces: &Faces) {
    surface.start_tagged(ContentTag::Artifact(Artifact::new(
        ArtifactType::Watermark,
        None,
    )));
    surface.push_transform(&Transform::from_rotate_at(
        -35.0,
        PAGE_WIDTH / 2.0,
        PAGE_HEIGHT / 2.0,
    ));
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(250, 214, 218).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }));
    let size = 150.0;
    let width = faces.bold.width("TEST", size);
    surface.draw_text(
        Point::from_xy((PAGE_WIDTH - width) / 2.0, PAGE_HEIGHT / 2.0 + size / 3.0),
        faces.bold.font.clone(),
        size,
        "TEST",
        false,
        TextDirection::Auto,
    );
    surface.pop();
    surface.end_tagged();
}

fn draw_footer(
    surface: &mut Surface,
    faces: &Faces,
    receipt: &Receipt,
    page_index: usize,
    page_count: usize,
) {
    surface.start_tagged(ContentTag::Artifact(Artifact::new(
        ArtifactType::Footer,
        None,
    )));
    surface.set_fill(Some(fill(Style::Label)));
    let mode = if receipt.mode == Mode::Test {
        " · TEST"
    } else {
        ""
    };
    let text = displayable(
        &faces.sans,
        &format!(
            "Signing receipt {}{mode} · page {} of {page_count}",
            receipt.receipt_id,
            page_index + 1
        ),
    );
    surface.draw_text(
        Point::from_xy(MARGIN, PAGE_HEIGHT - MARGIN + 10.0),
        faces.sans.font.clone(),
        8.0,
        &text,
        false,
        TextDirection::Auto,
    );
    surface.end_tagged();
}

fn pdf_date(time: OffsetDateTime) -> DateTime {
    let (hours, minutes, _) = time.offset().as_hms();
    let mut date = DateTime::new(time.year().clamp(0, 9999) as u16)
        .month(u8::from(time.month()))
        .day(time.day())
        .hour(time.hour())
        .minute(time.minute())
        .second(time.second())
        .utc_offset_hour(hours);
    date = date.utc_offset_minute(minutes.unsigned_abs());
    date
}

/// Returns the layout version a receipt PDF declares in its keywords, if any.
pub(crate) fn declared_renderer_version(bytes: &[u8]) -> Option<String> {
    let document = lopdf::Document::load_mem(bytes).ok()?;
    let info = document.trailer.get(b"Info").ok()?;
    let info = match info.as_reference() {
        Ok(reference) => document.get_object(reference).ok()?,
        Err(_) => info,
    };
    let keywords = info.as_dict().ok()?.get(b"Keywords").ok()?.as_str().ok()?;
    let keywords = String::from_utf8_lossy(keywords);
    keywords
        .split([',', ';', ' '])
        .find_map(|word| word.trim().strip_prefix(RENDERER_KEYWORD_PREFIX))
        .map(str::to_owned)
}

/// Extracts the attached receipt JSON from PDF bytes.
pub(crate) fn extract_json(bytes: &[u8]) -> Result<Vec<u8>, String> {
    const MAX_JSON: usize = 16 * 1024 * 1024;
    // A complete PDF ends with `%%EOF` (ISO 32000-1, 7.5.5), possibly
    // followed by an end-of-line. Readers can often recover a cut file, but the
    // verdict must say that the file is not as it was written.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err("the PDF is truncated: it does not end with %%EOF".into());
    }
    let document = lopdf::Document::load_mem(bytes)
        .map_err(|e| format!("the PDF cannot be read ({e}); it may be truncated or damaged"))?;
    for object in document.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let Ok(ef) = dict.get(b"EF").and_then(|o| o.as_dict()) else {
            continue;
        };
        let name = [b"UF".as_slice(), b"F".as_slice()]
            .iter()
            .find_map(|key| dict.get(key).ok().and_then(|o| o.as_str().ok()))
            .map(|n| String::from_utf8_lossy(n).into_owned());
        if !name
            .as_deref()
            .is_some_and(|n| n.ends_with(ATTACHMENT_NAME))
        {
            continue;
        }
        let stream_ref = ef
            .get(b"F")
            .or_else(|_| ef.get(b"UF"))
            .and_then(|o| o.as_reference())
            .map_err(|e| format!("the attachment {ATTACHMENT_NAME} has no file stream: {e}"))?;
        let stream = document
            .get_object(stream_ref)
            .and_then(|o| o.as_stream())
            .map_err(|e| format!("the attachment {ATTACHMENT_NAME} cannot be read: {e}"))?;
        return stream
            .decompressed_content_with_limit(MAX_JSON)
            .or_else(|e| {
                if stream.dict.get(b"Filter").is_err() {
                    Ok(stream.content.clone())
                } else {
                    Err(e)
                }
            })
            .map_err(|e| format!("the attachment {ATTACHMENT_NAME} cannot be decompressed: {e}"));
    }
    Err(format!(
        "the PDF has no attachment named {ATTACHMENT_NAME}; it is not a Matter Signer receipt PDF"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displayable_marks_missing_glyphs() {
        let faces = faces().unwrap();
        assert_eq!(displayable(&faces.sans, "a\u{738B}b"), "a[U+738B]b");
        assert_eq!(displayable(&faces.sans, "é"), "é");
    }

    /// See [`PDF_RENDERER_VERSION`]: update the digest only after bumping it
    /// (or when only the sample receipt changed).
    #[test]
    fn layout_change_needs_version_bump() {
        use crate::testing::{signing_key, SampleReceipt};
        let receipt = SampleReceipt::new(1).build(&signing_key(7));
        let digest = crate::hash::sha256_hex(&render(&receipt).unwrap());
        assert_eq!(PDF_RENDERER_VERSION, "1");
        assert_eq!(
            digest, "402177d787f859a49e0ab685d7d6f61463666d83b8c12f1659ba32a642dd2473",
            "the PDF output changed: bump PDF_RENDERER_VERSION (unless only the sample receipt changed), then update this digest"
        );
    }

    #[test]
    fn declared_version_is_read_back() {
        use crate::testing::{signing_key, SampleReceipt};
        let receipt = SampleReceipt::new(1).build(&signing_key(7));
        let bytes = render(&receipt).unwrap();
        assert_eq!(
            declared_renderer_version(&bytes).as_deref(),
            Some(PDF_RENDERER_VERSION)
        );
    }

    #[test]
    fn wrap_fits_width() {
        let faces = faces().unwrap();
        let text = "word ".repeat(100);
        let lines = wrap(&faces.sans, 10.0, 200.0, &text, &text);
        assert!(lines.len() > 1);
        for (shown, _) in &lines {
            assert!(faces.sans.width(shown, 10.0) <= 200.0, "{shown}");
        }
    }

    #[test]
    fn wrap_breaks_long_token() {
        let faces = faces().unwrap();
        let text = "x".repeat(300);
        let lines = wrap(&faces.mono, 8.0, 100.0, &text, &text);
        let joined: String = lines.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(joined, text);
    }
}
