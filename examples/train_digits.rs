//! Train the chapter's default MLP on the embedded digits through the library, step by step:
//! load, preprocess, fit with the one training loop, and score on the test split.
//!
//! `cargo run --release --example train_digits`

use burn::backend::{Autodiff, NdArray};
use serde_json::json;
use tricks::core::Recipe;
use tricks::data::{DataSource, FittedPreprocessing};
use tricks::models::Mlp;
use tricks::train::{DeviceSplit, Silent, classification_error, fit};

type Backend = Autodiff<NdArray>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let device = Default::default();
    // Any field can be changed by its path, as `--set` does; training takes only a checked recipe.
    let recipe = Recipe::chapter_default().with("optimiser.learning_rate", json!(0.02))?.check()?;

    let splits = tricks::data::load(&DataSource::Digits)?;
    let preprocessing = FittedPreprocessing::fit(&recipe.preprocessing, &splits.train)?;
    let train = DeviceSplit::<Backend>::classification(&preprocessing.apply(&splits.train), &device);
    let valid = DeviceSplit::classification(&preprocessing.apply(&splits.valid), &device);
    let test = DeviceSplit::classification(&preprocessing.apply(&splits.test), &device);

    let spec = recipe.model.classifier().expect("the default recipe is an MLP");
    let model = Mlp::<Backend>::new(&spec, preprocessing.output_dim(), splits.description.classes, recipe.seed, &device);
    let fitted = fit(&model, &recipe, &train, &valid, &mut Silent)?;
    println!(
        "{} epochs, validation error {:.2} %, test accuracy {:.2} %",
        fitted.epochs,
        fitted.valid_error,
        100.0 - classification_error(&fitted.model, &test)
    );
    Ok(())
}
