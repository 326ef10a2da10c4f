//! The report's sections, each written from one part of the run directory.

use std::fmt::Write as _;

use serde_json::Value;

use crate::csv::Table;
use crate::diagnosis::{self, Diagnosis, Measures};
use crate::flatten::{flatten, object_table};
use crate::html::{escape, kv_table, pretty, table};
use crate::images::Image;

/// The verdict, the numbers it read, the findings with the chapter's remedies, and the rules.
pub(crate) fn diagnosis(out: &mut String, d: &Diagnosis) {
    let _ = writeln!(out, "<p>Verdict: <span class=\"verdict v-{:?}\">{}</span></p>", d.verdict, escape(d.verdict.label()));
    kv_table(out, &measures(&d.measures), |_| None);
    if d.findings.is_empty() {
        out.push_str("<p>No finding by the rules below.</p>\n");
    }
    for f in &d.findings {
        let _ = writeln!(out, "<div class=\"finding s-{:?}\"><p><strong>{:?}</strong>: {}.</p><ul>", f.severity, f.severity, escape(&f.message));
        for r in f.remedies {
            let _ = writeln!(out, "<li>{} <span class=\"pages\">({})</span></li>", escape(r.text), escape(r.pages));
        }
        out.push_str("</ul></div>\n");
    }
    let rules = format!(
        "Over-fitting: gap (valid − train error) ≥ {} points and ≥ the training error; or the validation curve's \
         last-window mean more than {:.0} % above its best, the best before the window, while the training loss fell. \
         Under-fitting: training error ≥ {} % and larger than the gap; or (without over-fitting evidence) the best \
         validation value in the last window, {:.0} % or more better than before it. Plateau: less than {:.0} % \
         improvement of the training loss in the last window. Diverging: a non-finite value, or the training loss's \
         last-window mean {:.0} % above its minimum. Not learning: the training loss's minimum less than {:.0} % below \
         its first value. The last window is the last {:.0} % of the points, at least {}. For classification errors with a \
         known validation-set size, a gap, rise or improvement of fewer than {} validation examples is noise. All \
         thresholds are ours: the chapter gives none.",
        diagnosis::GAP_MIN,
        diagnosis::RISE_REL * 100.0,
        diagnosis::TRAIN_ERROR_MIN,
        diagnosis::PLATEAU_REL * 100.0,
        diagnosis::PLATEAU_REL * 100.0,
        diagnosis::RISING_REL * 100.0,
        diagnosis::PROGRESS_MIN * 100.0,
        diagnosis::WINDOW_FRACTION * 100.0,
        diagnosis::WINDOW_MIN,
        diagnosis::NOISE_EXAMPLES
    );
    let _ = writeln!(out, "<details><summary>Rules and thresholds</summary><p>{}</p></details>", escape(&rules));
}

fn measures(m: &Measures) -> Vec<(String, String)> {
    let pct = |v: f64| format!("{:.2} %", v * 100.0);
    let rows: [(&str, Option<String>); 9] = [
        ("validations in curves.csv", Some(m.points.to_string())),
        ("best validation value", m.best_valid.map(|v| v.to_string())),
        ("… at examples seen", m.best_valid_at.map(|v| v.to_string())),
        ("final validation value", m.final_valid.map(|v| v.to_string())),
        ("final training loss", m.final_train_loss.map(|v| v.to_string())),
        ("gap: valid − train error (points)", m.gap.map(|v| v.to_string())),
        ("training loss, improvement in the last window", m.train_window_improvement.map(pct)),
        ("validation, improvement in the last window", m.valid_window_improvement.map(pct)),
        ("validation, last-window mean above its best", m.valid_rise.map(pct)),
    ];
    rows.into_iter().filter_map(|(k, v)| Some((k.to_string(), v?))).collect()
}

