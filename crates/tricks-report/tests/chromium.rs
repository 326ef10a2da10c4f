//! The report opens in headless Chromium with no console message, every image loaded, and the
//! expected sections (issue requirement). The page's own script records the image status on
//! `<body data-images-loaded="ok/total">`; Chromium prints console messages and uncaught
//! exceptions on stderr as `CONSOLE(...)` lines with `--enable-logging=stderr`, and the DOM after
//! the load event with `--dump-dom`. Negative checks (a corrupt image, an injected script error)
//! prove the check can fail. Chromium shows a truncated PNG partially and calls it loaded, so
//! `write_report` itself refuses PNG files that are not whole (checked here without a browser).
//!
//! Without `/usr/bin/chromium` the Chromium tests are skipped with a message, unless
//! `TRICKS_REQUIRE_CHROMIUM` is set (CI sets it): then they fail.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tricks_plot::Series;
use tricks_run::{CurvePoint, ValidationMeasure, curves_csv};

const CHROMIUM: &str = "/usr/bin/chromium";
/// Longest a single Chromium run may take before the test fails.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);
/// Sections every full fixture report must have.
const SECTIONS: [&str; 9] = ["diagnosis", "results", "figures", "layer-stats", "curves", "run", "recipe", "summary", "files"];

/// A run directory like the runner writes, plus the monitors' files and a pretraining level's picture.
fn fixture(dir: &Path) -> usize {
    let n = 24;
    let curve: Vec<(f64, f64, f64)> = (1..=n)
        .map(|e| {
            let e = f64::from(e);
            (e * 1199.0, 2.3 / (1.0 + e), 2.0 + 20.0 / e + 0.05 * e)
        })
        .collect();
    let mut csv = String::from("epoch,examples_seen,updates,train_loss,valid_error,learning_rate\n");
    for (i, (x, t, v)) in curve.iter().enumerate() {
        csv += &format!("{},{x},{},{t},{v},0.01\n", i + 1, (i + 1) * 38);
    }
    fs::write(dir.join("curves.csv"), csv).unwrap();
    fs::write(
        dir.join("recipe.json"),
        r#"{"name":"mlp","seed":1234,"model":{"kind":"mlp","hidden":[1000],"activation":"rectifier"},
           "optimiser":{"learning_rate":0.01,"batch_size":32,"schedule":{"kind":"constant"}},
           "stopping":{"kind":"patience","initial":10000,"factor":2.0,"threshold":0.995},"preprocessing":{"kind":"standardise"}}"#,
    )
    .unwrap();
    fs::write(
        dir.join("run.json"),
        r#"{"backend":"ndarray","seed":1234,"data":{"source":"embedded UCI digits <8x8>","train":1199,"valid":239,
           "test":359,"dim":64,"classes":10,"image_shape":[8,8]},"input_dim":64,"tricks_version":"0.1.0",
           "burn_version":"0.21","data_spec":"digits","command":"tricks train --out runs/x"}"#,
    )
    .unwrap();
    fs::write(
        dir.join("report.json"),
        r#"{"test_accuracy":97.21448467966574,"valid_error":2.510460251046025,"train_error":0.0,"epochs":24,
           "examples_seen":28776,"updates":912,"seconds":10.2,"learning_rate":0.01,"restarts":0,"run_dir":"runs/x",
           "probes":[{"layer":1,"valid_accuracy":96.2},{"layer":2,"valid_accuracy":97.1}],"ais_log_likelihood":-86.3}"#,
    )
    .unwrap();
    let mut stats = String::from("updates,examples_seen,layer,tensor,quantity,mean,std,min,max,flag\n");
    for u in [456, 912] {
        for (layer, tensor) in [(1, "weight"), (1, "bias"), (2, "weight")] {
            let flag = if u == 912 && layer == 2 { "update/weight ratio 3e-2 > 1e-2" } else { "" };
            stats += &format!("{u},{},{layer},{tensor},value,0.01,0.1,-0.3,0.3,{flag}\n", u * 32);
        }
    }
    fs::write(dir.join("layer_stats.csv"), stats).unwrap();
    fs::write(dir.join("summary.txt"), "recipe          mlp\ntest accuracy   97.21 %\n<not markup>\n").unwrap();

    let series = |f: fn(&(f64, f64, f64)) -> f64| vec![Series::new("mlp", curve.iter().map(|p| (p.0, f(p))).collect())];
    tricks_plot::learning_curves(&dir.join("curves.png"), "mlp: learning curves", &series(|p| p.1), &series(|p| p.2)).unwrap();
    let filters: Vec<Vec<f32>> = (0..16).map(|u| (0..64).map(|i| ((i * (u + 1)) % 17) as f32).collect()).collect();
    tricks_plot::tiles(&dir.join("filters.png"), &filters, (8, 8), 4).unwrap();
    tricks_plot::tiles(&dir.join("level1-filters.png"), &filters[..9], (8, 8), 3).unwrap();
    let panels: Vec<(String, Vec<f32>)> = (1..=2).map(|l| (format!("layer {l} weights"), (0..500).map(|i| (i as f32 * 0.37).sin()).collect())).collect();
    tricks_plot::histograms(&dir.join("layer_histograms.png"), "weights", &panels, 20).unwrap();
    tricks_plot::lines(&dir.join("extra plot.png"), "extra", "x", "y", &series(|p| p.2), false).unwrap();
    5
}

