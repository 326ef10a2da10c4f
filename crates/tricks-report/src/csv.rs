//! A small CSV reader for the run directory's tables: a header line, then rows of as many fields;
//! fields may be double-quoted (a quoted field may hold commas and `""` for a quote, not line breaks).

use std::path::Path;

use crate::ReportError;

/// A CSV table: column names and rows of text fields, every row as long as the header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Column names, from the header line.
    pub header: Vec<String>,
    /// Data rows, in file order.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses `text`, read from `path` (named in errors, with the line number).
    pub fn parse(path: &Path, text: &str) -> Result<Self, ReportError> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, first)) = lines.next() else {
            return Err(ReportError::invalid(path, "empty file: no header line"));
        };
        let bad = |line: usize, msg: String| ReportError::invalid(path, format!("line {}: {msg}", line + 1));
        let header: Vec<String> = fields(first).map_err(|m| bad(0, m))?.into_iter().map(|h| h.trim().to_string()).collect();
        let mut rows = Vec::new();
        for (i, line) in lines {
            let row = fields(line).map_err(|m| bad(i, m))?;
            if row.len() != header.len() {
                return Err(bad(i, format!("{} fields, the header has {}", row.len(), header.len())));
            }
            rows.push(row);
        }
        Ok(Self { header, rows })
    }

    /// Index of the column named `name`, if any.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// The fields of one line.
fn fields(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                out.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_string());
    }
    out.push(field);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rows_quotes_and_columns() {
        let t = Table::parse(Path::new("t.csv"), "a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n4,5,\n").unwrap();
        assert_eq!(t.header, ["a", "b", "c"]);
        assert_eq!(t.rows, [vec!["1", "x, \"y\"", "3"], vec!["4", "5", ""]]);
        assert_eq!(t.column("c"), Some(2));
    }

    #[test]
    fn ragged_rows_empty_files_and_open_quotes_are_errors_naming_file_and_line() {
        let p = Path::new("curves.csv");
        let e = Table::parse(p, "a,b\n1,2\n3\n").unwrap_err().to_string();
        assert!(e.contains("curves.csv") && e.contains("line 3"), "{e}");
        assert!(Table::parse(p, "\n").unwrap_err().to_string().contains("empty"));
        assert!(Table::parse(p, "a\n\"x\n").unwrap_err().to_string().contains("line 2"));
    }
}
