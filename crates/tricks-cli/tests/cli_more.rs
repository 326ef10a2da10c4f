//! End-to-end tests of the `tricks` binary for what README.md advertises beyond the main command: the
//! reports of real runs in headless Chromium (an MLP, a stack, an RBM, an auto-encoder: every picture the
//! run wrote shown and loaded, no console message), `--tsne-layer`, `tricks plot`, `--label-column` and
//! `--header`, `--backend wgpu` (evaluation) and its error path, the gradient check's exit status on
//! failure, and the IDX count-mismatch error naming its file.
//!
//! Without `/usr/bin/chromium` the Chromium tests are skipped with a message, unless
//! `TRICKS_REQUIRE_CHROMIUM` is set (CI sets it): then they fail.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

fn tricks(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tricks")).args(args).current_dir(cwd).output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn train(args: &[&str], cwd: &Path) {
    let o = tricks(&[&["train", "--quiet"], args].concat(), cwd);
    assert!(o.status.success(), "tricks train {args:?}: {}", stderr(&o));
}

fn report(run: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(run.join("report.json")).unwrap()).unwrap()
}

/// Whether Chromium is here; `false` means skip (and say why), unless `TRICKS_REQUIRE_CHROMIUM` is set.
fn chromium_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    assert!(
        std::env::var_os("TRICKS_REQUIRE_CHROMIUM").is_none(),
        "TRICKS_REQUIRE_CHROMIUM is set but {CHROMIUM} is missing: install it (Debian: apt-get install chromium)"
    );
    eprintln!("skipped: {CHROMIUM} not found (apt-get install chromium; set TRICKS_REQUIRE_CHROMIUM=1 to make this a failure)");
    false
}

/// The DOM of `html` after its load event in headless Chromium, and the console lines of its log.
fn open(html: &Path) -> (String, Vec<String>) {
    let scratch = tempfile::tempdir().unwrap();
    let (out, err) = (scratch.path().join("dom.html"), scratch.path().join("stderr.txt"));
    let url = format!("file://{}", html.canonicalize().unwrap().display());
    let mut child = Command::new(CHROMIUM)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", scratch.path().join("profile").display()))
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom", &url])
        .stdin(Stdio::null())
        .stdout(File::create(&out).unwrap())
        .stderr(File::create(&err).unwrap())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium took more than {CHROMIUM_TIMEOUT:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = fs::read_to_string(&err).unwrap();
    assert!(status.success(), "chromium failed ({status}) on {url}:\n{log}");
    let console = log.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught")).map(str::to_string).collect();
    (fs::read_to_string(&out).unwrap(), console)
}

/// Standard base64 with padding, as data URLs carry it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Train with `args` on the digits, then open the run's report.html in Chromium: no console message, and
/// every picture the run wrote (every `*.png` in the run directory) shown, as its own bytes, and loaded.
/// `expected` pictures must be among them.
fn real_run_report_opens_cleanly(args: &[&str], expected: &[&str]) {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    train(&[args, &["--out", "run"]].concat(), dir.path());
    let run = dir.path().join("run");
    let mut pictures: Vec<String> =
        fs::read_dir(&run).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".png")).collect();
    pictures.sort();
    for name in expected {
        assert!(pictures.iter().any(|p| p == name), "{args:?}: {name} not written: {pictures:?}");
    }
    let (dom, console) = open(&run.join("report.html"));
    assert!(console.is_empty(), "{args:?}: console messages:\n{}", console.join("\n"));
    let n = pictures.len();
    assert!(dom.contains(&format!("data-images-loaded=\"{n}/{n}\"")), "{args:?}: not all of {n} pictures loaded: {pictures:?}");
    assert_eq!(dom.matches("<img ").count(), n, "{args:?}: one <img> per picture: {pictures:?}");
    for name in &pictures {
        let url = format!("data:image/png;base64,{}", base64(&fs::read(run.join(name)).unwrap()));
        assert!(dom.contains(&url), "{args:?}: {name} is not shown as written");
    }
}

const TWO_EPOCHS: &str = r#"stopping={"kind":"off","epochs":2}"#;

#[test]
fn the_report_of_a_real_mlp_run_shows_every_picture_in_chromium() {
    let pictures = ["curves.png", "filters.png", "tsne.png", "layer_stats.png", "layer_histograms.png"];
    real_run_report_opens_cleanly(&["--set", "model.hidden=[64]", "--set", TWO_EPOCHS], &pictures);
}

