//! `tricks predict` and `tricks export` on the real binary: a run's model applied to new files (CSV with and
//! without labels, IDX) scores its own test split exactly as its run did; hidden representations and
//! auto-encoder codes; the exported safetensors file rebuilt by the Python check (numpy alone) agrees with
//! `tricks predict` within 1e-5.
//!
//! The Python check runs with the interpreter in `TRICKS_PYTHON` (a virtual environment holding
//! python/requirements.txt, as .ci/run makes); without it the check is skipped, unless
//! `TRICKS_REQUIRE_PYTHON=1`, as in CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tricks_data::{DataSource, Dataset};

fn tricks(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tricks")).args(args).current_dir(cwd).env_remove("TRICKS_FAULT").output().expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

/// `data` as CSV rows, features then (when `labelled`) the label.
fn write_csv(path: &Path, data: &Dataset, labelled: bool) {
    let mut out = String::new();
    for i in 0..data.len() {
        let mut fields: Vec<String> = data.row(i).iter().map(|v| v.to_string()).collect();
        if labelled {
            fields.push(data.labels[i].to_string());
        }
        out += &(fields.join(",") + "\n");
    }
    std::fs::write(path, out).unwrap();
}

/// The rows of a predictions file, by column name.
fn read_predictions(path: &Path) -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(str::to_string).collect();
    (header, lines.map(|l| l.split(',').map(|f| f.parse().unwrap()).collect()).collect())
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The Python interpreter for the export check, if there is one.
fn python() -> Option<PathBuf> {
    match std::env::var_os("TRICKS_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var("TRICKS_REQUIRE_PYTHON").as_deref() == Ok("1") => panic!("TRICKS_REQUIRE_PYTHON=1 but TRICKS_PYTHON is not set"),
        None => {
            eprintln!("TRICKS_PYTHON not set: the Python check of the export is skipped");
            None
        }
    }
}

/// Run python/check_export.py on an export, the data given to predict and its predictions.
fn python_check(python: &Path, model: &Path, data: &Path, predictions: &Path) -> String {
    let script = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR")).join("../../python/check_export.py");
    let o = Command::new(python).arg(script).args([model, data, predictions]).output().expect("python runs");
    let said = ok(o);
    eprintln!("python/check_export.py on {}: {said}", data.display());
    said
}

#[test]
fn predict_scores_the_runs_test_split_as_the_run_did_and_the_export_rebuilds_it_in_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    ok(tricks(&["train", "--quiet", "--set", "model.hidden=[32,16]", "--set", r#"stopping={"kind":"off","epochs":5}"#, "--out", "run"], cwd));
    let reported = json(&cwd.join("run/report.json"))["test_accuracy"].as_f64().unwrap();
    let test = tricks_data::load(&DataSource::Digits).unwrap().test;
    write_csv(&cwd.join("test.csv"), &test, true);
    write_csv(&cwd.join("unlabelled.csv"), &test, false);

    // Labelled: the accuracy and the confusion matrix, one row per example with the label, the predicted
    // class and probabilities summing to 1.
    let out = ok(tricks(&["predict", "run", "--data", "test.csv", "--out", "labelled.csv"], cwd));
    assert!(out.contains(&format!("accuracy {reported:.2} %")), "the run's own test split scores as the run reported ({reported}): {out}");
    assert!(out.contains("confusion matrix (rows: true class"), "{out}");
    assert!(cwd.join("labelled-confusion.png").is_file(), "the confusion matrix is drawn");
    let (header, rows) = read_predictions(&cwd.join("labelled.csv"));
    assert_eq!(header[..3], ["label", "predicted", "p0"]);
    assert_eq!((header.len(), rows.len()), (12, test.len()));
    let right = rows.iter().filter(|r| r[0] == r[1]).count();
    assert!((100.0 * right as f64 / test.len() as f64 - reported).abs() < 1e-9);
    for row in &rows {
        let p = &row[2..];
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-5, "{row:?}");
        let best = p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        assert_eq!(row[1], best as f64, "the predicted class is the most probable");
    }

    // Unlabelled: the same probabilities, no label column, no accuracy, no picture.
    let out = ok(tricks(&["predict", "run", "--data", "unlabelled.csv", "--out", "unlabelled-predictions.csv"], cwd));
    assert!(!out.contains("accuracy"), "{out}");
    assert!(!cwd.join("unlabelled-predictions-confusion.png").exists());
    let (header, unlabelled) = read_predictions(&cwd.join("unlabelled-predictions.csv"));
    assert_eq!(header[..2], ["predicted", "p0"]);
    assert!(unlabelled.iter().zip(&rows).all(|(u, l)| u[..] == l[1..]), "labels change nothing but the label column");

    // A hidden layer's representation.
    ok(tricks(&["predict", "run", "--data", "unlabelled.csv", "--layer", "2", "--out", "layer2.csv"], cwd));
    let (header, layer) = read_predictions(&cwd.join("layer2.csv"));
    assert_eq!((header.len(), header[0].as_str(), layer.len()), (16, "h0", test.len()), "16 units of the second hidden layer: {header:?}");
    assert!(layer.iter().flatten().all(|&h| h >= 0.0), "rectifier units are non-negative");
    let refused = tricks(&["predict", "run", "--data", "unlabelled.csv", "--layer", "3"], cwd);
    assert!(!refused.status.success() && text(&refused).contains("hidden layers 1 to 2"), "{}", text(&refused));

    // Export, and the Python check from the exported file alone.
    let out = ok(tricks(&["export", "run"], cwd));
    assert!(out.contains("model.safetensors written"), "{out}");
    if let Some(python) = python() {
        for (data, predictions) in [("test.csv", "labelled.csv"), ("unlabelled.csv", "unlabelled-predictions.csv")] {
            let said = python_check(&python, &cwd.join("run/model.safetensors"), &cwd.join(data), &cwd.join(predictions));
            assert!(said.contains("359 examples, 10 classes"), "{said}");
        }
    }
}

#[test]
fn idx_files_with_and_without_labels_and_an_auto_encoders_code() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    ok(tricks(&["train", "--quiet", "--set", "model.hidden=[16]", "--set", r#"stopping={"kind":"off","epochs":2}"#, "--out", "run"], cwd));
    // The digits' test images as an 8x8 IDX file (pixels in [0, 1] scaled to bytes), labels beside it.
    let test = tricks_data::load(&DataSource::Digits).unwrap().test;
    let mut images = [0x0803u32, test.len() as u32, 8, 8].iter().flat_map(|v| v.to_be_bytes()).collect::<Vec<u8>>();
    images.extend(test.features.iter().map(|&x| (x * 255.0).round() as u8));
    let mut labels = [0x0801u32, test.len() as u32].iter().flat_map(|v| v.to_be_bytes()).collect::<Vec<u8>>();
    labels.extend(test.labels.iter().map(|&l| l as u8));
    std::fs::create_dir(cwd.join("idx")).unwrap();
    std::fs::write(cwd.join("idx/new-images-idx3-ubyte"), &images).unwrap();
    std::fs::write(cwd.join("idx/new-labels-idx1-ubyte"), &labels).unwrap();
    std::fs::write(cwd.join("lone-images-idx3-ubyte"), &images).unwrap();

    let out = ok(tricks(&["predict", "run", "--data", "idx/new-images-idx3-ubyte", "--out", "idx.csv"], cwd));
    assert!(out.contains("accuracy ") && out.contains(&format!("of {})", test.len())), "labels read from the file beside the images: {out}");
    let out = ok(tricks(&["predict", "run", "--data", "lone-images-idx3-ubyte", "--out", "lone.csv"], cwd));
    assert!(!out.contains("accuracy"), "no label file, no accuracy: {out}");
    let (header, _) = read_predictions(&cwd.join("lone.csv"));
    assert_eq!(header[0], "predicted");

    // An auto-encoder gives its code; its export says what it is.
    ok(tricks(&["train", "--quiet", "--recipe", "dae", "--set", "model.hidden=12", "--set", r#"stopping={"kind":"off","epochs":1}"#, "--out", "dae"], cwd));
    ok(tricks(&["predict", "dae", "--data", "lone-images-idx3-ubyte", "--out", "code.csv"], cwd));
    let (header, code) = read_predictions(&cwd.join("code.csv"));
    assert_eq!((header.len(), header[0].as_str(), code.len()), (12, "h0", test.len()));
    ok(tricks(&["export", "dae", "--out", "dae.safetensors"], cwd));
    let bytes = std::fs::read(cwd.join("dae.safetensors")).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = String::from_utf8_lossy(&bytes[8..8 + header_len]);
    assert!(header.contains(r#""model":"auto-encoder""#) && header.contains(r#""format":"tricks-export-1""#), "{header}");
}

#[test]
fn the_fashion_mnist_default_mlp_exported_and_rebuilt_in_numpy_matches_predict() {
    let images = Path::new(tricks_data::FASHION_MNIST_DIR).join("t10k-images-idx3-ubyte.gz");
    if !images.exists() {
        assert!(std::env::var("TRICKS_REQUIRE_FASHION_MNIST").as_deref() != Ok("1"), "{} is missing", images.display());
        eprintln!("{} is missing: skipped", images.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    // The default recipe (784-1000-10 rectifier, standardised pixels), one epoch: the check is of the export's
    // numbers, not of the training.
    ok(tricks(&["train", "--quiet", "--data", "fashion-mnist", "--set", r#"stopping={"kind":"off","epochs":1}"#, "--out", "run"], cwd));
    let out = ok(tricks(&["predict", "run", "--data", images.to_str().unwrap(), "--out", "fashion.csv"], cwd));
    let reported = json(&cwd.join("run/report.json"))["test_accuracy"].as_f64().unwrap();
    assert!(out.contains(&format!("accuracy {reported:.2} % (")), "the official test set, read from its files, scores as the run reported ({reported}): {out}");
    ok(tricks(&["export", "run"], cwd));
    if let Some(python) = python() {
        let said = python_check(&python, &cwd.join("run/model.safetensors"), &images, &cwd.join("fashion.csv"));
        assert!(said.contains("10000 examples, 10 classes"), "{said}");
    }
}
