//! Recipes for unsupervised layers and for deep stacks (p.2-4, p.13-16, p.19; CHAPTER.md §6; HG).

use crate::defaults::{
    CONTRACTIVE_COST, DAE_MASKING, LEVEL_MIN_UPDATES, POLYAK_DECAY, RBM_MOMENTUM_BETA_LATER, RBM_MOMENTUM_BETA_START, RBM_MOMENTUM_RAMP_EPOCHS,
    RBM_WEIGHT_COST, SPARSITY_COST, SPARSITY_TARGET, UNSUPERVISED_MIN_UPDATES,
};
use crate::{
    AutoEncoderSpec, Corruption, Model, MomentumRamp, Optimiser, OutputLoss, Patience, Penalty, PenaltyPer, Polyak, Preprocessing, RbmSpec, Recipe, Sparsity,
    StackLayer, StackSpec, Stopping,
};

/// SGD with rate `learning_rate` and batch `batch_size`, otherwise the chapter's defaults.
fn sgd(learning_rate: f64, batch_size: usize) -> Optimiser {
    Optimiser { learning_rate, batch_size, ..Recipe::chapter_default().optimiser }
}

/// SGD with HG's RBM momentum: μ 0.5 for the first epochs, then 0.9.
fn rbm_sgd(learning_rate: f64, batch_size: usize) -> Optimiser {
    Optimiser {
        momentum_beta: RBM_MOMENTUM_BETA_START,
        momentum_ramp: Some(MomentumRamp { beta: RBM_MOMENTUM_BETA_LATER, after_epochs: RBM_MOMENTUM_RAMP_EPOCHS }),
        ..sgd(learning_rate, batch_size)
    }
}

/// HG's weight cost: c·w added to each update's mean gradient, i.e. λ2 = c/2 of Σw² per update.
fn rbm_penalty() -> Penalty {
    Penalty { l1: 0.0, l2: RBM_WEIGHT_COST / 2.0, per: PenaltyPer::Update }
}

/// A recipe for one unsupervised layer trained `epochs` epochs, and at least [`UNSUPERVISED_MIN_UPDATES`]
/// updates, on raw inputs in [0, 1].
fn unsupervised(name: &str, model: Model, optimiser: Optimiser, penalty: Penalty, epochs: usize) -> Recipe {
    let stopping = Stopping::Off { epochs, min_updates: UNSUPERVISED_MIN_UPDATES };
    Recipe { name: name.into(), model, optimiser, penalty, stopping, preprocessing: Preprocessing::None, ..Recipe::chapter_default() }
}

/// Fine-tuning of a stack: the recipe's optimiser with rate `learning_rate`, batch `batch_size`, DLT patience
/// bounded by `max_epochs`.
fn stack(name: &str, layers: Vec<StackLayer>, learning_rate: f64, batch_size: usize, max_epochs: usize) -> Recipe {
    Recipe {
        name: name.into(),
        model: Model::Stack(StackSpec { layers, output: OutputLoss::SoftmaxNll }),
        optimiser: sgd(learning_rate, batch_size),
        penalty: Penalty::none(),
        stopping: Stopping::Patience(Patience { max_epochs, ..Patience::default() }),
        preprocessing: Preprocessing::None,
        ..Recipe::chapter_default()
    }
}

fn dae_level(units: usize, masking: f64, learning_rate: f64, batch_size: usize, epochs: usize) -> StackLayer {
    StackLayer {
        model: Model::AutoEncoder(AutoEncoderSpec::denoising(units, masking)),
        optimiser: sgd(learning_rate, batch_size),
        penalty: Penalty::none(),
        epochs,
        min_updates: LEVEL_MIN_UPDATES,
    }
}

fn rbm_level(units: usize, learning_rate: f64, batch_size: usize, epochs: usize, momentum: bool) -> StackLayer {
    StackLayer {
        model: Model::Rbm(RbmSpec::new(units)),
        optimiser: if momentum { rbm_sgd(learning_rate, batch_size) } else { sgd(learning_rate, batch_size) },
        penalty: if momentum { rbm_penalty() } else { Penalty::none() },
        epochs,
        min_updates: LEVEL_MIN_UPDATES,
    }
}

