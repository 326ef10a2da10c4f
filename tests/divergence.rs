//! A diverging run restarts from its initial state with ε0/3 (p.5), says so, and gives up with a clear
//! error after the recipe's number of retries.

use burn::backend::{Autodiff, NdArray};
use tricks::core::{Model, OutputLoss, Recipe, Stopping};
use tricks::data::{DataSource, FittedPreprocessing};
use tricks::models::Mlp;
use tricks::train::{DeviceSplit, Fitted, Progress, TrainError, fit};

type B = Autodiff<NdArray>;

#[derive(Default)]
struct Messages(Vec<String>);

impl Progress for Messages {
    fn message(&mut self, text: &str) {
        self.0.push(text.to_string());
    }
}

fn diverging_recipe() -> Recipe {
    let mut recipe = Recipe::chapter_default();
    let Model::Mlp(spec) = &mut recipe.model else { unreachable!() };
    spec.hidden = vec![32];
    spec.output = OutputLoss::LinearSquaredError;
    recipe.optimiser.learning_rate = 9.0;
    recipe.stopping = Stopping::off(2);
    recipe
}

fn run(recipe: &Recipe, messages: &mut Messages) -> Result<Fitted<Mlp<NdArray>>, TrainError> {
    let device = Default::default();
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let prep = FittedPreprocessing::fit(&recipe.preprocessing, &splits.train).unwrap();
    let train = DeviceSplit::<B>::classification(&prep.apply(&splits.train), &device);
    let valid = DeviceSplit::classification(&prep.apply(&splits.valid), &device);
    let spec = recipe.model.classifier().unwrap();
    let model = Mlp::<B>::new(&spec, 64, 10, recipe.seed, &device);
    fit(&model, &recipe.check().unwrap(), &train, &valid, messages)
}

#[test]
fn divergence_restarts_with_a_third_of_the_learning_rate_and_says_so() {
    let mut messages = Messages::default();
    let recipe = diverging_recipe();
    let fitted = run(&recipe, &mut messages).unwrap();
    assert!(fitted.restarts >= 1);
    assert_eq!(fitted.learning_rate, recipe.optimiser.learning_rate / 3f64.powi(fitted.restarts as i32));
    assert!(fitted.curve.iter().all(|p| p.train_loss.is_finite()));
    // The restart starts again from the initial model: it is the run that started at ε0/3^r, exactly.
    let mut direct = recipe.clone();
    direct.optimiser.learning_rate = fitted.learning_rate;
    let direct = run(&direct, &mut Messages::default()).unwrap();
    assert_eq!(direct.restarts, 0);
    assert_eq!(fitted.curve, direct.curve, "the restarted attempt is a fresh run at the smaller rate");
    assert_eq!(fitted.valid_error, direct.valid_error);
    // And it learns: chance is 90 % error; measured 12.1 % after 4 restarts (ε0 = 9/81, 2 epochs).
    assert!(fitted.valid_error < 20.0, "the restarted run learns: {}", fitted.valid_error);
    assert!(!messages.0.is_empty());
    assert!(messages.0[0].contains("diverged") && messages.0[0].contains("ε0/3"), "{:?}", messages.0);
}

#[test]
fn divergence_on_every_attempt_is_a_clear_error() {
    let mut recipe = diverging_recipe();
    recipe.divergence.max_retries = 0;
    let err = run(&recipe, &mut Messages::default()).unwrap_err();
    assert!(matches!(err, TrainError::Diverged { tries: 1, .. }), "{err}");
    assert!(err.to_string().contains("learning_rate"));
}
