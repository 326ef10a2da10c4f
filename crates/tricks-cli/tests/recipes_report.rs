//! `tricks recipes FILE` shows the recipe a file resolves to; `tricks report` refuses a folder that is not a run.

use std::path::Path;
use std::process::{Command, Output};

fn tricks(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tricks")).args(args).current_dir(cwd).output().expect("the binary runs")
}

#[test]
fn recipes_prints_a_recipe_file_resolved_and_refuses_an_impossible_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut recipe = serde_json::to_value(tricks_core::Recipe::dlt_mlp()).unwrap();
    recipe["optimiser"]["learning_rate"] = serde_json::json!(0.05);
    let file = dir.path().join("mine.json");
    std::fs::write(&file, recipe.to_string()).unwrap();
    let o = tricks(&["recipes", file.to_str().unwrap()], dir.path());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("mine.json"), "{out}");
    let row = |field: &str| out.lines().find(|l| l.split_whitespace().next() == Some(field)).unwrap_or_else(|| panic!("no {field} row in {out}")).to_string();
    assert!(row("optimiser.learning_rate").contains("0.05"), "{}", row("optimiser.learning_rate"));
    assert!(row("penalty.per").contains("update"), "{}", row("penalty.per"));
    assert!(row("optimiser.batch_size").contains("20"));

    recipe["optimiser"]["learning_rate"] = serde_json::json!(-1.0);
    std::fs::write(&file, recipe.to_string()).unwrap();
    let o = tricks(&["recipes", file.to_str().unwrap()], dir.path());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("optimiser.learning_rate"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn report_refuses_a_folder_that_is_not_a_run_and_writes_nothing_there() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a run").unwrap();
    let o = tricks(&["report", dir.path().to_str().unwrap()], dir.path());
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a run directory") && err.contains("recipe.json"), "{err}");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["notes.txt"], "nothing written");
}