impl Recipe {
    /// DLT RBM: 500 hidden units, PCD-15, ε0 0.1, B 20, 15 epochs (CHAPTER.md §6), with HG's momentum and
    /// L2 weight cost.
    pub fn rbm() -> Self {
        let spec = RbmSpec { persistent: true, cd_steps: 15, ..RbmSpec::new(500) };
        unsupervised("rbm", Model::Rbm(spec), rbm_sgd(0.1, 20), rbm_penalty(), 15)
    }

    /// DLT denoising auto-encoder: 500 sigmoid units, tied weights, cross-entropy, 30 % masking, ε0 0.1,
    /// B 20, 15 epochs (CHAPTER.md §6; p.4).
    pub fn dae() -> Self {
        let spec = AutoEncoderSpec::denoising(500, DAE_MASKING);
        unsupervised("dae", Model::AutoEncoder(spec), sgd(0.1, 20), Penalty::none(), 15)
    }

    /// Contractive auto-encoder: as `dae` without corruption, with the Jacobian penalty (p.4, p.16).
    pub fn cae() -> Self {
        let spec = AutoEncoderSpec { corruption: Corruption::None, contractive: CONTRACTIVE_COST, ..AutoEncoderSpec::denoising(500, 0.0) };
        unsupervised("cae", Model::AutoEncoder(spec), sgd(0.1, 20), Penalty::none(), 15)
    }

    /// Sparse auto-encoder: as `dae` without corruption, with a KL penalty to ρ = 0.05 (p.13-14).
    pub fn sparse_ae() -> Self {
        let sparsity = Some(Sparsity { target: SPARSITY_TARGET, cost: SPARSITY_COST });
        let spec = AutoEncoderSpec { corruption: Corruption::None, sparsity, ..AutoEncoderSpec::denoising(500, 0.0) };
        unsupervised("sparse-ae", Model::AutoEncoder(spec), sgd(0.1, 20), Penalty::none(), 15)
    }

    /// DLT SdA: 3×1000 sigmoid, masking 0.1/0.2/0.3, pre-training ε0 0.001 × 15 epochs per level, fine-tuning
    /// ε0 0.1, B 1 (CHAPTER.md §6).
    pub fn sda_dlt() -> Self {
        let levels = [0.1, 0.2, 0.3].map(|m| dae_level(1000, m, 0.001, 1, 15)).to_vec();
        stack("sda-dlt", levels, 0.1, 1, 1000)
    }

    /// DLT DBN: 3×1000 RBMs, CD-1, pre-training ε0 0.01 × 100 epochs per level, fine-tuning ε0 0.1, B 10
    /// (CHAPTER.md §6).
    pub fn dbn_dlt() -> Self {
        let levels = (0..3).map(|_| rbm_level(1000, 0.01, 10, 100, false)).collect();
        stack("dbn-dlt", levels, 0.1, 10, 1000)
    }

    /// Scaled-down SdA for 2 CPU cores (*ours*): 2×1000 sigmoid, masking 0.2/0.3, pre-training ε0 0.05, B 32,
    /// 5 epochs per level; fine-tuning ε0 0.1, B 32, at most 60 epochs.
    pub fn sda() -> Self {
        let levels = [0.2, 0.3].map(|m| dae_level(1000, m, 0.05, 32, 5)).to_vec();
        stack("sda", levels, 0.1, 32, 60)
    }