/// What Chromium showed: the DOM after load and the console lines of its log.
struct Page {
    dom: String,
    console: Vec<String>,
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

/// Opens `html` in headless Chromium with a fresh profile and returns the DOM and console lines.
fn open(html: &Path) -> Page {
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
    let stderr = fs::read_to_string(&err).unwrap();
    assert!(status.success(), "chromium failed ({status}) on {url}:\n{stderr}");
    let console = stderr.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught")).map(str::to_string).collect();
    Page { dom: fs::read_to_string(&out).unwrap(), console }
}

/// The check: no console message at all, `images` images all loaded, every section in `sections` present.
fn check(page: &Page, images: usize, sections: &[&str]) -> Result<(), String> {
    if !page.console.is_empty() {
        return Err(format!("console messages:\n{}", page.console.join("\n")));
    }
    if !page.dom.contains("<body") || !page.dom.contains("</html>") {
        return Err("no DOM dumped".to_string());
    }
    let loaded = format!("data-images-loaded=\"{images}/{images}\"");
    if !page.dom.contains(&loaded) {
        let status = page.dom.find("data-images-loaded").map(|i| &page.dom[i..(i + 60).min(page.dom.len())]);
        return Err(format!("expected {loaded}, found {status:?} (the status script may not have run)"));
    }
    if page.dom.matches("<img ").count() != images {
        return Err(format!("expected {images} <img> elements, found {}", page.dom.matches("<img ").count()));
    }
    for id in sections {
        if !page.dom.contains(&format!("<section id=\"{id}\">")) {
            return Err(format!("section #{id} missing"));
        }
    }
    Ok(())
}

fn full_report() -> (tempfile::TempDir, PathBuf, usize) {
    let dir = tempfile::tempdir().unwrap();
    let images = fixture(dir.path());
    let path = tricks_report::write_report(dir.path()).unwrap();
    (dir, path, images)
}

#[test]
fn report_opens_in_chromium_with_no_console_message_and_every_image_loaded() {
    if !chromium_available() {
        return;
    }
    let (_dir, path, images) = full_report();
    let page = open(&path);
    check(&page, images, &SECTIONS).unwrap();
    assert!(page.dom.contains("Flagged in the last snapshot (1)"), "flagged layer statistics shown prominently");
    assert!(page.dom.contains("Pretraining level 1 of the stack: filters"));
    assert!(page.dom.contains("data-images-failed=\"\""));
}

#[test]
fn the_check_fails_on_a_corrupt_image() {
    if !chromium_available() {
        return;
    }
    let (dir, path, images) = full_report();
    let html = fs::read_to_string(&path).unwrap();
    for (name, payload) in [("truncated.html", "iVBORw0KGgoAAAANSUhEUg"), ("not-base64.html", "%%%not*base64!!")] {
        let at = html.find("base64,").unwrap() + "base64,".len();
        let end = at + html[at..].find('"').unwrap();
        let broken = dir.path().join(name);
        fs::write(&broken, format!("{}{payload}{}", &html[..at], &html[end..])).unwrap();
        let err = check(&open(&broken), images, &SECTIONS).unwrap_err();
        assert!(err.contains(&format!("found Some(\"data-images-loaded=\\\"{}/{images}", images - 1)), "{name}: {err}");
    }
}

#[test]
fn the_check_fails_on_a_script_error() {
    if !chromium_available() {
        return;
    }
    let (dir, path, images) = full_report();
    let html = fs::read_to_string(&path).unwrap();
    let broken = dir.path().join("script-error.html");
    fs::write(&broken, html.replace("</main>", "</main><script>notDefinedAnywhere();</script>")).unwrap();
    let err = check(&open(&broken), images, &SECTIONS).unwrap_err();
    assert!(err.contains("Uncaught ReferenceError: notDefinedAnywhere"), "{err}");
}

#[test]
fn an_unsupervised_run_with_only_curves_opens_cleanly() {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let curve: Vec<CurvePoint> = (1..=12u32)
        .map(|e| CurvePoint {
            epoch: e as usize,
            examples_seen: u64::from(e) * 500,
            updates: u64::from(e) * 50,
            train_loss: 60.0 / f64::from(e),
            valid_error: 30.0 + (f64::from(e) - 6.0).powi(2),
            learning_rate: 0.01,
        })
        .collect();
    fs::write(dir.path().join(tricks_run::files::CURVES_CSV), curves_csv(ValidationMeasure::ReconstructionError, &curve)).unwrap();
    let page = open(&tricks_report::write_report(dir.path()).unwrap());
    check(&page, 0, &["diagnosis", "curves", "files"]).unwrap();
    assert!(page.dom.contains("over-fitting"), "rising reconstruction error read as over-fitting");
    assert!(!page.dom.contains("<section id=\"figures\">"));
}

/// Checks that need no browser: offline, escaped, atomic, every picture embedded.
#[test]
fn report_is_self_contained_and_escaped() {
    let (dir, path, images) = full_report();
    assert_eq!(path, dir.path().join("report.html"));
    let html = fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_eq!(html.matches("<img src=\"data:image/png;base64,").count(), images);
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\"file"));
    assert!(html.contains("&lt;not markup&gt;") && !html.contains("<not markup>"));
    assert!(html.contains("embedded UCI digits &lt;8x8&gt;"));
    // The stack writes `level1-filters.png` (tricks_run::files::level_filters): the report names its level.
    assert_eq!(tricks_run::files::level_filters(1), "level1-filters.png");
    assert!(html.contains("Pretraining level 1 of the stack: filters"), "the level's picture has its caption");
    for id in SECTIONS {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    let order: Vec<usize> = ["curves.png", "filters.png", "layer_histograms.png", "extra plot.png", "level1-filters.png"]
        .iter()
        .map(|n| html.find(&format!("data-file=\"{n}\"")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "known pictures first, the rest by name: {order:?}");
    let names: Vec<String> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.starts_with('.')), "no temporary left: {names:?}");
    let png = fs::read(dir.path().join("curves.png")).unwrap();
    fs::write(dir.path().join("truncated.png"), &png[..png.len() / 2]).unwrap();
    let err = tricks_report::write_report(dir.path()).unwrap_err().to_string();
    assert!(err.contains("truncated.png") && err.contains("not a whole PNG"), "{err}");
    fs::remove_file(dir.path().join("truncated.png")).unwrap();
    fs::write(dir.path().join("run.json"), "{ oops").unwrap();
    let err = tricks_report::write_report(dir.path()).unwrap_err().to_string();
    assert!(err.contains("run.json"), "{err}");
}

