//! A small SVG writer: the few shapes exported charts, maps and report pages are made of, text
//! in the shipped font, everything escaped. It knows nothing of charts.

use std::fmt::Write;

use super::fonts::FAMILY;

/// An RGB colour.
pub type Rgb = [u8; 3];

pub const BLACK: Rgb = [33, 33, 33];
pub const GREY: Rgb = [96, 96, 96];
pub const LIGHT: Rgb = [222, 222, 222];
pub const WHITE: Rgb = [255, 255, 255];

/// `#rrggbb`.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Text made safe for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// How a line of text is aligned on its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// How a line of text looks.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub size: f32,
    pub bold: bool,
    pub color: Rgb,
    pub anchor: Anchor,
    /// A halo of this colour behind the letters, so text reads over shapes.
    pub halo: Option<Rgb>,
    /// Rotation in degrees around the text's anchor point.
    pub rotate: f32,
}

impl TextStyle {
    pub fn new(size: f32) -> Self {
        TextStyle {
            size,
            bold: false,
            color: BLACK,
            anchor: Anchor::Start,
            halo: None,
            rotate: 0.0,
        }
    }

    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }

    pub fn color(mut self, color: Rgb) -> Self {
        self.color = color;
        self
    }

    pub fn anchor(mut self, anchor: Anchor) -> Self {
        self.anchor = anchor;
        self
    }

    pub fn halo(mut self, color: Rgb) -> Self {
        self.halo = Some(color);
        self
    }

    pub fn rotate(mut self, degrees: f32) -> Self {
        self.rotate = degrees;
        self
    }
}

/// Rounds coordinates to two decimals: smaller files, no visible difference.
fn n(v: f32) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// An SVG document being written.
pub struct Svg {
    width: f32,
    height: f32,
    body: String,
    defs: String,
}

impl Svg {
    /// A document of `width` × `height` user units with a white background.
    pub fn new(width: f32, height: f32) -> Self {
        let mut svg = Svg {
            width,
            height,
            body: String::new(),
            defs: String::new(),
        };
        svg.rect(0.0, 0.0, width, height, WHITE, "");
        svg
    }

    pub fn width(&self) -> f32 {
        self.width
    }

    pub fn height(&self) -> f32 {
        self.height
    }

    /// A filled rectangle; `extra` holds further attributes (e.g. `class="bar"`).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb, extra: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" {extra}/>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            hex(fill)
        );
    }

    /// A rectangle outline.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, stroke: Rgb, width: f32) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" stroke-width="{}"/>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            hex(stroke),
            n(width)
        );
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, stroke: Rgb, width: f32) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            hex(stroke),
            n(width)
        );
    }

    /// A circle filled with `fill` at `opacity`, outlined with `stroke`.
    #[allow(clippy::too_many_arguments)]
    pub fn circle(
        &mut self,
        cx: f32,
        cy: f32,
        r: f32,
        fill: Rgb,
        opacity: f32,
        stroke: Rgb,
        extra: &str,
    ) {
        let _ = writeln!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="{}" stroke="{}" stroke-width="1" {extra}/>"#,
            n(cx),
            n(cy),
            n(r.max(0.0)),
            hex(fill),
            n(opacity),
            hex(stroke)
        );
    }

    /// An outline through `points`, closed or not, clipped to the clip path `clip` if given.
    pub fn polyline(
        &mut self,
        points: impl IntoIterator<Item = (f32, f32)>,
        close: bool,
        stroke: Rgb,
        width: f32,
        clip: Option<&str>,
    ) {
        let mut d = String::new();
        for (i, (x, y)) in points.into_iter().enumerate() {
            let _ = write!(d, "{}{} {} ", if i == 0 { "M" } else { "L" }, n(x), n(y));
        }
        if d.is_empty() {
            return;
        }
        if close {
            d.push('Z');
        }
        let clip = clip
            .map(|c| format!(r#" clip-path="url(#{c})""#))
            .unwrap_or_default();
        let _ = writeln!(
            self.body,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round"{clip}/>"#,
            d.trim_end(),
            hex(stroke),
            n(width)
        );
    }

    /// Defines a rectangular clip path named `id`.
    pub fn clip_rect(&mut self, id: &str, x: f32, y: f32, w: f32, h: f32) {
        let _ = writeln!(
            self.defs,
            r#"<clipPath id="{}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
            escape(id),
            n(x),
            n(y),
            n(w),
            n(h)
        );
    }

    /// One line of text with its baseline at `y`.
    pub fn text(&mut self, x: f32, y: f32, text: &str, style: TextStyle) {
        let anchor = match style.anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let weight = if style.bold { "bold" } else { "normal" };
        let rotate = if style.rotate != 0.0 {
            format!(
                r#" transform="rotate({} {} {})""#,
                n(style.rotate),
                n(x),
                n(y)
            )
        } else {
            String::new()
        };
        let halo = style
            .halo
            .map(|h| {
                format!(
                    r#" stroke="{}" stroke-width="{}" stroke-linejoin="round" paint-order="stroke""#,
                    hex(h),
                    n(style.size * 0.22)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            self.body,
            r#"<text x="{}" y="{}" font-family="{FAMILY}" font-size="{}" font-weight="{weight}" fill="{}" text-anchor="{anchor}"{rotate}{halo}>{}</text>"#,
            n(x),
            n(y),
            n(style.size),
            hex(style.color),
            escape(text)
        );
    }

    /// The finished document.
    pub fn finish(self) -> String {
        let mut out = String::with_capacity(self.body.len() + self.defs.len() + 256);
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
            w = n(self.width),
            h = n(self.height)
        );
        if !self.defs.is_empty() {
            let _ = writeln!(out, "<defs>\n{}</defs>", self.defs);
        }
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_written_in_the_shipped_font() {
        let mut svg = Svg::new(100.0, 50.0);
        svg.text(
            10.0,
            20.0,
            "Città & <Enti> \"sociali\"",
            TextStyle::new(12.0),
        );
        let out = svg.finish();
        assert!(out.contains("Città &amp; &lt;Enti&gt; &quot;sociali&quot;"));
        assert!(out.contains(r#"font-family="Noto Sans""#));
        assert!(
            resvg::usvg::roxmltree::Document::parse(&out).is_ok(),
            "well-formed XML"
        );
    }

    #[test]
    fn coordinates_are_rounded() {
        assert_eq!(n(1.0), "1");
        assert_eq!(n(1.23456), "1.23");
        assert_eq!(n(-0.5), "-0.5");
    }
}