    /// Scaled-down DBN for 2 CPU cores (*ours*): 2×1000 RBMs, CD-1 with HG's momentum and weight cost,
    /// ε0 0.1, B 32, 5 epochs per level; fine-tuning ε0 0.1, B 32, at most 60 epochs, predicting with
    /// Polyak averaging (p.10), which measured 89.4 % → 89.8 % on Fashion-MNIST against the last iterate.
    pub fn dbn() -> Self {
        let levels = (0..2).map(|_| rbm_level(1000, 0.1, 32, 5, true)).collect();
        let mut r = stack("dbn", levels, 0.1, 32, 60);
        r.optimiser.polyak = Some(Polyak { decay: POLYAK_DECAY });
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dlt_stacks_match_the_tutorial_settings() {
        let Model::Stack(s) = Recipe::sda_dlt().model else { panic!() };
        let masking: Vec<_> = s
            .layers
            .iter()
            .map(|l| match &l.model {
                Model::AutoEncoder(a) => a.corruption,
                _ => panic!(),
            })
            .collect();
        assert_eq!(masking, [0.1, 0.2, 0.3].map(|fraction| Corruption::Masking { fraction }));
        assert!(s.layers.iter().all(|l| l.optimiser.learning_rate == 0.001 && l.epochs == 15 && l.units() == 1000));
        let r = Recipe::dbn_dlt();
        assert_eq!((r.optimiser.learning_rate, r.optimiser.batch_size), (0.1, 10));
        let Model::Stack(s) = r.model else { panic!() };
        assert!(s.layers.iter().all(|l| l.optimiser.learning_rate == 0.01 && l.epochs == 100));
    }

    #[test]
    fn rbm_recipe_uses_pcd15_and_hinton_momentum() {
        let r = Recipe::rbm();
        let Model::Rbm(spec) = &r.model else { panic!() };
        assert_eq!((spec.cd_steps, spec.persistent, spec.init_std), (15, true, 0.01));
        assert_eq!(r.optimiser.momentum_at(1), 0.5);
        assert_eq!(r.optimiser.momentum_at(6), 0.1);
        // HG's weight cost 1e-4 on ½Σw² per update: 2·λ2·w = 1e-4·w in every full update.
        assert_eq!((r.penalty.l2 * 2.0, r.penalty.per, r.penalty.scale(20, 20, 1199)), (1e-4, PenaltyPer::Update, 1.0));
    }

    #[test]
    fn level_recipe_takes_the_levels_settings_without_early_stopping() {
        let r = Recipe::sda().check().unwrap();
        let level = r.level_recipe(1, 60_000).unwrap();
        assert_eq!(level.stopping, Stopping::off(5));
        assert!(matches!(level.model, Model::AutoEncoder(_)));
        assert!(r.level_recipe(2, 60_000).is_none());
    }

    #[test]
    fn levels_train_more_epochs_on_small_data_to_make_their_minimum_updates() {
        let r = Recipe::dbn().check().unwrap();
        // The 1,199 digits at B 32: 38 updates an epoch, 40 epochs for 1,500 updates.
        assert_eq!(r.level_recipe(0, 1199).unwrap().stopping, Stopping::off(40));
        let Model::Stack(mut s) = r.into_inner().model else { panic!() };
        s.layers[0].min_updates = 0;
        assert_eq!(s.layers[0].epochs_for(1199), 5);
    }

    #[test]
    fn impossible_layer_values_name_the_level() {
        let mut r = Recipe::sda();
        let Model::Stack(s) = &mut r.model else { panic!() };
        s.layers[1].optimiser.learning_rate = -1.0;
        let msg = r.check().unwrap_err().to_string();
        assert!(msg.contains("model.layers.1.optimiser.learning_rate"), "{msg}");
        let mut r = Recipe::dae();
        let Model::AutoEncoder(a) = &mut r.model else { panic!() };
        a.corruption = Corruption::Masking { fraction: 1.5 };
        assert!(r.check().unwrap_err().to_string().contains("model.corruption.fraction"));
    }

    #[test]
    fn level_recipes_come_checked_from_a_checked_stack_and_errors_name_the_level() {
        let r = Recipe::dbn().check().unwrap();
        for i in 0..2 {
            let level = r.level_recipe(i, 1199).unwrap();
            assert!(matches!(level.model, Model::Rbm(_)) && level.monitor_every == 0);
            assert_eq!(level.check().unwrap(), level);
        }
        assert!(Recipe::chapter_default().check().unwrap().level_recipe(0, 100).is_none());
        // A level whose own recipe is impossible fails the stack's check, named by the level's path.
        let bad = Recipe::dbn().with("model.layers.1.optimiser.momentum_ramp.beta", serde_json::json!(0.0)).unwrap();
        let msg = bad.check().unwrap_err().to_string();
        assert!(msg.contains("model.layers.1.optimiser.momentum_ramp.beta"), "{msg}");
    }

    #[test]
    fn the_probe_is_the_logistic_recipe_with_a_batch_for_small_data() {
        let probe = Recipe::probe(7, 1199);
        assert_eq!(probe.optimiser.batch_size, 24); // ⌈1199/50⌉: at least 50 updates an epoch
        assert_eq!(Recipe::probe(7, 60_000).optimiser.batch_size, 600);
        assert_eq!(Recipe::probe(7, 1).optimiser.batch_size, 1);
        assert_eq!(probe.stopping.max_epochs(50), crate::defaults::PROBE_MAX_EPOCHS);
        assert_eq!((probe.seed, probe.monitor_every, probe.optimiser.learning_rate), (7, 0, 0.13));
        probe.check().unwrap();
    }
}
