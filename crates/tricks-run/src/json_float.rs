//! Floats in JSON that may be NaN or infinite (JSON has no such numbers): written as the strings `NaN`,
//! `inf` and `-inf`, read back from those, from numbers, and from `null` (NaN). For
//! `#[serde(with = "tricks_run::json_float")]`.

use serde::{Deserialize, Deserializer, Serializer};

/// Serialise `v`, non-finite values as strings.
pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    match *v {
        v if v.is_finite() => s.serialize_f64(v),
        v if v.is_nan() => s.serialize_str("NaN"),
        v if v > 0.0 => s.serialize_str("inf"),
        _ => s.serialize_str("-inf"),
    }
}

/// Deserialise what [`serialize`] writes.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Float {
        Number(f64),
        Word(String),
        Null(()),
    }
    match Float::deserialize(d)? {
        Float::Number(v) => Ok(v),
        Float::Null(()) => Ok(f64::NAN),
        Float::Word(w) => match w.as_str() {
            "NaN" => Ok(f64::NAN),
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            other => Err(serde::de::Error::custom(format!("not a number: {other:?}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    struct T {
        #[serde(with = "super")]
        v: f64,
    }

    #[test]
    fn non_finite_floats_round_trip() {
        for v in [1.5, f64::INFINITY, f64::NEG_INFINITY] {
            let back: T = serde_json::from_str(&serde_json::to_string(&T { v }).unwrap()).unwrap();
            assert_eq!(back.v, v);
        }
        let back: T = serde_json::from_str(&serde_json::to_string(&T { v: f64::NAN }).unwrap()).unwrap();
        assert!(back.v.is_nan());
        assert!(serde_json::from_str::<T>(r#"{"v": null}"#).unwrap().v.is_nan());
    }
}
