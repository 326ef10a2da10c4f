//! The bad-input matrix (issue 11, README.md "Bad input"): every malformed input, run through the real
//! binary, gives its documented message and exit status (1 for an error, 2 for a command-line usage error
//! found by clap), never a panic or a backtrace (`RUST_BACKTRACE=1` is set so that a panic would show
//! one), and leaves its folder exactly as it found it: no run directory, half-written or not, and no other
//! new or changed file. One table, one test; every failing row is reported in one message.
//!
//! Each row runs in a folder of its own, holding only the inputs its `setup` writes; the commands name them
//! by relative paths. Rows that need a trained run copy one of two tiny runs (digits, one hidden layer of 8
//! or 16 units, one epoch) trained once at the start.
//!
//! An unreadable file: the tests run as root in CI, and root reads a `chmod 000` file, so the row uses a
//! Unix-domain socket named like a CSV file instead: open(2) refuses it (ENXIO) whoever asks, at once (a
//! FIFO would block the open until a writer came).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Instant, SystemTime};

/// One malformed input: how to make it, what to run on it, and what must come out.
struct Row {
    /// What is wrong, in words.
    name: &'static str,
    /// Writes the input into the row's (empty) folder.
    setup: fn(&Fixture, &Path),
    /// The arguments of `tricks`, paths relative to the row's folder.
    args: &'static [&'static str],
    /// The exit status: 1 for an error, 2 for a usage error.
    code: i32,
    /// Each must appear in stderr.
    messages: &'static [&'static str],
}

/// `model.hidden=[8]`, one epoch: the recipe of the runs the model rows use.
const EPOCH: &str = r#"stopping={"kind":"off","epochs":1}"#;

