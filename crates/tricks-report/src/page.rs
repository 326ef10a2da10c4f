//! The whole page: head, navigation, the sections that have something to show, footer.

use std::fmt::Write as _;
use std::path::Path;

use crate::diagnosis::Diagnosis;
use crate::html::{CSP, CSS, SCRIPT, escape};
use crate::run_files::RunFiles;
use crate::sections;

/// The report of `dir` as one self-contained HTML5 document.
pub(crate) fn render(dir: &Path, files: &RunFiles, diagnosis: &Diagnosis) -> String {
    let recipe_name = files.recipe.as_ref().and_then(|r| r.get("name")).and_then(|n| n.as_str());
    // A run being written lives in a staging folder; report.json names its final place.
    let final_dir = files.report.as_ref().and_then(|r| r.get("run_dir")).and_then(|d| d.as_str()).map(Path::new);
    let dir_name = final_dir.unwrap_or(dir).file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
    let title = match recipe_name {
        Some(n) => format!("tricks run {dir_name}: {n}"),
        None => format!("tricks run {dir_name}"),
    };

    // (id, navigation label, heading, body) of each section that has content.
    let mut parts: Vec<(&str, &str, &str, String)> = Vec::new();
    let mut add = |id, nav, heading, write: &dyn Fn(&mut String)| {
        let mut body = String::new();
        write(&mut body);
        parts.push((id, nav, heading, body));
    };
    add("diagnosis", "Diagnosis", "Diagnosis: under- or over-fitting?", &|o| sections::diagnosis(o, diagnosis));
    if let Some(r) = &files.report {
        add("results", "Results", "Results (report.json)", &|o| sections::results(o, r));
    }
    if !files.images.is_empty() {
        add("figures", "Figures", "Figures", &|o| sections::figures(o, &files.images));
    }
    if let Some(t) = &files.layer_stats {
        add("layer-stats", "Layer statistics", "Per-layer statistics (layer_stats.csv, p.23)", &|o| sections::layer_stats(o, t));
    }
    if let Some(t) = &files.curves {
        add("curves", "Curves", "Learning curves (curves.csv, p.22)", &|o| sections::curves(o, t));
    }
    if let Some(r) = &files.run {
        add("run", "Run and data", "Run and data (run.json)", &|o| sections::run(o, r));
    }
    if let Some(r) = &files.recipe {
        add("recipe", "Recipe", "Recipe (recipe.json)", &|o| sections::recipe(o, r));
    }
    if let Some(s) = &files.summary {
        add("summary", "Summary", "Summary (summary.txt)", &|o| o.push_str(&format!("<pre>{}</pre>\n", escape(s))));
    }
    add("files", "Files", "Files", &|o| sections::listing(o, &files.listing));

    let footer = format!("Written by tricks-report {} from the run directory {}.", env!("CARGO_PKG_VERSION"), dir.display());
    document(&title, &subtitle(dir, files, diagnosis), &parts, &footer)
}

/// A section of a page: anchor id, navigation label, heading (plain text) and body (HTML).
pub(crate) type Part<'a> = (&'a str, &'a str, &'a str, String);

/// One self-contained HTML5 document: the CSP, the inline CSS, a header with `title`, `subtitle`
/// and a navigation bar to `parts`, the sections, a footer (`footer` is plain text) and the
/// image-status script. Shared by the run report and the search page.
pub(crate) fn document(title: &str, subtitle: &str, parts: &[Part<'_>], footer: &str) -> String {
    let mut out = String::with_capacity(64 * 1024 + parts.iter().map(|p| p.3.len()).sum::<usize>());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        escape(title),
        escape(title),
        escape(subtitle),
    );
    out.push_str("<nav>");
    for (id, nav, _, _) in parts {
        let _ = write!(out, "<a href=\"#{id}\">{}</a>", escape(nav));
    }
    out.push_str("</nav>\n</header>\n<main>\n");
    for (id, _, heading, body) in parts {
        let _ = write!(out, "<section id=\"{id}\">\n<h2>{}</h2>\n{body}</section>\n", escape(heading));
    }
    let _ = write!(
        out,
        "</main>\n<footer>{} Self-contained: styles and pictures are embedded, nothing is fetched.</footer>\n\
         <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        escape(footer),
    );
    out
}

/// One line under the title: the headline numbers that exist, and the verdict.
fn subtitle(dir: &Path, files: &RunFiles, diagnosis: &Diagnosis) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &files.report {
        for (key, label, unit) in [
            ("test_accuracy", "test accuracy", " %"),
            ("valid_error", "validation error", " %"),
            ("train_error", "training error", " %"),
            ("epochs", "epochs", ""),
        ] {
            if let Some(v) = sections::headline(r, key) {
                parts.push(format!("{label} {v}{unit}"));
            }
        }
    }
    parts.push(format!("diagnosis: {}", diagnosis.verdict.label()));
    if parts.len() == 1 {
        parts.insert(0, dir.display().to_string());
    }
    parts.join(" · ")
}