/// `report.json`: every key; arrays of objects (e.g. per-layer probe scores) as their own tables.
pub(crate) fn results(out: &mut String, report: &Value) {
    let Some(map) = report.as_object() else {
        kv_table(out, &flatten("", report), |_| None);
        return;
    };
    let mut rows = Vec::new();
    let mut tables = Vec::new();
    for (k, v) in map {
        match object_table(v) {
            Some(t) => tables.push((k, t)),
            None => rows.extend(flatten(k, v)),
        }
    }
    kv_table(out, &rows, |_| None);
    for (k, (header, cells)) in tables {
        let _ = writeln!(out, "<h3>{}</h3>", escape(k));
        let cells: Vec<&[String]> = cells.iter().map(Vec::as_slice).collect();
        table(out, &header, &cells, |_| None);
    }
}

/// `run.json`: the data description first and highlighted, then everything else.
pub(crate) fn run(out: &mut String, run: &Value) {
    let is_data = |k: &str| k == "data" || k.starts_with("data.") || k == "source" || k.starts_with("source.") || k == "input_dim";
    let (mut rows, rest): (Vec<_>, Vec<_>) = flatten("", run).into_iter().partition(|(k, _)| is_data(k));
    rows.extend(rest);
    kv_table(out, &rows, |k| is_data(k).then_some("data"));
}

/// `recipe.json` as `dotted.path = value` rows.
pub(crate) fn recipe(out: &mut String, recipe: &Value) {
    kv_table(out, &flatten("", recipe), |_| None);
}

/// Every picture, embedded, with its caption.
pub(crate) fn figures(out: &mut String, images: &[Image]) {
    for img in images {
        figure(out, img, &img.caption());
    }
}

/// One picture as a `<figure>`, embedded as a `data:` URL, with `caption`, its file name and size.
pub(crate) fn figure(out: &mut String, img: &Image, caption: &str) {
    let id: String = img.name.trim_end_matches(".png").chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let _ = writeln!(
        out,
        "<figure id=\"fig-{}\"><img src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\" data-file=\"{}\">\
         <figcaption>{} <span class=\"file\">{} ({}×{})</span></figcaption></figure>",
        escape(&id),
        img.data_url(),
        escape(caption),
        img.size.0,
        img.size.1,
        escape(&img.name),
        escape(caption),
        escape(&img.name),
        img.size.0,
        img.size.1
    );
}

/// Columns that name a row of `layer_stats.csv` (its "row key"); those present are used.
const STAT_KEYS: [&str; 3] = ["layer", "tensor", "quantity"];

/// `layer_stats.csv`: the last snapshot of each row key, flagged rows first and highlighted.
pub(crate) fn layer_stats(out: &mut String, t: &Table) {
    let keys: Vec<usize> = STAT_KEYS.iter().filter_map(|k| t.column(k)).collect();
    let flag = t.column("flag").or_else(|| t.column("flags"));
    let is_flagged = |row: &[String]| flag.is_some_and(|c| flagged(&row[c]));
    let mut last: Vec<(Vec<&str>, usize)> = Vec::new();
    for (i, row) in t.rows.iter().enumerate() {
        let key: Vec<&str> = if keys.is_empty() { vec![] } else { keys.iter().map(|&c| row[c].as_str()).collect() };
        match last.iter_mut().find(|(k, _)| !keys.is_empty() && *k == key) {
            Some(slot) => slot.1 = i,
            None => last.push((key, i)),
        }
    }
    let rows: Vec<&[String]> = last.iter().map(|&(_, i)| t.rows[i].as_slice()).collect();
    let ever = t.rows.iter().filter(|r| is_flagged(r)).count();
    let flagged_now: Vec<&[String]> = rows.iter().copied().filter(|r| is_flagged(r)).collect();
    let what = if keys.is_empty() {
        "Every row (no layer, tensor or quantity column)".to_string()
    } else {
        format!("The last snapshot of each ({})", keys.iter().map(|&c| t.header[c].as_str()).collect::<Vec<_>>().join(", "))
    };
    let _ = writeln!(out, "<p>{}: {} of {} rows; {} flagged row(s) over the whole run.</p>", escape(&what), rows.len(), t.rows.len(), ever);
    if !flagged_now.is_empty() {
        let _ = writeln!(out, "<div class=\"flags\"><h3>Flagged in the last snapshot ({})</h3>", flagged_now.len());
        table(out, &t.header, &flagged_now, |_| Some("flagged"));
        out.push_str("</div>\n");
    } else if flag.is_none() {
        out.push_str("<p>(No flag column.)</p>\n");
    }
    table(out, &t.header, &rows, |i| is_flagged(rows[i]).then_some("flagged"));
}

