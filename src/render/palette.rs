//! A colour-blind-safe palette (Okabe & Ito, extended with Paul Tol's muted scheme) and a
//! stable assignment of colours to categories, so a programme has the same colour in every chart.

use std::collections::HashMap;

use crate::query::Key;

/// RGB colours, safe for the common forms of colour blindness.
pub const PALETTE: [[u8; 3]; 14] = [
    [0, 114, 178],   // blue
    [230, 159, 0],   // orange
    [0, 158, 115],   // bluish green
    [204, 121, 167], // reddish purple
    [86, 180, 233],  // sky blue
    [213, 94, 0],    // vermillion
    [240, 228, 66],  // yellow
    [51, 34, 136],   // indigo
    [136, 204, 238], // cyan
    [68, 170, 153],  // teal
    [17, 119, 51],   // green
    [153, 153, 51],  // olive
    [136, 34, 85],   // wine
    [170, 68, 153],  // purple
];

/// Grey for the buckets: the top-N remainder, missing values, undated projects.
pub const NEUTRAL: [u8; 3] = [150, 150, 150];

/// How bars are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colouring {
    /// One colour per category, from the shared colour map (programmes).
    ByCategory,
    /// One colour (this palette index) for the whole single-series chart.
    Single(usize),
    /// This colour for the whole single-series chart (a panel of small multiples).
    Fixed([u8; 3]),
}

/// How a chart of `dimension` is coloured when nothing else says: programmes by their own
/// colours, everything else in the first palette colour.
pub fn colouring_for(dimension: &crate::query::chart::Dimension) -> Colouring {
    use crate::data::schema::Field;
    use crate::query::chart::Dimension;
    match dimension {
        Dimension::Field(Field::Programme) => Colouring::ByCategory,
        _ => Colouring::Single(0),
    }
}

/// The colour of a bar — series `si` of category `ci` — on screen and in files alike: a split
/// chart colours by series, otherwise by `colouring`; buckets are grey.
pub fn bar_color(
    colors: &ColorMap,
    colouring: Colouring,
    data: &crate::query::chart::ChartData,
    si: usize,
    ci: usize,
) -> [u8; 3] {
    if data.series.len() > 1 {
        return series_color(colors, data, si);
    }
    let category = &data.categories[ci];
    match colouring {
        _ if category.is_bucket() => NEUTRAL,
        Colouring::ByCategory => colors.color(category, ci),
        Colouring::Single(k) => PALETTE[k % PALETTE.len()],
        Colouring::Fixed(rgb) => rgb,
    }
}

/// The colour of series `si` (its legend swatch).
pub fn series_color(
    colors: &ColorMap,
    data: &crate::query::chart::ChartData,
    si: usize,
) -> [u8; 3] {
    match &data.series[si].key {
        Some(k) => colors.color(k, si),
        None => PALETTE[si % PALETTE.len()],
    }
}

/// Categories → colour indices, assigned once (in the order given) and then kept.
#[derive(Debug, Clone, Default)]
pub struct ColorMap {
    assigned: HashMap<String, usize>,
}

impl ColorMap {
    /// A map with colours assigned to `categories` in order.
    pub fn with<'a>(categories: impl IntoIterator<Item = &'a str>) -> Self {
        let mut map = ColorMap::default();
        map.assign(categories);
        map
    }

    /// Assigns colours to categories that have none yet, in order.
    pub fn assign<'a>(&mut self, categories: impl IntoIterator<Item = &'a str>) {
        for c in categories {
            let next = self.assigned.len() % PALETTE.len();
            self.assigned.entry(c.to_string()).or_insert(next);
        }
    }

    /// The colour of a category: its assigned one, grey for a bucket, otherwise a colour
    /// derived from its position.
    pub fn color(&self, category: &Key, position: usize) -> [u8; 3] {
        let Key::Value(name) = category else {
            return NEUTRAL;
        };
        match self.assigned.get(name) {
            Some(i) => PALETTE[*i],
            None => PALETTE[position % PALETTE.len()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stable_and_others_are_grey() {
        let mut map = ColorMap::default();
        map.assign(["WeCaRe", "Cariplo"]);
        map.assign(["Cariplo", "PNRR"]);
        assert_eq!(map.color(&Key::value("WeCaRe"), 5), PALETTE[0]);
        assert_eq!(map.color(&Key::value("Cariplo"), 0), PALETTE[1]);
        assert_eq!(map.color(&Key::value("PNRR"), 0), PALETTE[2]);
        assert_eq!(map.color(&Key::Other, 0), NEUTRAL);
        assert_eq!(map.color(&Key::Missing, 0), NEUTRAL);
        // A real category called "Altri" gets a colour like any other.
        assert_eq!(map.color(&Key::value("Altri"), 3), PALETTE[3]);
    }
}
