use super::*;

/// A curve from parallel training-loss and validation values, x = 1000 examples per validation.
fn curve(train: &[f64], valid: &[f64]) -> Vec<CurvePoint> {
    train.iter().zip(valid).enumerate().map(|(i, (&t, &v))| CurvePoint { x: 1000.0 * (i + 1) as f64, train_loss: Some(t), valid: Some(v) }).collect()
}

fn supervised(train: &[f64], valid: &[f64], train_error: f64, valid_error: f64) -> Evidence {
    Evidence { curve: curve(train, valid), train_error: Some(train_error), valid_error: Some(valid_error), ..Evidence::default() }
}

fn kinds(d: &Diagnosis) -> Vec<FindingKind> {
    d.findings.iter().map(|f| f.kind).collect()
}

const FALLING: [f64; 8] = [2.0, 1.0, 0.5, 0.3, 0.2, 0.1, 0.05, 0.02];

#[test]
fn a_large_gap_with_a_small_training_error_is_over_fitting() {
    let d = diagnose(&supervised(&FALLING, &[20.0, 12.0, 9.0, 8.0, 8.1, 8.0, 8.2, 8.1], 0.2, 8.0));
    assert_eq!(d.verdict, Verdict::OverFitting);
    assert!(kinds(&d).contains(&FindingKind::GapOverFitting));
    assert!((d.measures.gap.unwrap() - 7.8).abs() < 1e-12);
    let f = d.findings.iter().find(|f| f.kind == FindingKind::GapOverFitting).unwrap();
    assert!(f.remedies.iter().any(|r| r.pages == "p.12-13"), "weight decay");
    assert!(f.remedies.iter().any(|r| r.pages == "p.9-10"), "early stopping");
}

#[test]
fn a_large_training_error_is_under_fitting_and_a_flat_loss_then_points_at_the_learning_rate() {
    let train = [2.0, 1.2, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95];
    let d = diagnose(&supervised(&train, &[40.0, 32.0, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0], 28.0, 30.0));
    assert_eq!(d.verdict, Verdict::UnderFitting);
    assert_eq!(kinds(&d), [FindingKind::UnderFitting, FindingKind::Plateau]);
    assert!(d.findings[0].remedies.iter().any(|r| r.pages == "p.21-22"), "check optimisation");
    assert!(d.findings[1].remedies.iter().any(|r| r.pages == "p.8-9"), "learning rate");
}