#[test]
fn the_report_of_a_real_stack_run_shows_every_picture_in_chromium() {
    let mut args = vec!["--recipe", "sda", "--set", TWO_EPOCHS];
    for set in ["model.layers.0.model.hidden=16", "model.layers.1.model.hidden=16", "model.layers.0.min_updates=100", "model.layers.1.min_updates=100"] {
        args.extend(["--set", set]);
    }
    real_run_report_opens_cleanly(&args, &["curves.png", "filters.png", "level1-filters.png", "tsne.png"]);
}

#[test]
fn the_report_of_a_real_rbm_run_shows_every_picture_in_chromium() {
    let args = ["--recipe", "rbm", "--set", "model.hidden=16", "--set", "model.cd_steps=1", "--set", TWO_EPOCHS];
    real_run_report_opens_cleanly(&args, &["curves.png", "filters.png", "samples.png"]);
}

#[test]
fn the_report_of_a_real_auto_encoder_run_shows_every_picture_in_chromium() {
    let args = ["--recipe", "dae", "--set", "model.hidden=16", "--set", TWO_EPOCHS];
    real_run_report_opens_cleanly(&args, &["curves.png", "filters.png", "reconstructions.png", "tsne.png"]);
}

#[test]
fn tsne_layer_chooses_the_layer_drawn_and_plot_overlays_runs() {
    let dir = tempfile::tempdir().unwrap();
    let short = ["--set", "model.hidden=[32]", "--set", TWO_EPOCHS];
    for (out, layer) in [("last", None), ("inputs", Some("0")), ("first", Some("1"))] {
        let mut args = vec!["--out", out];
        args.extend(short);
        if let Some(layer) = layer {
            args.extend(["--tsne-layer", layer]);
        }
        train(&args, dir.path());
    }
    let tsne = |run: &str| fs::read(dir.path().join(run).join("tsne.png")).unwrap();
    // One hidden layer: its last hidden layer is layer 1; layer 0 is the inputs.
    assert_eq!(tsne("last"), tsne("first"), "the default is the last hidden layer");
    assert_ne!(tsne("last"), tsne("inputs"), "--tsne-layer 0 draws the inputs");

    let plot = tricks(&["plot", "last", "inputs", "--out", "both.png"], dir.path());
    assert!(plot.status.success(), "{}", stderr(&plot));
    let png = fs::read(dir.path().join("both.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000, "a PNG of the curves");
    let missing = tricks(&["plot", "last", "nowhere", "--out", "bad.png"], dir.path());
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("nowhere"), "{}", stderr(&missing));
    assert!(!dir.path().join("bad.png").exists());
}

/// Four features, three classes decided by the largest of the first three (the fourth is noise).
fn csv_rows(rows: usize) -> Vec<(usize, [f64; 4])> {
    (0..rows)
        .map(|i| {
            let f = [0.37, 0.61, 0.83, 0.29].map(|a: f64| ((i as f64 + 1.0) * a * 7.31).sin());
            let label = (0..3).max_by(|a, b| f[*a].total_cmp(&f[*b])).unwrap();
            (label, f)
        })
        .collect()
}

#[test]
fn csv_label_column_and_header_choose_what_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let rows = csv_rows(600);
    let line = |f: &[f64; 4]| f.iter().map(|x| format!("{x:.5}")).collect::<Vec<_>>().join(",");
    // The label first, under a header; and the label third, without a header.
    let mut named = String::from("class,a,b,c,d\n");
    let mut third = String::new();
    for (label, f) in &rows {
        named += &format!("{label},{}\n", line(f));
        third += &format!("{:.5},{:.5},{label},{:.5},{:.5}\n", f[0], f[1], f[2], f[3]);
    }
    fs::write(dir.path().join("named.csv"), named).unwrap();
    fs::write(dir.path().join("third.csv"), third).unwrap();
    let short = ["--recipe", "logistic", "--set", r#"stopping={"kind":"off","epochs":40}"#];
    for (out, data) in [
        ("named", ["--data", "named.csv", "--label-column", "class", "--header", "yes"]),
        ("third", ["--data", "third.csv", "--label-column", "2", "--header", "no"]),
    ] {
        train(&[&short[..], &data, &["--out", out]].concat(), dir.path());
        let r = report(&dir.path().join(out));
        // Linearly separable but for ties: a wrong column would leave about 33 %.
        let accuracy = r["test_accuracy"].as_f64().unwrap();
        assert!(accuracy > 85.0, "{out}: test accuracy {accuracy}");
        let info: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.path().join(out).join("run.json")).unwrap()).unwrap();
        assert_eq!(info["data"]["dim"], 4, "{out}: four features: {info}");
        assert_eq!(info["data"]["classes"], 3, "{out}: {info}");
    }
    // The header read as data is refused, naming the file.
    let o =
        tricks(&[&["train", "--quiet"], &short[..], &["--data", "named.csv", "--label-column", "0", "--header", "no", "--out", "bad"]].concat(), dir.path());
    assert!(!o.status.success());
    assert!(stderr(&o).contains("named.csv"), "{}", stderr(&o));
    assert!(!dir.path().join("bad").exists());
}

