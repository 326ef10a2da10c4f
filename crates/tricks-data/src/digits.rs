//! The embedded default data: the UCI "Optical Recognition of Handwritten Digits" (8×8 images,
//! 1,797 examples, 10 classes), committed as `data/digits.csv.gz` so the main command needs no download.

use std::path::Path;

use crate::split;
use crate::{DataDescription, DataError, Dataset, Header, LabelColumn, Splits};

/// The file as scikit-learn ships it: 64 integer pixels 0..16 then the label 0..9 per line, no header.
const DIGITS_CSV_GZ: &[u8] = include_bytes!("../data/digits.csv.gz");

/// How the embedded file is named in errors and descriptions.
const ORIGIN: &str = "embedded UCI digits";

/// Largest pixel value of the digits (4×4 blocks of a 32×32 bitmap, counted).
const MAX_PIXEL: f32 = 16.0;

/// Credit owed to the digits' authors.
pub const DIGITS_ATTRIBUTION: &str = "UCI Optical Recognition of Handwritten Digits: E. Alpaydin, C. Kaynak (1998), \
     CC BY 4.0, as shipped by scikit-learn (digits.csv.gz)";

/// All 1,797 digits, unsplit, in file order, pixels scaled to [0, 1] by /16, `image_shape` 8×8.
pub fn embedded_digits() -> Result<Dataset, DataError> {
    let mut data = crate::csv::parse(Path::new(ORIGIN), DIGITS_CSV_GZ.to_vec(), &LabelColumn::Last, &Header::Absent)?;
    for x in &mut data.features {
        *x /= MAX_PIXEL;
    }
    data.image_shape = Some((8, 8));
    Ok(data)
}

/// The digits, shuffled with [`DATA_SEED`](crate::DATA_SEED) and split by
/// [`split_sizes`](crate::split_sizes): 1,199 / 239 / 359.
pub(crate) fn load() -> Result<Splits, DataError> {
    let data = embedded_digits()?;
    let (train, valid, test) = split::shuffled(&data);
    let description = DataDescription {
        source: ORIGIN.into(),
        kind: "digits".into(),
        train: train.len(),
        valid: valid.len(),
        test: test.len(),
        dim: data.dim,
        classes: data.classes,
        split_rule: split::shuffled_rule(),
        attribution: Some(DIGITS_ATTRIBUTION.into()),
    };
    Ok(Splits { train, valid, test, description })
}