#[test]
fn a_small_gap_and_a_small_training_error_is_healthy() {
    let d = diagnose(&supervised(&FALLING, &[20.0, 9.0, 4.0, 2.0, 1.4, 1.4, 1.5, 1.4], 0.5, 1.2));
    assert_eq!(d.verdict, Verdict::Healthy);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn non_finite_values_are_divergence() {
    let mut e = supervised(&FALLING, &[9.0; 8], 1.0, 9.0);
    e.curve[5].train_loss = Some(f64::NAN);
    e.restarts = 2;
    let d = diagnose(&e);
    assert_eq!(d.verdict, Verdict::Diverging);
    assert_eq!(d.findings[0].kind, FindingKind::NonFinite);
    assert!(d.findings[0].message.contains("6000"), "{}", d.findings[0].message);
    assert!(kinds(&d).contains(&FindingKind::Restarted));
    assert!(d.findings[0].remedies.iter().any(|r| r.pages == "p.5"));
}

#[test]
fn a_rising_training_loss_is_divergence() {
    let d = diagnose(&supervised(&[2.0, 1.0, 0.5, 0.4, 0.9, 1.5, 2.5, 3.0], &[30.0; 8], 20.0, 30.0));
    assert_eq!(d.verdict, Verdict::Diverging);
    assert_eq!(d.findings[0].kind, FindingKind::RisingLoss);
}

#[test]
fn a_loss_that_never_falls_is_not_learning() {
    let d = diagnose(&supervised(&[2.30, 2.30, 2.29, 2.30, 2.29, 2.29, 2.30, 2.29], &[90.0; 8], 90.0, 90.0));
    assert_eq!(d.verdict, Verdict::NotLearning);
    assert_eq!(d.findings[0].kind, FindingKind::NoProgress);
}

#[test]
fn unsupervised_a_rising_reconstruction_error_is_over_fitting() {
    let valid = [10.0, 7.0, 5.0, 4.0, 4.2, 4.8, 5.5, 6.0];
    let e = Evidence { curve: curve(&FALLING, &valid), ..Evidence::default() };
    let d = diagnose(&e);
    assert_eq!(d.verdict, Verdict::OverFitting);
    assert_eq!(kinds(&d), [FindingKind::ValidRising]);
    assert_eq!(d.measures.best_valid, Some(4.0));
    assert_eq!(d.measures.best_valid_at, Some(4000.0));
    assert_eq!(d.measures.gap, None);
}

#[test]
fn unsupervised_still_improving_means_train_longer() {
    let valid = [10.0, 8.0, 7.0, 6.0, 5.0, 4.5, 4.0, 3.5];
    let e = Evidence { curve: curve(&FALLING, &valid), ..Evidence::default() };
    let d = diagnose(&e);
    assert_eq!(d.verdict, Verdict::UnderFitting);
    assert_eq!(kinds(&d), [FindingKind::StillImproving]);
    assert!(d.findings[0].remedies.iter().any(|r| r.pages == "p.9-10"));
}

#[test]
fn unsupervised_a_flat_training_loss_is_a_note() {
    let train = [2.0, 1.0, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7];
    let valid = [10.0, 7.0, 6.0, 5.5, 5.5, 5.5, 5.5, 5.5];
    let d = diagnose(&Evidence { curve: curve(&train, &valid), ..Evidence::default() });
    assert_eq!(d.verdict, Verdict::Healthy);
    assert_eq!(kinds(&d), [FindingKind::Plateau]);
    assert_eq!(d.findings[0].severity, Severity::Note);
}

#[test]
fn no_evidence_is_unknown_and_short_curves_get_no_shape_findings() {
    assert_eq!(diagnose(&Evidence::default()).verdict, Verdict::Unknown);
    let short = Evidence { curve: curve(&[2.0, 2.0, 2.0], &[5.0, 6.0, 9.0]), ..Evidence::default() };
    let d = diagnose(&short);
    assert_eq!(d.verdict, Verdict::Unknown);
    assert!(d.findings.is_empty());
}

#[test]
fn window_sizes_and_improvements() {
    let s = Series((0..20).map(|i| (i, 100.0 - i as f64)).collect());
    assert_eq!(s.window(), Some(5));
    // Before the window: 100 − 14 = 86; best in it: 81.
    assert!((s.window_improvement().unwrap() - 5.0 / 86.0).abs() < 1e-12);
    assert_eq!(Series(vec![(0, 1.0); 3]).window(), None);
}

#[test]
fn numbers_in_messages() {
    assert_eq!(num(7.8), "7.8");
    assert_eq!(num(0.25), "0.25");
    assert_eq!(num(1234.5678), "1235");
    assert_eq!(num(4000.0), "4000");
    assert_eq!(num(1.0e-5), "1.000e-5");
    assert_eq!(num(0.0), "0");
}

#[test]
fn changes_of_a_validation_example_or_two_are_noise_for_classification() {
    // 239 validation examples: 2 examples are 0.84 points.
    let valid = [20.0, 5.0, 1.67, 1.67, 1.67, 1.67, 1.67, 1.67, 2.09, 1.67, 2.09, 2.09];
    let train = [2.0, 1.0, 0.5, 0.3, 0.2, 0.1, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02];
    let mut e = supervised(&train, &valid, 0.8, 1.67);
    e.valid_examples = Some(239);
    let d = diagnose(&e);
    assert_eq!(d.verdict, Verdict::Healthy, "{:?}", d.findings);
    assert!(d.measures.valid_rise.unwrap() > RISE_REL, "without the floor this would read as over-fitting");
    e.valid_examples = None;
    assert_eq!(diagnose(&e).verdict, Verdict::OverFitting);
    // A gap of 1.5 points is 1.5 examples of a 100-example set: noise.
    let mut e = supervised(&train, &[2.0; 12], 0.5, 2.0);
    assert_eq!(diagnose(&e).verdict, Verdict::OverFitting);
    e.valid_examples = Some(100);
    assert_eq!(diagnose(&e).verdict, Verdict::Healthy);
}

#[test]
fn a_negative_gap_with_a_large_training_error_is_under_fitting() {
    let d = diagnose(&supervised(&FALLING, &[3.0; 8], 3.0, 2.1));
    assert_eq!(d.verdict, Verdict::UnderFitting);
    assert!(d.findings[0].message.contains("above the validation error"), "{}", d.findings[0].message);
}
