//! Files loaded for an export verb, with what every export needs: filters, colours,
//! provenance and the language.

use std::path::{Path, PathBuf};

use super::args::{FilterArgs, LangArg, LoadArgs, PictureArgs};
use crate::data::{Dataset, load_paths};
use crate::i18n::Lang;
use crate::query::dashboard::programmes_by_amount;
use crate::query::filters::Filters;
use crate::render::decor::Provenance;
use crate::render::palette::ColorMap;

/// Files loaded for an export, with the filters, colours and provenance every verb needs.
pub struct Loaded {
    pub dataset: Dataset,
    pub filters: Filters,
    pub colors: ColorMap,
    pub provenance: Provenance,
    pub lang: Lang,
    files: Vec<PathBuf>,
}

impl Loaded {
    pub fn open(
        files: &[PathBuf],
        load: &LoadArgs,
        filters: &FilterArgs,
        lang: LangArg,
    ) -> Result<Loaded, String> {
        let options = load.options()?;
        let lang = Lang::from(lang);
        let dataset = load_paths(files, &options).map_err(|e| lang.load_error(&e))?;
        let filters = filters.filters(&dataset.table)?;
        let colors = ColorMap::with(
            programmes_by_amount(&dataset.table)
                .iter()
                .map(String::as_str),
        );
        Ok(Loaded {
            provenance: Provenance::of(&dataset, &filters, lang),
            dataset,
            filters,
            colors,
            lang,
            files: files.to_vec(),
        })
    }

    /// Writes a drawing as the picture `args` ask for, and names the file on `out`.
    pub fn write_picture(
        &self,
        svg: &str,
        args: &PictureArgs,
        title: &str,
        out: &mut dyn std::io::Write,
    ) -> Result<(), String> {
        crate::export::picture::write_picture(svg, &args.out, args.scale, title, self.lang.code())
            .map_err(|e| e.to_string())?;
        writeln!(out, "{}", args.out.display()).map_err(|e| e.to_string())
    }

    /// Refuses an output path that is one of the loaded files.
    pub fn refuse_overwrite(&self, out: &Path) -> Result<(), String> {
        crate::export::refuse_sources(out, &self.files).map_err(|e| e.to_string())
    }
}
