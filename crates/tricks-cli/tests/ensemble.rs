//! `tricks ensemble` on the real binary (chapter p.15): members scored alone as their own runs scored
//! themselves, averaged outputs scored on the test split, bagged members trained on bootstrap samples, and
//! what is not an ensemble refused.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn tricks(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tricks")).args(args).current_dir(cwd).env_remove("TRICKS_FAULT").output().expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// A small MLP on the embedded digits, three epochs.
const SMALL: [&str; 5] = ["--quiet", "--set", "model.hidden=[16]", "--set", r#"stopping={"kind":"off","epochs":3}"#];

/// The number after `label` in `text`, up to the next space.
fn number_after(text: &str, label: &str) -> f64 {
    let at = text.find(label).unwrap_or_else(|| panic!("no `{label}` in {text}")) + label.len();
    text[at..].split_whitespace().next().unwrap().parse().unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn an_ensemble_of_seeds_scores_each_member_as_its_run_did_and_their_average() {
    let dir = tempfile::tempdir().unwrap();
    let trained = tricks(&[&["train", "--seeds", "3", "--seed", "1", "--out", "seeds"][..], &SMALL].concat(), dir.path());
    assert!(trained.status.success(), "{}", text(&trained));
    let accuracy = |seed: u64| json(&dir.path().join(format!("seeds/seed-{seed}/report.json")))["test_accuracy"].as_f64().unwrap();

    let o = tricks(&["ensemble", "seeds"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    for seed in 1..=3 {
        let line = out.lines().find(|l| l.contains(&format!("seed-{seed}"))).unwrap_or_else(|| panic!("{out}"));
        let shown: f64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!((shown - accuracy(seed)).abs() < 0.005 + 1e-9, "a member alone scores as its run did: {line} against {}", accuracy(seed));
    }
    let mean = (1..=3).map(accuracy).sum::<f64>() / 3.0;
    let ensemble = number_after(&out, "ensemble of 3: test accuracy ");
    assert!(ensemble >= mean, "averaging three seeds does not lose to their mean on the digits: {ensemble} < {mean}\n{out}");
    assert!(out.contains("on 359 examples"), "the digits' test split: {out}");

    // One run alone is its own ensemble; the same runs named one by one give the folder's answer.
    let one = tricks(&["ensemble", "seeds/seed-2"], dir.path());
    assert!((number_after(&text(&one), "ensemble of 1: test accuracy ") - accuracy(2)).abs() < 0.005 + 1e-9, "{}", text(&one));
    let named = tricks(&["ensemble", "seeds/seed-1", "seeds/seed-2", "seeds/seed-3"], dir.path());
    assert_eq!(number_after(&text(&named), "test accuracy "), number_after(&out, "test accuracy "));
}

#[test]
fn bagging_trains_each_member_on_its_own_bootstrap_sample_and_writes_the_ensemble() {
    let dir = tempfile::tempdir().unwrap();
    let o = tricks(&[&["ensemble", "--bagging", "2", "--seed", "5", "--out", "bag"][..], &SMALL].concat(), dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let bag = dir.path().join("bag");
    let report = json(&bag.join("ensemble.json"));
    assert_eq!(report["members"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["test_examples"], 359);
    for seed in [5, 6] {
        assert_eq!(json(&bag.join(format!("seed-{seed}/recipe.json")))["bootstrap"], true);
    }
    let means = |seed: u64| json(&bag.join(format!("seed-{seed}/preprocessing.json")));
    assert_ne!(means(5), means(6), "each member's standardisation is fitted on its own bootstrap sample");

    // A plain run on the same seed, without the bootstrap, is another model.
    let plain = tricks(&[&["train", "--seed", "5", "--out", "plain"][..], &SMALL].concat(), dir.path());
    assert!(plain.status.success(), "{}", text(&plain));
    assert_ne!(json(&dir.path().join("plain/preprocessing.json")), means(5));

    // Rerunning continues the folder: nothing is trained again.
    let again = tricks(&[&["ensemble", "--bagging", "2", "--seed", "5", "--out", "bag"][..], &SMALL].concat(), dir.path());
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(text(&again).matches("kept").count(), 2, "{}", text(&again));
    assert_eq!(json(&bag.join("ensemble.json")), report);
}

#[test]
fn what_is_not_a_finished_classifier_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let o = tricks(&["ensemble", "empty"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("neither a run directory nor a folder of seeds"), "{}", text(&o));
    let none = tricks(&["ensemble"], dir.path());
    assert!(!none.status.success());
}
