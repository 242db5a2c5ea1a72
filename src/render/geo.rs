//! The territory map's geometry, shared by the window and exported maps: the projection, the
//! view that frames the bubbles, bubble sizes and where names go. No egui in here.

use crate::query::territory::TerritoryPoint;

/// Cosine of Italy's mean latitude: one degree of longitude is this much of one of latitude.
pub const LON_SCALE: f64 = 0.74;

/// Map coordinates of a point: x grows east, y grows north.
pub fn project(lat: f64, lon: f64) -> (f64, f64) {
    (lon * LON_SCALE, lat)
}

pub use crate::query::territory::Level as MapLevel;

/// The radius of the largest bubble on a map about 600 units tall.
pub fn largest_radius(level: MapLevel) -> f32 {
    match level {
        MapLevel::Provinces => 26.0,
        MapLevel::Municipalities => 18.0,
    }
}

/// How much smaller every bubble is drawn when there are many of them: one for up to 400 bubbles,
/// down to 0.3 for thousands of municipalities, so that a national map shows its territories
/// instead of one blue mass. The same on screen and in exported maps.
pub fn density(bubbles: usize) -> f32 {
    (400.0 / bubbles.max(1) as f32).sqrt().clamp(0.3, 1.0)
}

/// How far (in degrees) a pointer may be from a bubble's centre to hit it.
pub fn reach(level: MapLevel) -> f64 {
    match level {
        MapLevel::Provinces => 0.4,
        MapLevel::Municipalities => 0.2,
    }
}

/// A bubble's radius: area proportional to the amount (a negative or zero amount gets the
/// smallest bubble, never a NaN).
pub fn bubble_radius(amount: f64, max_amount: f64, largest: f32) -> f32 {
    let share = if max_amount > 0.0 && amount > 0.0 {
        (amount / max_amount).min(1.0)
    } else {
        0.0
    };
    3.0 + largest * share.sqrt() as f32
}

/// The largest amount among the bubbles (at least 1, so ratios stay finite).
pub fn max_amount(points: &[TerritoryPoint]) -> f64 {
    points
        .iter()
        .map(|p| p.amount)
        .filter(|a| a.is_finite())
        .fold(0.0, f64::max)
        .max(1.0)
}

/// The view that frames the bubbles (`[x_min, x_max, y_min, y_max]` in map coordinates): at
/// least two degrees each way, with a margin, or all of Italy when there are none.
pub fn view_bounds(points: &[TerritoryPoint]) -> [f64; 4] {
    if points.is_empty() {
        return [6.5 * LON_SCALE, 18.6 * LON_SCALE, 36.5, 47.1];
    }
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for p in points {
        let (x, y) = project(p.lat, p.lon);
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let span = |lo: f64, hi: f64| {
        let centre = (lo + hi) / 2.0;
        let half = ((hi - lo) / 2.0).max(1.2) * 1.25;
        (centre - half, centre + half)
    };
    let (x0, x1) = span(x0, x1);
    let (y0, y1) = span(y0, y1);
    [x0, x1, y0, y1]
}

/// The bubble nearest to map point (x, y), within `reach` of its centre.
pub fn nearest(points: &[TerritoryPoint], x: f64, y: f64, reach: f64) -> Option<&TerritoryPoint> {
    let distance = |p: &TerritoryPoint| {
        let (px, py) = project(p.lat, p.lon);
        ((px - x).powi(2) + (py - y).powi(2)).sqrt()
    };
    points
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .filter(|p| distance(p) < reach)
}

/// A rectangle on a screen or page, y growing downwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Box2 {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Box2 {
    fn contains(&self, other: &Box2) -> bool {
        other.x0 >= self.x0 && other.x1 <= self.x1 && other.y0 >= self.y0 && other.y1 <= self.y1
    }

    fn intersects(&self, other: &Box2) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }
}

/// A bubble as drawn, for placing its name: centre and radius on the screen, name width and
/// height.
#[derive(Debug, Clone, Copy)]
pub struct Drawn {
    pub x: f32,
    pub y: f32,
    pub radius: f32,
    pub label_w: f32,
    pub label_h: f32,
}

/// Where the names of the first `max` bubbles go (largest first): right of the bubble, else
/// left, skipping any that would overlap a name already placed or leave `frame`. Returns the
/// bubble index and the label's box.
pub fn place_labels(bubbles: &[Drawn], frame: Box2, max: usize) -> Vec<(usize, Box2)> {
    let mut taken: Vec<(usize, Box2)> = Vec::new();
    for (i, b) in bubbles.iter().enumerate().take(max) {
        let gap = 3.0;
        let top = b.y - b.label_h / 2.0;
        let right = Box2 {
            x0: b.x + b.radius + gap,
            y0: top,
            x1: b.x + b.radius + gap + b.label_w,
            y1: top + b.label_h,
        };
        let left = Box2 {
            x0: b.x - b.radius - gap - b.label_w,
            y0: top,
            x1: b.x - b.radius - gap,
            y1: top + b.label_h,
        };
        if let Some(spot) = [right, left]
            .into_iter()
            .find(|r| frame.contains(r) && !taken.iter().any(|(_, t)| t.intersects(r)))
        {
            taken.push((i, spot));
        }
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radii_are_finite_for_any_amount() {
        assert_eq!(bubble_radius(100.0, 100.0, 26.0), 29.0);
        assert_eq!(bubble_radius(25.0, 100.0, 26.0), 16.0);
        assert_eq!(bubble_radius(-5.0, 100.0, 26.0), 3.0);
        assert_eq!(bubble_radius(0.0, 0.0, 26.0), 3.0);
        assert!(bubble_radius(f64::NAN, 100.0, 26.0).is_finite());
        // Many bubbles are drawn smaller; a regional map keeps its sizes.
        assert_eq!(density(107), 1.0);
        assert_eq!(density(1_600), 0.5);
        assert_eq!(density(7_900), 0.3);
    }

    #[test]
    fn labels_do_not_overlap_and_stay_inside() {
        let frame = Box2 {
            x0: 0.0,
            y0: 0.0,
            x1: 200.0,
            y1: 100.0,
        };
        let bubble = |x, y| Drawn {
            x,
            y,
            radius: 5.0,
            label_w: 60.0,
            label_h: 12.0,
        };
        // The second bubble's name would overlap the first's on the right, so it goes left;
        // the third has room on neither side.
        let placed = place_labels(
            &[bubble(100.0, 50.0), bubble(96.0, 52.0), bubble(190.0, 50.0)],
            frame,
            10,
        );
        assert_eq!(placed.len(), 2);
        assert!(placed[1].1.x1 < 100.0);
    }
}