/// A hostile string for a cell: unescaped, it would run a script (a console message) and add an
/// image that the CSP blocks (a console message, and one `<img>` too many).
const HOSTILE: &str = "<script>console.log('not escaped')</script>\"><img src=x onerror=\"console.log(1)\">&amp;'";

/// A study's page like `tricks search report` writes: four pictures drawn by `tricks_plot::lines`,
/// a top-trials table with a hostile cell, and notes.
fn search_fixture(dir: &Path) -> tricks_report::SearchPage {
    let curve = |f: fn(f64) -> f64| vec![Series::new("random (lr-study)", (1..=32).map(|n| (f64::from(n), f(f64::from(n)))).collect())];
    let mut pictures = Vec::new();
    for (name, log_y) in [("best_in_n.png", false), ("history.png", false), ("param-optimiser_learning_rate.png", true), ("compare.png", false)] {
        let path = dir.join(name);
        tricks_plot::lines(&path, name, "trials N", "validation error", &curve(|n| 2.0 + 8.0 / n), log_y).unwrap();
        pictures.push(path);
    }
    let header = ["rank", "trial", "valid error", "optimiser.learning_rate", "model.activation"].map(String::from).to_vec();
    let rows = vec![
        ["1", "17", "2.092050209205021", "0.0123456789", "rectifier"].map(String::from).to_vec(),
        ["2", "4", "2.510460251046025", "0.05", HOSTILE].map(String::from).to_vec(),
        ["3", "9", "3.3472803347280333", "0.001", "tanh"].map(String::from).to_vec(),
    ];
    tricks_report::SearchPage {
        title: "tricks search lr-study".to_string(),
        subtitle: "32 trials (30 finished, 2 failed) · best validation error 2.09 % · random".to_string(),
        header,
        rows,
        notes: vec![
            "the best `optimiser.learning_rate` = 0.0123 lies at the low border of its range: widen it (to [0.001, 0.1])".to_string(),
            format!("trial 12 failed: {HOSTILE}"),
        ],
        pictures,
    }
}

const SEARCH_SECTIONS: [&str; 3] = ["top-trials", "notes", "figures"];

