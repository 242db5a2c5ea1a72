//! SVG → the files people use: PNG (rasterised by resvg at a chosen scale) and PDF (the same SVG
//! through krilla, text kept as text with the shipped font embedded). One SVG, every format.

use krilla::Document;
use krilla::geom::Size;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::tiny_skia;
use resvg::usvg;

use super::fonts;

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the drawing is not valid SVG: {0}")]
    Svg(#[from] usvg::Error),
    #[error("a {0} × {1} pixel image is too large (at most 20.000 pixels a side)")]
    TooLarge(u32, u32),
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    #[error("cannot encode the PNG: {0}")]
    Png(String),
}

/// The largest side of a PNG, in pixels.
pub const MAX_PIXELS: u32 = 20_000;

/// Parses SVG text with the shipped font.
pub fn parse(svg: &str) -> Result<usvg::Tree, RenderError> {
    let options = usvg::Options {
        font_family: fonts::FAMILY.to_string(),
        fontdb: fonts::database(),
        ..usvg::Options::default()
    };
    Ok(usvg::Tree::from_str(svg, &options)?)
}

/// PNG bytes of an SVG drawn at `scale` pixels per SVG unit, on white.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    let tree = parse(svg)?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).round() as u32,
        (size.height() * scale).round() as u32,
    );
    if w == 0 || h == 0 || w > MAX_PIXELS || h > MAX_PIXELS {
        return Err(RenderError::TooLarge(w, h));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(RenderError::TooLarge(w, h))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height()),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}

/// PDF page sizes, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PageSize {
    /// The SVG's own size, one CSS pixel = 0.75 pt.
    Fit,
    /// A4 portrait.
    A4,
}

/// A4 in points.
pub const A4: (f32, f32) = (595.276, 841.89);

/// PDF bytes: one page per SVG, each scaled to fit its page, with document metadata.
pub fn pdf(
    pages: &[String],
    size: PageSize,
    title: &str,
    lang: &str,
) -> Result<Vec<u8>, RenderError> {
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .creator(format!("Cruscotto {}", env!("CARGO_PKG_VERSION")))
            .producer("Cruscotto (krilla)".to_string())
            .language(lang.to_string()),
    );
    for svg in pages {
        let tree = parse(svg)?;
        let (tw, th) = (tree.size().width(), tree.size().height());
        let (pw, ph) = match size {
            PageSize::Fit => (tw * 0.75, th * 0.75),
            PageSize::A4 => A4,
        };
        let page_size =
            Size::from_wh(pw, ph).ok_or_else(|| RenderError::Pdf("empty page".into()))?;
        let mut page = doc.start_page_with(PageSettings::new(page_size));
        let mut surface = page.surface();
        let fit = (pw / tw).min(ph / th);
        let drawn = Size::from_wh(tw * fit, th * fit)
            .ok_or_else(|| RenderError::Pdf("empty drawing".into()))?;
        surface
            .draw_svg(&tree, drawn, SvgSettings::default())
            .ok_or_else(|| RenderError::Pdf("the drawing cannot be placed on the page".into()))?;
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

/// Every line of text in a parsed SVG (tests and checks read exported files with it).
pub fn texts(tree: &usvg::Tree) -> Vec<String> {
    fn walk(group: &usvg::Group, out: &mut Vec<String>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => walk(g, out),
                usvg::Node::Text(t) => out.push(t.chunks().iter().map(|c| c.text()).collect()),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::{Svg, TextStyle};

    fn picture() -> String {
        let mut svg = Svg::new(160.0, 90.0);
        svg.rect(10.0, 10.0, 50.0, 50.0, [0, 114, 178], "");
        svg.text(10.0, 80.0, "Città – € 1.234,56", TextStyle::new(12.0));
        svg.finish()
    }

    #[test]
    fn png_has_the_scaled_size_and_the_colours_drawn() {
        let bytes = png(&picture(), 2.0).unwrap();
        let img = image::load_from_memory(&bytes).unwrap().to_rgba8();
        assert_eq!(img.dimensions(), (320, 180));
        assert_eq!(img.get_pixel(60, 60).0, [0, 114, 178, 255]);
        assert_eq!(img.get_pixel(300, 20).0, [255, 255, 255, 255]);
        assert!(matches!(
            png(&picture(), 1000.0),
            Err(RenderError::TooLarge(_, _))
        ));
    }

    #[test]
    fn pdf_has_one_page_per_drawing_and_keeps_the_text() {
        let bytes = pdf(&[picture(), picture()], PageSize::A4, "Prova", "it").unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
        // lopdf writes each positioned glyph on its own line.
        let text = doc.extract_text(&[1]).unwrap().replace('\n', "");
        assert!(text.contains("Città – € 1.234,56"), "{text}");
    }

    #[test]
    fn parsed_text_is_found_again() {
        let tree = parse(&picture()).unwrap();
        assert_eq!(texts(&tree), vec!["Città – € 1.234,56"]);
    }
}