const ROWS: &[Row] = &[
    // IDX folders.
    Row {
        name: "truncated IDX file",
        setup: |_, d| idx_with(d, |f| f.train_images.truncate(500)),
        args: &["train", "--quiet", "--data", "idx", "--out", "run"],
        code: 1,
        messages: &["train-images-idx3-ubyte: 500 bytes (after decompression), expected 976", "truncated or damaged"],
    },
    Row {
        name: "empty IDX file",
        setup: |_, d| idx_with(d, |f| f.test_labels.clear()),
        args: &["train", "--quiet", "--data", "idx", "--out", "run"],
        code: 1,
        messages: &["t10k-labels-idx1-ubyte: 0 bytes", "expected 8 (at least the 8-byte header of an IDX label file)"],
    },
    Row {
        name: "wrong magic number",
        setup: |_, d| idx_with(d, |f| f.train_labels[..4].copy_from_slice(&0x0803u32.to_be_bytes())),
        args: &["train", "--quiet", "--data", "idx", "--out", "run"],
        code: 1,
        messages: &["train-labels-idx1-ubyte: wrong magic number 0x00000803 at byte 0, expected 0x00000801"],
    },
    Row {
        name: "image/label count mismatch",
        setup: |_, d| {
            idx_with(d, |f| {
                f.train_labels.pop();
                f.train_labels[4..8].copy_from_slice(&59u32.to_be_bytes());
            })
        },
        args: &["train", "--quiet", "--data", "idx", "--out", "run"],
        code: 1,
        messages: &["train-images-idx3-ubyte: 60 images, but", "train-labels-idx1-ubyte: 59 labels"],
    },
    Row {
        name: "IDX folder without its files",
        setup: |_, d| fs::create_dir(d.join("idx")).unwrap(),
        args: &["train", "--quiet", "--data", "idx", "--out", "run"],
        code: 1,
        messages: &["idx: no training images file in this folder"],
    },
    // CSV files.
    Row {
        name: "ragged CSV",
        setup: |_, d| csv(d, "ragged.csv", &[("7,8,1", 21)]),
        args: &["train", "--quiet", "--data", "ragged.csv", "--out", "run"],
        code: 1,
        messages: &["ragged.csv: line 21: 3 columns, expected 4 like the first row"],
    },
    Row {
        name: "non-numeric cell",
        setup: |_, d| csv(d, "cell.csv", &[("7,abc,9,1", 21)]),
        args: &["train", "--quiet", "--data", "cell.csv", "--out", "run"],
        code: 1,
        messages: &["cell.csv: line 21, column 2: \"abc\" is not a number"],
    },
    Row {
        name: "empty CSV file",
        setup: |_, d| fs::write(d.join("empty.csv"), "").unwrap(),
        args: &["train", "--quiet", "--data", "empty.csv", "--out", "run"],
        code: 1,
        messages: &["empty.csv: no examples (the file has no lines)"],
    },
    Row {
        name: "CSV of a header only",
        setup: |_, d| fs::write(d.join("header.csv"), "a,b,c,label\n").unwrap(),
        args: &["train", "--quiet", "--data", "header.csv", "--out", "run"],
        code: 1,
        messages: &["header.csv: no examples (no data rows after the header)"],
    },
    Row {
        name: "negative label",
        setup: |_, d| csv(d, "labels.csv", &[("7,8,9,-1", 21)]),
        args: &["train", "--quiet", "--data", "labels.csv", "--out", "run"],
        code: 1,
        messages: &["labels.csv: line 21: label \"-1\" is negative; labels must be integers from 0 to 999"],
    },
    Row {
        name: "non-integer label",
        setup: |_, d| csv(d, "labels.csv", &[("7,8,9,1.5", 21)]),
        args: &["train", "--quiet", "--data", "labels.csv", "--out", "run"],
        code: 1,
        messages: &["labels.csv: line 21: label \"1.5\" is not an integer"],
    },
    Row {
        name: "label past the most classes",
        setup: |_, d| csv(d, "labels.csv", &[("7,8,9,1000", 21)]),
        args: &["train", "--quiet", "--data", "labels.csv", "--out", "run"],
        code: 1,
        messages: &["labels.csv: line 21: label \"1000\" would make more than 1000 classes"],
    },
    Row {
        name: "NaN feature",
        setup: |_, d| csv(d, "nan.csv", &[("7,NaN,9,1", 21)]),
        args: &["train", "--quiet", "--data", "nan.csv", "--out", "run"],
        code: 1,
        messages: &["nan.csv: line 21, column 2: value NaN is not finite"],
    },
    Row {
        name: "infinite feature",
        setup: |_, d| csv(d, "inf.csv", &[("7,8,-inf,1", 21)]),
        args: &["train", "--quiet", "--data", "inf.csv", "--out", "run"],
        code: 1,
        messages: &["inf.csv: line 21, column 3: value -inf is not finite"],
    },
    Row {
        name: "CSV not in UTF-8",
        setup: |_, d| fs::write(d.join("latin1.csv"), b"1,2,3,0\n4,\xe9,6,1\n").unwrap(),
        args: &["train", "--quiet", "--data", "latin1.csv", "--out", "run"],
        code: 1,
        messages: &["latin1.csv: line 2 is not valid UTF-8 text"],
    },
    Row {
        name: "corrupt gzip",
        setup: |_, d| fs::write(d.join("data.csv.gz"), b"\x1f\x8b\x08\x00not deflate").unwrap(),
        args: &["train", "--quiet", "--data", "data.csv.gz", "--out", "run"],
        code: 1,
        messages: &["data.csv.gz: corrupt gzip data"],
    },
    Row {
        name: "unreadable file (a socket)",
        setup: |_, d| drop(std::os::unix::net::UnixListener::bind(d.join("socket.csv")).unwrap()),
        args: &["train", "--quiet", "--data", "socket.csv", "--out", "run"],
        code: 1,
        messages: &["socket.csv: cannot read: No such device or address"],
    },
    Row {
        name: "data file that is missing",
        setup: |_, _| {},
        args: &["train", "--quiet", "--data", "missing.csv", "--out", "run"],
        code: 1,
        messages: &["missing.csv: not found"],
    },
    Row {
        name: "data file of another kind",
        setup: |_, d| fs::write(d.join("data.txt"), "1,2,0\n").unwrap(),
        args: &["train", "--quiet", "--data", "data.txt", "--out", "run"],
        code: 1,
        messages: &["data.txt: unsupported data source"],
    },
    Row {
        name: "values so large that training diverges",
        setup: |_, d| {
            let rows: String = (0..30).map(|i| format!("{}e37,-{}e37,{}e37,{}\n", i % 7, i % 5, i % 3, i % 2)).collect();
            fs::write(d.join("huge.csv"), rows).unwrap();
        },
        // Fails after the run directory was made and written to: it must be removed again.
        args: &["train", "--quiet", "--recipe", "rbm", "--data", "huge.csv", "--out", "run"],
        code: 1,
        messages: &["training diverged 5 times", "Check the data for extreme values"],
    },
    // Folders and files in each other's place.
    Row {
        name: "folder as the CSV file",
        setup: |_, d| fs::create_dir(d.join("data.csv")).unwrap(),
        args: &["train", "--quiet", "--data", "data.csv", "--out", "run"],
        code: 1,
        messages: &["data.csv: no training images file in this folder"],
    },
    Row {
        name: "folder as the recipe file",
        setup: |_, d| fs::create_dir(d.join("recipe.json")).unwrap(),
        args: &["train", "--quiet", "--recipe", "recipe.json", "--out", "run"],
        code: 1,
        messages: &["recipe recipe.json is not valid: Is a directory"],
    },
    Row {
        name: "file as the run directory",
        setup: |_, d| fs::write(d.join("run"), "").unwrap(),
        args: &["train", "--quiet", "--set", "model.hidden=[8]", "--set", EPOCH, "--out", "run"],
        code: 1,
        messages: &["run: exists and is not a folder; choose another --out"],
    },
    // Recipes.
    Row {
        name: "unknown recipe key (--set)",
        setup: |_, _| {},
        args: &["train", "--quiet", "--set", "nonsense.key=1", "--out", "run"],
        code: 1,
        messages: &["recipe has no field `nonsense.key`; fields here: bootstrap"],
    },
    Row {
        name: "unknown recipe key (JSON file)",
        setup: |_, d| fs::write(d.join("mine.json"), r#"{"name": "mine", "nonsense": 1}"#).unwrap(),
        args: &["train", "--quiet", "--recipe", "mine.json", "--out", "run"],
        code: 1,
        messages: &["recipe mine.json is not valid: unknown field `nonsense`, expected one of `name`"],
    },
    Row {
        name: "unknown recipe key (TOML file)",
        setup: |_, d| fs::write(d.join("mine.toml"), "name = \"mine\"\nnonsense = 1\n").unwrap(),
        args: &["train", "--quiet", "--recipe", "mine.toml", "--out", "run"],
        code: 1,
        messages: &["recipe mine.toml is not valid: TOML parse error at line 2", "unknown field `nonsense`"],
    },
    Row {
        name: "recipe file cut short",
        setup: |_, d| fs::write(d.join("mine.json"), r#"{"name": "#).unwrap(),
        args: &["train", "--quiet", "--recipe", "mine.json", "--out", "run"],
        code: 1,
        messages: &["recipe mine.json is not valid: EOF while parsing"],
    },
    Row {
        name: "unknown preset",
        setup: |_, _| {},
        args: &["train", "--quiet", "--recipe", "nosuch", "--out", "run"],
        code: 1,
        messages: &["no preset named `nosuch` and no such file; presets: mlp"],
    },
    Row {
        name: "out-of-range learning rate",
        setup: |_, _| {},
        args: &["train", "--quiet", "--set", "optimiser.learning_rate=-1", "--out", "run"],
        code: 1,
        messages: &["recipe field `optimiser.learning_rate` = -1 is out of range: allowed (0, 10)"],
    },
    Row {
        name: "out-of-range batch size",
        setup: |_, _| {},
        args: &["train", "--quiet", "--set", "optimiser.batch_size=0", "--out", "run"],
        code: 1,
        messages: &["recipe field `optimiser.batch_size` = 0 is out of range: allowed 1 or more"],
    },
    Row {
        name: "value of the wrong type",
        setup: |_, _| {},
        args: &["train", "--quiet", "--set", "stopping.max_epochs=-3", "--out", "run"],
        code: 1,
        messages: &["recipe after --set stopping.max_epochs=-3 is not valid: invalid value: integer `-3`, expected usize"],
    },
    Row {
        name: "--set without =",
        setup: |_, _| {},
        args: &["train", "--quiet", "--set", "seed", "--out", "run"],
        code: 1,
        messages: &["`--set seed` is not of the form key=value"],
    },
    Row {
        name: "usage error (clap)",
        setup: |_, _| {},
        args: &["train", "--quiet", "--header", "maybe", "--out", "run"],
        code: 2,
        messages: &["invalid value 'maybe' for '--header <HEADER>'"],
    },
    // Model files.
    Row {
        name: "model file of another shape",
        setup: |f, d| {
            copy_dir(&f.run8, &d.join("run"));
            fs::copy(f.run16.join("model.mpk"), d.join("run/model.mpk")).unwrap();
        },
        args: &["eval", "run"],
        code: 1,
        messages: &["tensor `layers.0.weight` has shape [64, 16] in the file; the recipe expects [64, 8]"],
    },
    Row {
        name: "truncated model file",
        setup: |f, d| {
            copy_dir(&f.run8, &d.join("run"));
            let model = fs::read(d.join("run/model.mpk")).unwrap();
            fs::write(d.join("run/model.mpk"), &model[..model.len() / 2]).unwrap();
        },
        args: &["eval", "run"],
        code: 1,
        messages: &["model.mpk: the model file is truncated or corrupt"],
    },
    Row {
        name: "data of another width than the model's",
        setup: |f, d| {
            copy_dir(&f.run8, &d.join("run"));
            csv(d, "narrow.csv", &[]);
        },
        args: &["eval", "run", "--data", "narrow.csv"],
        code: 1,
        messages: &["run: the model was trained on 64 features and 10 classes, this data has 3 and 2"],
    },
    Row {
        name: "predict: data of another width",
        setup: |f, d| {
            copy_dir(&f.run8, &d.join("run"));
            csv(d, "narrow.csv", &[]);
        },
        args: &["predict", "run", "--data", "narrow.csv"],
        code: 1,
        messages: &["narrow.csv: 4 columns; the model takes 64 features: give 64 columns, or 65 with a label column"],
    },
    Row {
        name: "predict: values far outside the training range",
        setup: |f, d| {
            copy_dir(&f.run8, &d.join("run"));
            let row = (0..64).map(|j| (1000 + j).to_string()).collect::<Vec<_>>().join(",");
            fs::write(d.join("pixels.csv"), (0..30).map(|i| format!("{row},{}\n", i % 10)).collect::<String>()).unwrap();
        },
        args: &["predict", "run", "--data", "pixels.csv"],
        code: 1,
        messages: &["run: the new data's values lie in [1000, 1063]; the model was trained on values in [0, 1]"],
    },
    Row {
        name: "export: truncated model file",
        setup: |f, d| {
            copy_dir(&f.run8, &d.join("run"));
            let model = fs::read(d.join("run/model.mpk")).unwrap();
            fs::write(d.join("run/model.mpk"), &model[..model.len() / 2]).unwrap();
        },
        args: &["export", "run"],
        code: 1,
        messages: &["model.mpk: the model file is truncated or corrupt"],
    },
    // Run directories that are not runs.
    Row {
        name: "eval of a folder that is not a run",
        setup: |_, d| fs::create_dir(d.join("empty")).unwrap(),
        args: &["eval", "empty"],
        code: 1,
        messages: &["empty: not a finished run directory"],
    },
    Row {
        name: "report of a folder that is not a run",
        setup: |_, d| fs::create_dir(d.join("empty")).unwrap(),
        args: &["report", "empty"],
        code: 1,
        messages: &["empty: not a run directory (none of recipe.json, run.json, report.json, curves.csv in it)"],
    },
    Row {
        name: "plot of a folder that is not a run",
        setup: |_, d| fs::create_dir(d.join("empty")).unwrap(),
        args: &["plot", "empty", "--out", "curves.png"],
        code: 1,
        messages: &["empty/curves.csv: No such file or directory"],
    },
    Row {
        name: "predict with a folder that is not a run",
        setup: |_, d| {
            fs::create_dir(d.join("empty")).unwrap();
            csv(d, "new.csv", &[]);
        },
        args: &["predict", "empty", "--data", "new.csv"],
        code: 1,
        messages: &["empty: not a finished run directory"],
    },
    Row {
        name: "export of a folder that is not a run",
        setup: |_, d| fs::create_dir(d.join("empty")).unwrap(),
        args: &["export", "empty"],
        code: 1,
        messages: &["empty: not a finished run directory (no report.json, or still UNFINISHED)"],
    },
    Row {
        name: "resume of a folder that is not a run",
        setup: |_, d| fs::create_dir(d.join("empty")).unwrap(),
        args: &["train", "--quiet", "--resume", "empty"],
        code: 1,
        messages: &["empty: not an unfinished run directory (no UNFINISHED marker beside a recipe.json)"],
    },
];

/// Two finished runs of the digits, one hidden layer of 8 and of 16 units.
struct Fixture {
    run8: PathBuf,
    run16: PathBuf,
}

fn tricks(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tricks")).args(args).current_dir(cwd).env("RUST_BACKTRACE", "1").output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The four files of an MNIST-format IDX folder: 60 training and 20 test images of 4x4, 3 classes.
struct IdxFiles {
    train_images: Vec<u8>,
    train_labels: Vec<u8>,
    test_images: Vec<u8>,
    test_labels: Vec<u8>,
}

fn images(count: u32) -> Vec<u8> {
    let header = [0x0803, count, 4, 4].map(u32::to_be_bytes).concat();
    header.into_iter().chain((0..count * 16).map(|i| (i * 37 % 256) as u8)).collect()
}

fn labels(count: u32) -> Vec<u8> {
    let header = [0x0801, count].map(u32::to_be_bytes).concat();
    header.into_iter().chain((0..count).map(|i| (i % 3) as u8)).collect()
}

/// A folder `idx` holding the four files, after `damage`.
fn idx_with(dir: &Path, damage: fn(&mut IdxFiles)) {
    let mut files = IdxFiles { train_images: images(60), train_labels: labels(60), test_images: images(20), test_labels: labels(20) };
    damage(&mut files);
    let idx = dir.join("idx");
    fs::create_dir(&idx).unwrap();
    for (name, bytes) in [
        ("train-images-idx3-ubyte", &files.train_images),
        ("train-labels-idx1-ubyte", &files.train_labels),
        ("t10k-images-idx3-ubyte", &files.test_images),
        ("t10k-labels-idx1-ubyte", &files.test_labels),
    ] {
        fs::write(idx.join(name), bytes).unwrap();
    }
}

/// A CSV file of 30 good rows (three features, labels 0 and 1), with each `(line, at)` put in at 1-based
/// line `at`.
fn csv(dir: &Path, name: &str, bad: &[(&str, usize)]) {
    let mut lines: Vec<String> = (0..30).map(|i| format!("{},{}.5,{},{}", i % 7, i % 5, i % 3, i % 2)).collect();
    for &(line, at) in bad {
        lines.insert(at - 1, line.to_string());
    }
    fs::write(dir.join(name), lines.join("\n") + "\n").unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every entry under `dir` (relative path → kind, size, modification time), to compare before and after.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (bool, u64, Option<SystemTime>)> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                pending.push(path.clone());
            }
            out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), (meta.is_dir(), meta.len(), meta.modified().ok()));
        }
    }
    out
}