#[test]
fn search_page_opens_in_chromium_with_no_console_message_and_every_image_loaded() {
    if !chromium_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = search_fixture(dir.path());
    let path = tricks_report::write_search_page(&dir.path().join("index.html"), &page).unwrap();
    let shown = open(&path);
    check(&shown, page.pictures.len(), &SEARCH_SECTIONS).unwrap();
    assert!(shown.dom.contains("data-images-failed=\"\""));
    for id in SEARCH_SECTIONS {
        assert!(shown.dom.contains(&format!("<a href=\"#{id}\">")), "navigation to #{id}");
    }
    assert!(shown.dom.contains("Optimisation history") && shown.dom.contains("Validation error against optimiser_learning_rate"));
    // The hostile cell and note are shown as text: no script ran (no console message, checked above), no image was added.
    assert!(shown.dom.contains("&lt;script&gt;console.log('not escaped')&lt;/script&gt;\"&gt;&lt;img src=x"), "hostile string shown as text");
    // The same page with the hostile cell left unescaped fails the check: the check can see it.
    let html = fs::read_to_string(&path).unwrap();
    let escaped = "&lt;script&gt;console.log(&#39;not escaped&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&quot;console.log(1)&quot;&gt;&amp;amp;&#39;";
    let unescaped = dir.path().join("unescaped.html");
    fs::write(&unescaped, html.replacen(escaped, HOSTILE, 1)).unwrap();
    let err = check(&open(&unescaped), page.pictures.len(), &SEARCH_SECTIONS).unwrap_err();
    assert!(err.contains("not escaped"), "{err}");
}

/// Checks that need no browser: offline, escaped, atomic, every picture embedded in order, and a
/// missing or broken picture refused by name.
#[test]
fn search_page_is_self_contained_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = search_fixture(dir.path());
    let path = dir.path().join("index.html");
    assert_eq!(tricks_report::write_search_page(&path, &page).unwrap(), path);
    let html = fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:"));
    assert_eq!(html.matches("<img ").count(), page.pictures.len());
    assert_eq!(html.matches("<img src=\"data:image/png;base64,").count(), page.pictures.len());
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\"file"));
    assert!(!html.contains(HOSTILE) && !html.contains("<script>console") && !html.contains("<img src=x"));
    let escaped = "&lt;script&gt;console.log(&#39;not escaped&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&quot;console.log(1)&quot;&gt;&amp;amp;&#39;";
    assert_eq!(html.matches(escaped).count(), 2, "the hostile cell and the hostile note, escaped");
    assert_eq!(html.matches("<script>").count(), 1, "only the page's own script");
    let order: Vec<usize> = page.pictures.iter().map(|p| html.find(&format!("data-file=\"{}\"", p.file_name().unwrap().to_string_lossy())).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "pictures in the caller's order: {order:?}");
    assert!(html.find("<section id=\"top-trials\">") < html.find("<section id=\"notes\">"));
    assert!(html.find("<section id=\"notes\">") < html.find("<section id=\"figures\">"));
    assert!(html.contains("<title>tricks search lr-study</title>") && html.contains("best validation error 2.09 %"));
    let names: Vec<String> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.starts_with('.')), "no temporary left: {names:?}");

    // A picture that is not a whole PNG, or missing, is an error naming it; the page is left as it was.
    let png = fs::read(&page.pictures[1]).unwrap();
    fs::write(&page.pictures[1], &png[..png.len() / 2]).unwrap();
    let err = tricks_report::write_search_page(&path, &page).unwrap_err().to_string();
    assert!(err.contains("history.png") && err.contains("not a whole PNG"), "{err}");
    page.pictures[1] = dir.path().join("absent.png");
    let err = tricks_report::write_search_page(&path, &page).unwrap_err().to_string();
    assert!(err.contains("absent.png"), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), html, "a refused page leaves the old one");

    // Without notes or pictures those sections are left out.
    let bare = tricks_report::SearchPage { notes: Vec::new(), pictures: Vec::new(), ..page };
    let html = fs::read_to_string(tricks_report::write_search_page(&path, &bare).unwrap()).unwrap();
    assert!(html.contains("<section id=\"top-trials\">") && !html.contains("<section id=\"notes\">") && !html.contains("<section id=\"figures\">"));
    assert!(!html.contains("<img "));
}

/// Keeps a fixture report for looking at: `TRICKS_REPORT_FIXTURE=/some/dir cargo test ... keep_fixture`.
#[test]
#[ignore = "writes a fixture run directory where TRICKS_REPORT_FIXTURE says, for viewing"]
fn keep_fixture() {
    let dir = PathBuf::from(std::env::var("TRICKS_REPORT_FIXTURE").expect("set TRICKS_REPORT_FIXTURE"));
    fs::create_dir_all(&dir).unwrap();
    fixture(&dir);
    println!("{}", tricks_report::write_report(&dir).unwrap().display());
}