/// Whether a flag field raises a flag: anything but empty, `0`, `false`, `no`, `ok`, `none` or `-`.
fn flagged(field: &str) -> bool {
    let f = field.trim().to_ascii_lowercase();
    !matches!(f.as_str(), "" | "0" | "false" | "no" | "ok" | "none" | "-")
}

/// `curves.csv` in full, folded.
pub(crate) fn curves(out: &mut String, t: &Table) {
    let _ = writeln!(out, "<details><summary>curves.csv: {} validations, columns {}</summary>", t.rows.len(), escape(&t.header.join(", ")));
    let rows: Vec<&[String]> = t.rows.iter().map(Vec::as_slice).collect();
    table(out, &t.header, &rows, |_| None);
    out.push_str("</details>\n");
}

/// The directory's entries with their sizes.
pub(crate) fn listing(out: &mut String, entries: &[(String, u64)]) {
    let rows: Vec<Vec<String>> = entries.iter().map(|(n, s)| vec![n.clone(), s.to_string()]).collect();
    let rows: Vec<&[String]> = rows.iter().map(Vec::as_slice).collect();
    table(out, &["file".to_string(), "bytes".to_string()], &rows, |_| None);
}

/// A value for a headline, shortened.
pub(crate) fn headline(report: &Value, key: &str) -> Option<String> {
    report.get(key).filter(|v| v.is_number()).map(|v| pretty(&v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn layer_stats_keeps_the_last_snapshot_per_key_and_puts_flags_first() {
        let csv = "updates,examples_seen,layer,tensor,quantity,mean,std,flag\n\
                   10,320,1,weight,value,0.1,0.2,\n10,320,1,bias,value,0,0,\n\
                   20,640,1,weight,value,0.3,0.4,saturated\n20,640,1,bias,value,0,0,ok\n";
        let t = Table::parse(Path::new("layer_stats.csv"), csv).unwrap();
        let mut out = String::new();
        layer_stats(&mut out, &t);
        assert!(out.contains("2 of 4 rows; 1 flagged row(s)"), "{out}");
        assert!(out.contains("Flagged in the last snapshot (1)"));
        assert_eq!(out.matches("<tr class=\"flagged\">").count(), 2, "in the box and in the table");
        assert!(!out.contains(">0.1<"), "old snapshot left out");
    }

    #[test]
    fn layer_stats_without_key_or_flag_columns_still_renders() {
        let t = Table::parse(Path::new("layer_stats.csv"), "updates,value\n1,2\n3,4\n").unwrap();
        let mut out = String::new();
        layer_stats(&mut out, &t);
        assert!(out.contains("2 of 2 rows") && out.contains("No flag column"), "{out}");
    }

    #[test]
    fn report_arrays_of_objects_become_tables_and_run_data_is_highlighted() {
        let mut out = String::new();
        results(&mut out, &serde_json::json!({"test_accuracy": 97.5, "probes": [{"layer": 1, "accuracy": 0.9}]}));
        assert!(out.contains("<h3>probes</h3>") && out.contains(">accuracy<"), "{out}");
        let mut out = String::new();
        run(&mut out, &serde_json::json!({"seed": 1, "data": {"source": "digits <embedded>"}}));
        assert!(out.contains("<tr class=\"data\"><th scope=\"row\">data.source</th><td>digits &lt;embedded&gt;</td>"), "{out}");
        assert!(out.find("data.source").unwrap() < out.find("seed").unwrap());
    }
}