/// What is wrong with one row's outcome; empty when it behaved as documented.
fn check(row: &Row, fixture: &Fixture, dir: &Path) -> Vec<String> {
    (row.setup)(fixture, dir);
    let before = snapshot(dir);
    let o = tricks(row.args, dir);
    let err = stderr(&o);
    let mut problems = Vec::new();
    match o.status.code() {
        Some(code) if code == row.code => {}
        Some(code) => problems.push(format!("exit status {code}, expected {}", row.code)),
        None => problems.push(format!("killed by a signal ({:?}), expected exit status {}", o.status, row.code)),
    }
    for message in row.messages {
        if !err.contains(message) {
            problems.push(format!("stderr lacks {message:?}"));
        }
    }
    for sign in ["panicked", "stack backtrace", "RUST_BACKTRACE"] {
        if err.contains(sign) {
            problems.push(format!("stderr shows a panic ({sign:?})"));
        }
    }
    if err.matches("(os error").count() > 1 {
        problems.push("stderr says the operating system's error more than once".into());
    }
    let after = snapshot(dir);
    let left: Vec<_> = after.keys().filter(|p| !before.contains_key(*p)).map(|p| p.display().to_string()).collect();
    if !left.is_empty() {
        problems.push(format!("left behind: {}", left.join(", ")));
    }
    // A folder's own time changes with its entries, which the two checks here see for themselves.
    let changed: Vec<_> =
        before.iter().filter(|(p, was)| after.get(*p).is_none_or(|now| !was.0 && now != *was)).map(|(p, _)| p.display().to_string()).collect();
    if !changed.is_empty() {
        problems.push(format!("changed or removed inputs: {}", changed.join(", ")));
    }
    if !problems.is_empty() {
        problems.push(format!("tricks {}\n      stderr: {}", row.args.join(" "), err.trim_end().replace('\n', "\n      ")));
    }
    problems
}

