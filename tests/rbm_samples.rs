//! A user's first look at an RBM: the `rbm` preset on the embedded digits trains long enough that the Gibbs
//! chains of `samples.png` show digits of several classes. Its 15 epochs at B 20 are DLT's 37,500 updates
//! on MNIST but 900 on the 1,199 digits; the preset's minimum number of updates
//! ([`tricks::core::defaults::UNSUPERVISED_MIN_UPDATES`]) lengthens it to 5,040.
//!
//! Each chain's last sample is labelled by the nearest class mean of the training digits (a classifier that
//! needs no training; the test asserts it labels the test digits themselves at least 80 % right). Measured on
//! 20 chains: 8 classes after the preset's 5,040 updates, 5 (mostly 3s and 2s) after 900.

use burn::backend::{Autodiff, NdArray};
use burn::tensor::Tensor;
use tricks::core::{Model, Recipe, Stopping, defaults};
use tricks::data::{DataSource, Dataset};
use tricks::models::Rbm;
use tricks::train::{DeviceSplit, Silent, fit, rbm_samples};

type I = NdArray<f32>;
type B = Autodiff<I>;

/// Chains started at the first test digits, as in `samples.png`.
const CHAINS: usize = 20;

fn class_means(d: &Dataset) -> Vec<Vec<f64>> {
    let mut sums = vec![vec![0.0; d.dim]; d.classes];
    let mut counts = vec![0.0; d.classes];
    for i in 0..d.len() {
        let c = d.labels[i] as usize;
        counts[c] += 1.0;
        sums[c].iter_mut().zip(d.row(i)).for_each(|(s, x)| *s += f64::from(*x));
    }
    sums.into_iter().zip(counts).map(|(s, n)| s.into_iter().map(|v| v / n).collect()).collect()
}

fn nearest(means: &[Vec<f64>], x: &[f32]) -> usize {
    let distance = |m: &[f64]| m.iter().zip(x).map(|(a, b)| (a - f64::from(*b)).powi(2)).sum::<f64>();
    (0..means.len()).min_by(|&a, &b| distance(&means[a]).total_cmp(&distance(&means[b]))).unwrap()
}

/// The classes of the last Gibbs samples of the `rbm` recipe trained with `stopping`, and its updates.
fn sampled_classes(stopping: Stopping) -> (Vec<usize>, u64) {
    let device = Default::default();
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let mut recipe = Recipe::rbm();
    recipe.stopping = stopping;
    let recipe = recipe.check().unwrap();
    let Model::Rbm(spec) = &recipe.model else { unreachable!("the rbm preset is an RBM") };
    let train = DeviceSplit::<B>::classification(&splits.train, &device);
    let valid = DeviceSplit::<I>::classification(&splits.valid, &device);
    let test = DeviceSplit::<I>::classification(&splits.test, &device);
    let means: Vec<f32> =
        (0..splits.train.dim).map(|j| (0..splits.train.len()).map(|i| splits.train.row(i)[j]).sum::<f32>() / splits.train.len() as f32).collect();
    let initial = Rbm::<B>::new(spec, splits.train.dim, &means, recipe.seed, &device);
    let fitted = fit(&initial, &recipe, &train, &valid, &mut Silent).unwrap();
    let start: Tensor<I, 2> = test.inputs.clone().narrow(0, 0, CHAINS);
    let last = rbm_samples(&fitted.model, start, recipe.seed).pop().unwrap();
    let values = last.into_data().convert::<f32>().into_vec::<f32>().unwrap();
    let centres = class_means(&splits.train);
    (values.chunks(splits.train.dim).map(|x| nearest(&centres, x)).collect(), fitted.updates)
}

fn distinct(classes: &[usize]) -> usize {
    let mut c = classes.to_vec();
    c.sort_unstable();
    c.dedup();
    c.len()
}

#[test]
fn the_rbm_preset_samples_digits_of_more_classes_than_its_epochs_alone() {
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let centres = class_means(&splits.train);
    let right = (0..splits.test.len()).filter(|&i| nearest(&centres, splits.test.row(i)) == splits.test.labels[i] as usize).count();
    assert!(right * 10 >= splits.test.len() * 8, "the nearest class mean labels {right} of {} test digits", splits.test.len());

    let Stopping::Off { epochs, .. } = Recipe::rbm().stopping else { panic!("the rbm preset trains a fixed duration") };
    let (preset, updates) = sampled_classes(Recipe::rbm().stopping);
    assert!(updates >= defaults::UNSUPERVISED_MIN_UPDATES, "{updates} updates");
    let (epochs_only, few) = sampled_classes(Stopping::off(epochs));
    eprintln!("preset: {updates} updates, classes {preset:?}; {epochs} epochs alone: {few} updates, classes {epochs_only:?}");
    assert!(distinct(&preset) >= 4, "the preset's chains show {} classes: {preset:?}", distinct(&preset));
    assert!(distinct(&epochs_only) < distinct(&preset), "the short run's chains {epochs_only:?} against the preset's {preset:?}");
}
