//! Pictures to files: an SVG drawing written as SVG, PNG (at a scale) or PDF, chosen by the
//! file's extension, atomically.

use std::path::Path;

use super::{ExportError, write_atomic};
use crate::render::output::{self, PageSize};

/// The picture formats, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureFormat {
    Svg,
    Png,
    Pdf,
}

impl PictureFormat {
    /// The format a path's extension names.
    pub fn of(path: &Path) -> Result<PictureFormat, ExportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "svg" => Ok(PictureFormat::Svg),
            "png" => Ok(PictureFormat::Png),
            "pdf" => Ok(PictureFormat::Pdf),
            other => Err(ExportError::new(
                path,
                format!("cannot draw a '.{other}' file: choose .svg, .png or .pdf"),
            )),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            PictureFormat::Svg => "svg",
            PictureFormat::Png => "png",
            PictureFormat::Pdf => "pdf",
        }
    }
}

/// The bytes of `svg` in `format`: PNG at `scale` pixels per unit; PDF one page, titled.
pub fn picture_bytes(
    svg: &str,
    format: PictureFormat,
    scale: f32,
    title: &str,
    lang: &str,
) -> Result<Vec<u8>, output::RenderError> {
    match format {
        PictureFormat::Svg => {
            // Checked like the other formats: what is written must parse.
            output::parse(svg)?;
            Ok(svg.as_bytes().to_vec())
        }
        PictureFormat::Png => output::png(svg, scale),
        PictureFormat::Pdf => output::pdf(&[svg.to_string()], PageSize::Fit, title, lang),
    }
}

/// Writes `svg` to `path` in the format its extension names.
pub fn write_picture(
    svg: &str,
    path: &Path,
    scale: f32,
    title: &str,
    lang: &str,
) -> Result<(), ExportError> {
    let format = PictureFormat::of(path)?;
    let bytes =
        picture_bytes(svg, format, scale, title, lang).map_err(|e| ExportError::new(path, e))?;
    write_atomic(path, &bytes)
}
