//! From chart data to pictures: the colour palette shared by every chart (screen and, later,
//! files). Nothing here knows about the data loading.

pub mod palette;
