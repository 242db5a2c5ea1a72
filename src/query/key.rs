//! Typed category keys. A chart's category, a series or a filter value is either a value of the
//! data or one of three buckets the data cannot name itself: the top-N remainder ("other"),
//! projects without a value ("missing") and projects without dates ("undated"). They are kept
//! apart from real values — a file may well hold a category called "Altri" — and become words
//! ("Altri", "(non indicato)", "senza date") only where they are displayed or written
//! ([`crate::i18n::Lang::key`]).

use serde::{Deserialize, Serialize};

/// A category, series or filter value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "KeyRepr", into = "KeyRepr")]
pub enum Key {
    /// A value as it appears in the data.
    Value(String),
    /// Projects without a value.
    Missing,
    /// Projects without usable dates (the year dimension's missing value).
    Undated,
    /// The categories beyond the top N, together.
    Other,
}

impl Key {
    pub fn value(text: impl Into<String>) -> Key {
        Key::Value(text.into())
    }

    /// The value, when the key is one.
    pub fn as_value(&self) -> Option<&str> {
        match self {
            Key::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the key is a bucket rather than a value of the data (drawn in grey).
    pub fn is_bucket(&self) -> bool {
        !matches!(self, Key::Value(_))
    }

    /// The stable machine name of the key's kind (JSON output): `value`, `missing`, `undated`,
    /// `other`.
    pub fn kind(&self) -> &'static str {
        match self {
            Key::Value(_) => "value",
            Key::Missing => "missing",
            Key::Undated => "undated",
            Key::Other => "other",
        }
    }
}

/// How keys are written in JSON (settings, saved views): a value as its text, a bucket as
/// `{"bucket": "missing"}`, so the two can never be confused.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum KeyRepr {
    Value(String),
    Bucket { bucket: Bucket },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Bucket {
    Missing,
    Undated,
    Other,
}

impl From<KeyRepr> for Key {
    fn from(r: KeyRepr) -> Key {
        match r {
            KeyRepr::Value(v) => Key::Value(v),
            KeyRepr::Bucket { bucket } => match bucket {
                Bucket::Missing => Key::Missing,
                Bucket::Undated => Key::Undated,
                Bucket::Other => Key::Other,
            },
        }
    }
}

impl From<Key> for KeyRepr {
    fn from(k: Key) -> KeyRepr {
        match k {
            Key::Value(v) => KeyRepr::Value(v),
            Key::Missing => KeyRepr::Bucket {
                bucket: Bucket::Missing,
            },
            Key::Undated => KeyRepr::Bucket {
                bucket: Bucket::Undated,
            },
            Key::Other => KeyRepr::Bucket {
                bucket: Bucket::Other,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_buckets_round_trip_through_json_without_colliding() {
        let keys = vec![
            Key::value("Altri"),
            Key::Other,
            Key::Missing,
            Key::value("(non indicato)"),
            Key::Undated,
        ];
        let json = serde_json::to_string(&keys).unwrap();
        assert_eq!(
            json,
            r#"["Altri",{"bucket":"other"},{"bucket":"missing"},"(non indicato)",{"bucket":"undated"}]"#
        );
        let back: Vec<Key> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, keys);
        assert_ne!(Key::value("Altri"), Key::Other);
    }
}
