//! The page of a hyper-parameter search study (`tricks search report DIR`): the top trials, the
//! study's notes and its pictures, self-contained like `report.html` (same CSS, CSP, script,
//! escaping, tables and PNG checks).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::html::{escape, table};
use crate::images::Image;
use crate::page::{Part, document};
use crate::{ReportError, sections};

/// What a study's page shows; the caller (the CLI) fills it from the study.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchPage {
    /// The page's title, e.g. `tricks search lr-study`.
    pub title: String,
    /// One line under the title: counts, best score, strategy.
    pub subtitle: String,
    /// Header of the top trials' table (rank, trial, validation error, each hyper-parameter…).
    pub header: Vec<String>,
    /// The top trials, best first, one cell per header column.
    pub rows: Vec<Vec<String>>,
    /// Border warnings, widenings, failures (plain text, one per item).
    pub notes: Vec<String>,
    /// PNG files to embed, in this order (`best_in_n.png`, `history.png`, `param-*.png`, `compare.png`).
    pub pictures: Vec<PathBuf>,
}

/// Writes `page` to `path` as one self-contained HTML5 file, atomically (a temporary file in the
/// same directory, then a rename); returns `path`. A picture that is missing, unreadable or not a
/// whole PNG file is an error naming it, and nothing is written.
pub fn write_search_page(path: &Path, page: &SearchPage) -> Result<PathBuf, ReportError> {
    let images = page.pictures.iter().map(|p| Image::new(p, fs::read(p).map_err(|e| ReportError::io(p, e))?)).collect::<Result<Vec<_>, _>>()?;
    let html = render(page, &images);
    tricks_run::write_atomic(path, html.as_bytes()).map_err(|e| ReportError::invalid(path, e.message))?;
    Ok(path.to_path_buf())
}

/// The page as one HTML5 document: Top trials, Notes (if any), Figures (if any).
fn render(page: &SearchPage, images: &[Image]) -> String {
    let mut parts: Vec<Part<'_>> = Vec::new();
    let mut trials = String::new();
    if page.rows.is_empty() {
        trials.push_str("<p>No finished trial yet.</p>\n");
    } else {
        let rows: Vec<&[String]> = page.rows.iter().map(Vec::as_slice).collect();
        table(&mut trials, &page.header, &rows, |_| None);
    }
    parts.push(("top-trials", "Top trials", "Top trials", trials));
    if !page.notes.is_empty() {
        let mut notes = String::from("<div class=\"finding s-Warning\"><ul>\n");
        for note in &page.notes {
            let _ = writeln!(notes, "<li>{}</li>", escape(note));
        }
        notes.push_str("</ul></div>\n");
        parts.push(("notes", "Notes", "Notes", notes));
    }
    if !images.is_empty() {
        let mut figures = String::new();
        for img in images {
            sections::figure(&mut figures, img, &caption(&img.name));
        }
        parts.push(("figures", "Figures", "Figures", figures));
    }
    let footer = format!("Written by tricks-report {} for {}.", env!("CARGO_PKG_VERSION"), page.title);
    document(&page.title, &page.subtitle, &parts, &footer)
}

/// The caption of a study's picture, by its file name; an unknown picture is captioned by its name.
fn caption(name: &str) -> String {
    let stem = name.strip_suffix(".png").unwrap_or(name);
    match stem {
        "best_in_n" => "Best validation error among N trials: expected value ± one standard deviation, and box plots of the \
                        best of disjoint subsets of N trials (Bergstra & Bengio 2012, fig. 5)"
            .to_string(),
        "history" => "Optimisation history: each trial's validation error in trial order, and the best so far".to_string(),
        "compare" => "Best validation error among N trials, this study beside the studies compared with it (as random search against grid search)".to_string(),
        _ => match stem.strip_prefix("param-").filter(|p| !p.is_empty()) {
            Some(param) => format!("Validation error against {param}, one dot per trial: a best value at a border of the range calls for widening it (p.17)"),
            None => name.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_of_a_studys_pictures() {
        assert!(caption("best_in_n.png").contains("among N trials"));
        assert!(caption("history.png").starts_with("Optimisation history"));
        assert!(caption("compare.png").contains("compared"));
        assert!(caption("param-optimiser_learning_rate.png").starts_with("Validation error against optimiser_learning_rate"));
        assert_eq!(caption("param-.png"), "param-.png");
        assert_eq!(caption("other.png"), "other.png");
    }

    #[test]
    fn sections_follow_the_content() {
        let page = SearchPage { title: "t".into(), header: vec!["rank".into()], ..SearchPage::default() };
        let html = render(&page, &[]);
        assert!(html.contains("<section id=\"top-trials\">") && html.contains("No finished trial yet"));
        assert!(!html.contains("<section id=\"notes\">") && !html.contains("<section id=\"figures\">"));
        let page = SearchPage { rows: vec![vec!["1".into()]], notes: vec!["a <b> note".into()], ..page };
        let html = render(&page, &[]);
        assert!(html.contains("<a href=\"#notes\">Notes</a>") && html.contains("<li>a &lt;b&gt; note</li>"));
        assert!(html.contains("<td class=\"n\">1</td>") && !html.contains("No finished trial yet"));
    }
}
