//! Unsupervised layers and stacks end to end on the embedded digits: greedy pre-training with a linear
//! probe per level, fine-tuning, run directories with their pictures, and `evaluate` reproducing the
//! reported scores. This test binary computes only in f32 (see DESIGN.md).

use burn::backend::{Autodiff, NdArray};
use burn::module::Module;
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use tricks::core::{Model, Recipe, Stopping, apply_overrides};
use tricks::data::{DataSource, FittedPreprocessing};
use tricks::models::{AutoEncoder, Rbm, exact_log_partition, log_likelihood, pseudo_likelihood};
use tricks::train::{DeviceSplit, Report, RunOptions, Silent, TestScore, Trainable, evaluate, files, read_json, run};

type I = NdArray<f32>;
type B = Autodiff<I>;

fn train(recipe: &Recipe, dir: &std::path::Path) -> Report {
    let options = RunOptions { out: dir.to_path_buf(), backend: "ndarray".into(), ..Default::default() };
    run::<B>(&recipe.check().unwrap(), &DataSource::Digits, &options, &Default::default(), &mut Silent).unwrap()
}

/// `preset` with two levels of `units` units, each pre-trained the preset's minimum number of updates (40
/// epochs of the digits), fine-tuned at most 40 epochs.
fn small_stack(preset: Recipe, units: usize) -> Recipe {
    let mut overrides = vec!["stopping.max_epochs=40".to_string()];
    for i in 0..2 {
        overrides.push(format!("model.layers.{i}.model.hidden={units}"));
    }
    apply_overrides(&preset, &overrides).unwrap().into_inner()
}

fn assert_stack_run(report: &Report, dir: &std::path::Path, min_accuracy: f64) {
    let accuracy = report.test_accuracy.unwrap();
    assert!(accuracy >= min_accuracy, "test accuracy {accuracy:.2} % < {min_accuracy} %");
    assert_eq!(report.levels.len(), 2);
    for level in &report.levels {
        // Ten classes: chance is 90 % error; measured 2-7 %.
        assert!(level.probe_valid_error < 15.0, "{level:?}");
        assert_eq!(level.epochs, 40, "5 epochs of 38 updates are raised to the preset's 1,500 updates");
        assert!(level.valid_reconstruction_error.is_finite(), "{level:?}");
    }
    for file in [files::MODEL, files::FILTERS_PNG, "level1-filters.png", files::TSNE_PNG, files::REPORT_HTML, files::CURVES_CSV] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let score = evaluate::<B>(dir, &DataSource::Digits, &Default::default()).unwrap();
    assert_eq!(score, TestScore::Accuracy(accuracy));
}

#[test]
fn sda_pretrains_probes_each_level_and_fine_tunes_on_digits() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("sda");
    let report = train(&small_stack(Recipe::sda(), 128), &dir);
    assert_stack_run(&report, &dir, 92.0);
}

#[test]
fn dbn_pretrains_rbms_probes_each_level_and_fine_tunes_on_digits() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("dbn");
    let report = train(&small_stack(Recipe::dbn(), 128), &dir);
    // Fine-tuning predicts with the Polyak average, whose warm-up lets it follow these short runs.
    assert_stack_run(&report, &dir, 92.0);
}

#[test]
fn denoising_auto_encoder_learns_writes_reconstructions_and_reloads() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("dae");
    let mut recipe = Recipe::dae();
    recipe.stopping = Stopping::off(8);
    let report = train(&recipe, &dir);
    // The cross-entropy of inputs in [0, 1] includes their entropy, so compare with the untrained model.
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let valid = DeviceSplit::<NdArray<f32>>::classification(&splits.valid, &Default::default());
    let Model::AutoEncoder(spec) = &recipe.model else { unreachable!() };
    let untrained = AutoEncoder::<NdArray<f32>>::new(spec, 64, recipe.seed, &Default::default());
    let before = <AutoEncoder<B> as Trainable<B>>::validation_error(&untrained, &valid);
    let after = report.valid_reconstruction_error.expect("an auto-encoder reports its reconstruction error");
    assert!(after < before - 1.0, "reconstruction error {before} → {after}");
    assert!(report.test_accuracy.is_none() && report.levels.is_empty());
    for file in [files::RECONSTRUCTIONS_PNG, files::FILTERS_PNG, files::TSNE_PNG, files::REPORT_HTML] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let score = evaluate::<B>(&dir, &DataSource::Digits, &Default::default()).unwrap();
    assert_eq!(score, TestScore::ReconstructionError(report.test_reconstruction_error.unwrap()));
}

#[test]
fn rbm_preset_trains_with_pcd15_reports_an_ais_log_likelihood_near_the_exact_one_and_draws_gibbs_samples() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("rbm");
    let mut recipe = Recipe::rbm();
    let Model::Rbm(spec) = &mut recipe.model else { unreachable!() };
    // The preset's own PCD-15, with few enough hidden units for the exact log Z.
    assert_eq!((spec.cd_steps, spec.persistent), (15, true));
    spec.hidden = 16;
    let spec = spec.clone();
    recipe.stopping = Stopping::off(5);
    let report = train(&recipe, &dir);
    let likelihood = report.likelihood.clone().expect("binary RBMs report a likelihood");
    assert!(dir.join(files::SAMPLES_PNG).is_file());

    // The saved model, and the test split as the run preprocessed it.
    let device = Default::default();
    let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
    let rbm = Rbm::<I>::new(&spec, 64, &[0.5; 64], recipe.seed, &device).load_file(dir.join(files::MODEL), &recorder, &device).unwrap();
    let preprocessing: FittedPreprocessing = read_json(&dir, files::PREPROCESSING).unwrap();
    let splits = tricks::data::load(&DataSource::Digits).unwrap();
    let test = DeviceSplit::<I>::classification(&preprocessing.apply(&splits.test), &device);
    let exact = exact_log_partition(&rbm).unwrap();
    let ll_exact = log_likelihood(&rbm, test.inputs.clone(), exact).unwrap();
    // The run's AIS (production settings) against the exact value: measured within 0.05 nats in f32.
    assert!((likelihood.log_partition - exact).abs() < 0.2, "AIS log Z {} against exact {exact}", likelihood.log_partition);
    assert!((likelihood.test_log_likelihood - ll_exact).abs() < 0.2, "{likelihood:?} against exact LL {ll_exact}");
    // PCD-15 learned: the pseudo-likelihood (negative by construction) beats the untrained model's.
    let untrained = Rbm::<I>::new(&spec, 64, &[0.5; 64], recipe.seed, &device);
    let pl_untrained = pseudo_likelihood(&untrained, test.inputs.clone(), recipe.seed).unwrap();
    assert!(likelihood.test_pseudo_likelihood > pl_untrained + 3.0, "{likelihood:?} against {pl_untrained} untrained");
}
