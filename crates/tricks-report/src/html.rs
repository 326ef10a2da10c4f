//! HTML building blocks: escaping, tables, number display, the page's CSS and its one script.

use std::fmt::Write as _;

/// `s` with `& < > " '` escaped, safe in text and in quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number-looking field shortened for reading (6 significant digits, integers as they are);
/// anything else unchanged.
pub(crate) fn pretty(field: &str) -> String {
    let f = field.trim();
    let Ok(v) = f.parse::<f64>() else {
        return field.to_string();
    };
    if !f.contains(['.', 'e', 'E']) || !v.is_finite() {
        return f.to_string();
    }
    if v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-4) {
        return format!("{v:.4e}");
    }
    let decimals = (5 - v.abs().max(1e-4).log10().floor() as i32).clamp(0, 9) as usize;
    let s = format!("{v:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// One `<td>`: numbers right-aligned and shortened, with the exact value as a tooltip.
pub(crate) fn cell(field: &str) -> String {
    let p = pretty(field);
    if field.trim().parse::<f64>().is_ok() {
        if p == field.trim() {
            format!("<td class=\"n\">{}</td>", escape(&p))
        } else {
            format!("<td class=\"n\" title=\"{}\">{}</td>", escape(field), escape(&p))
        }
    } else {
        format!("<td>{}</td>", escape(field))
    }
}

/// A two-column key/value table; `class_of(key)` may give a row a class.
pub(crate) fn kv_table(out: &mut String, rows: &[(String, String)], class_of: impl Fn(&str) -> Option<&'static str>) {
    out.push_str("<table class=\"kv\"><tbody>\n");
    for (k, v) in rows {
        let class = class_of(k).map(|c| format!(" class=\"{c}\"")).unwrap_or_default();
        let _ = writeln!(out, "<tr{class}><th scope=\"row\">{}</th>{}</tr>", escape(k), cell(v));
    }
    out.push_str("</tbody></table>\n");
}

/// A table with a header row; `class_of(row index)` may give a row a class.
pub(crate) fn table(out: &mut String, header: &[String], rows: &[&[String]], class_of: impl Fn(usize) -> Option<&'static str>) {
    out.push_str("<div class=\"scroll\"><table><thead><tr>");
    for h in header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (i, row) in rows.iter().enumerate() {
        let class = class_of(i).map(|c| format!(" class=\"{c}\"")).unwrap_or_default();
        let _ = write!(out, "<tr{class}>");
        for f in row.iter() {
            out.push_str(&cell(f));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// The page's style sheet (inline: the report must work offline, alone).
pub(crate) const CSS: &str = "\
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d232b;max-width:1100px;margin:0 auto;padding:1em 1.5em 3em;background:#fff}
h1{font-size:1.6em;margin:.4em 0 .1em}h2{font-size:1.25em;border-bottom:1px solid #d8dde3;padding-bottom:.2em;margin-top:1.8em}
h3{font-size:1.05em;margin:1.2em 0 .4em}.sub{color:#5b6470;margin:0 0 1em}
nav a{margin-right:.9em;color:#2857a4;text-decoration:none}nav a:hover{text-decoration:underline}
table{border-collapse:collapse;font-size:.92em;margin:.3em 0 1em}th,td{border:1px solid #d8dde3;padding:.22em .55em;text-align:left;vertical-align:top}
thead th{background:#f1f3f6;position:sticky;top:0}th[scope=row]{background:#f7f8fa;font-weight:500;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em}
td.n{text-align:right;font-variant-numeric:tabular-nums}.scroll{max-height:32em;overflow:auto}
tr.data th,tr.data td{background:#eef5ff}tr.flagged td,tr.flagged th{background:#fff0f0;color:#8a1010;font-weight:600}
.verdict{display:inline-block;padding:.25em .8em;border-radius:1em;font-weight:700;color:#fff;background:#5b6470}
.v-Healthy{background:#2f7d3a}.v-OverFitting,.v-UnderFitting{background:#b8680b}.v-Diverging,.v-NotLearning{background:#b3261e}
.finding{border-left:4px solid #9aa3ad;padding:.3em .8em;margin:.8em 0;background:#f7f8fa}
.s-Warning{border-color:#b8680b}.s-Problem{border-color:#b3261e;background:#fff4f3}.s-Note{border-color:#2857a4}
.finding p{margin:.2em 0}.finding ul{margin:.3em 0 .2em 1.2em;padding:0}.pages{color:#5b6470;white-space:nowrap}
.flags{border:2px solid #b3261e;background:#fff4f3;padding:.3em .8em}
figure{margin:1.2em 0;padding:.6em;border:1px solid #d8dde3;border-radius:4px}figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{margin-top:.4em;color:#333}.file{color:#5b6470;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f7f8fa;border:1px solid #d8dde3;padding:.7em;overflow:auto;font-size:.9em}
footer{margin-top:3em;color:#5b6470;font-size:.85em}
";

/// The page's only script: after load, records on `<body>` how many images loaded
/// (`data-images-loaded="ok/total"`) and which did not (`data-images-failed`), for the headless
/// Chromium check. It changes nothing visible and cannot throw.
pub(crate) const SCRIPT: &str = "\
(function () {
  function record() {
    var images = document.images, ok = 0, failed = [];
    for (var i = 0; i < images.length; i++) {
      if (images[i].complete && images[i].naturalWidth > 0) { ok++; } else { failed.push(images[i].getAttribute('data-file') || String(i)); }
    }
    document.body.setAttribute('data-images-loaded', ok + '/' + images.length);
    document.body.setAttribute('data-images-failed', failed.join(' '));
  }
  if (document.readyState === 'complete') { record(); } else { window.addEventListener('load', record); }
})();
";

/// Content security policy: nothing from outside the page may load (images only as `data:` URLs).
pub(crate) const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn numbers_are_shortened_for_reading() {
        assert_eq!(pretty("97.21448467966574"), "97.2145");
        assert_eq!(pretty("0.01"), "0.01");
        assert_eq!(pretty("1199"), "1199");
        assert_eq!(pretty("0.000012345"), "1.2345e-5");
        assert_eq!(pretty("NaN"), "NaN");
        assert_eq!(pretty("tanh"), "tanh");
        assert_eq!(cell("0.5"), "<td class=\"n\">0.5</td>");
        assert!(cell("97.21448467966574").contains("title=\"97.21448467966574\""));
        assert_eq!(cell("<b>"), "<td>&lt;b&gt;</td>");
    }
}