#[test]
fn gradcheck_exits_non_zero_when_a_checked_tensor_gets_no_gradient() {
    // dlt-mlp starts with zero output weights; with the output layer's learning rate 0 they stay zero, so
    // the hidden layer's loss gradient is exactly zero at the checked point: the check must fail.
    let dir = tempfile::tempdir().unwrap();
    let o = tricks(&["gradcheck", "--recipe", "dlt-mlp", "--set", "optimiser.layer_learning_rates=[1,0]", "--entries", "5"], dir.path());
    assert!(!o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("gradient check failed") && stderr(&o).contains("layers.0."), "{}", stderr(&o));
    let passing = tricks(&["gradcheck", "--recipe", "dlt-mlp", "--entries", "5"], dir.path());
    assert!(passing.status.success(), "{}{}", stdout(&passing), stderr(&passing));
}

#[test]
fn an_idx_count_mismatch_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("counts");
    fs::create_dir(&folder).unwrap();
    let header = |magic: u8, count: u8| vec![0u8, 0, 8, magic, 0, 0, 0, count];
    let mut images = header(3, 8);
    images.extend([0, 0, 0, 2, 0, 0, 0, 2]);
    images.extend(std::iter::repeat_n(7u8, 32));
    let mut labels = header(1, 7);
    labels.extend((0..7).map(|i| i % 2));
    for split in ["train", "t10k"] {
        fs::write(folder.join(format!("{split}-images-idx3-ubyte")), &images).unwrap();
        fs::write(folder.join(format!("{split}-labels-idx1-ubyte")), &labels).unwrap();
    }
    let o = tricks(&["train", "--quiet", "--data", "counts", "--out", "run"], dir.path());
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("labels-idx1-ubyte") || err.contains("images-idx3-ubyte"), "the error names a file: {err}");
    assert!(err.contains('8') && err.contains('7'), "{err}");
    assert!(!dir.path().join("run").exists());
}

/// `--backend wgpu` through the CLI: refused clearly without a Vulkan driver; with one (Mesa's software
/// driver in CI), `tricks eval --backend wgpu` scores a CPU-trained model as the CPU does. (Training on wgpu
/// is checked in tests/wgpu.rs; evaluating here keeps the slow software driver to forward passes.)
#[test]
fn wgpu_through_the_cli_evaluates_where_a_vulkan_driver_is_and_fails_clearly_where_none_is() {
    let dir = tempfile::tempdir().unwrap();
    // No Vulkan driver: the loader finds no ICD.
    let o = Command::new(env!("CARGO_BIN_EXE_tricks"))
        .args(["train", "--quiet", "--backend", "wgpu", "--out", "none"])
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .env("WGPU_BACKEND", "vulkan")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!o.status.success(), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("wgpu backend") && err.contains("--backend ndarray"), "{err}");
    assert!(!dir.path().join("none").exists());

    if !Path::new("/usr/share/vulkan/icd.d").is_dir() {
        assert!(std::env::var_os("CI").is_none(), "CI installs Mesa's Vulkan driver (mesa-vulkan-drivers)");
        eprintln!("skipped the wgpu evaluation: no Vulkan driver (apt-get install libvulkan1 mesa-vulkan-drivers)");
        return;
    }
    train(&["--set", "model.hidden=[32]", "--set", TWO_EPOCHS, "--out", "cpu"], dir.path());
    let cpu = report(&dir.path().join("cpu"))["test_accuracy"].as_f64().unwrap();
    let eval = tricks(&["eval", "cpu", "--backend", "wgpu"], dir.path());
    assert!(eval.status.success(), "{}", stderr(&eval));
    let text = stdout(&eval);
    let gpu: f64 = text.trim_start_matches("test accuracy ").split(' ').next().unwrap().parse().unwrap();
    // f32 on both, summed in different orders: at most one of the 359 test digits may change class.
    assert!((gpu - cpu).abs() <= 0.3, "wgpu {gpu} % against ndarray {cpu} %: {text}");
}