#[test]
fn every_bad_input_gives_its_message_and_exit_status_without_a_panic_or_a_half_written_output() {
    let start = Instant::now();
    let root = tempfile::tempdir().unwrap();
    let fixture_dir = root.path().join("fixture");
    fs::create_dir(&fixture_dir).unwrap();
    for hidden in ["8", "16"] {
        let hidden_set = format!("model.hidden=[{hidden}]");
        let o = tricks(&["train", "--quiet", "--set", &hidden_set, "--set", EPOCH, "--out", &format!("run{hidden}")], &fixture_dir);
        assert!(o.status.success(), "training the fixture run of {hidden} hidden units: {}", stderr(&o));
    }
    let fixture = Fixture { run8: fixture_dir.join("run8"), run16: fixture_dir.join("run16") };

    let mut failures = Vec::new();
    for (i, row) in ROWS.iter().enumerate() {
        let dir = root.path().join(format!("row{i:02}"));
        fs::create_dir(&dir).unwrap();
        let problems = check(row, &fixture, &dir);
        if !problems.is_empty() {
            failures.push(format!("{} ({}):\n    {}", row.name, i, problems.join("\n    ")));
        }
    }
    eprintln!("{} rows in {:.1} s", ROWS.len(), start.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} of {} rows failed:\n\n{}", failures.len(), ROWS.len(), failures.join("\n\n"));
}
