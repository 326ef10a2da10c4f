use super::{gz, write};
use crate::{DataError, DataSource, Header, LabelColumn, load};
use std::path::Path;

fn parse(text: &str, label: LabelColumn, header: Header) -> Result<crate::Dataset, DataError> {
    crate::csv::parse(Path::new("my.csv"), text.as_bytes().to_vec(), &label, &header)
}

fn ok(text: &str, label: LabelColumn, header: Header) -> crate::Dataset {
    parse(text, label, header).unwrap()
}

#[test]
fn header_is_detected() {
    let with = ok("a, b ,label\n1,2,0\n3,4,2\n", LabelColumn::Last, Header::Detect);
    assert_eq!(with.len(), 2);
    assert_eq!(with.dim, 2);
    assert_eq!(with.features, vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(with.labels, vec![0, 2]);
    assert_eq!(with.classes, 3);
    let without = ok("1,2,0\r\n3,4,1\r\n\r\n", LabelColumn::Last, Header::Detect);
    assert_eq!(without.len(), 2);
    assert_eq!(without.features, vec![1.0, 2.0, 3.0, 4.0]);
    // A non-numeric label alone does not make a header: it is a bad label.
    let e = parse("1,2,cat\n3,4,1\n", LabelColumn::Last, Header::Detect).unwrap_err();
    assert!(matches!(e, DataError::Label { line: 1, .. }), "{e:?}");
}

#[test]
fn header_can_be_declared() {
    let d = ok("1,2,3\n4,5,1\n", LabelColumn::Last, Header::Present);
    assert_eq!(d.len(), 1);
    assert_eq!(d.features, vec![4.0, 5.0]);
    let e = parse("x,y,label\n4,5,1\n", LabelColumn::Last, Header::Absent).unwrap_err();
    assert!(matches!(e, DataError::CsvNotNumeric { line: 1, column: 1, .. }), "{e:?}");
}

#[test]
fn label_column_by_name_and_index() {
    let text = "x,\"y\",z\n1,7,3\n4,8,6\n";
    let by_name = ok(text, LabelColumn::Name("y".into()), Header::Detect);
    assert_eq!(by_name.labels, vec![7, 8]);
    assert_eq!(by_name.features, vec![1.0, 3.0, 4.0, 6.0]);
    assert_eq!(by_name.classes, 9);
    let by_index = ok(text, LabelColumn::Index(0), Header::Detect);
    assert_eq!(by_index.labels, vec![1, 4]);
    assert_eq!(by_index.features, vec![7.0, 3.0, 8.0, 6.0]);

    let e = parse(text, LabelColumn::Name("w".into()), Header::Detect).unwrap_err();
    assert!(matches!(e, DataError::LabelColumn { .. }));
    assert!(e.to_string().contains("my.csv: no column named \"w\""), "{e}");
    let e = parse(text, LabelColumn::Index(3), Header::Detect).unwrap_err();
    assert!(matches!(e, DataError::LabelColumn { .. }));
    let e = parse("1,2\n3,4\n", LabelColumn::Name("y".into()), Header::Detect).unwrap_err();
    assert!(matches!(e, DataError::LabelColumn { .. }), "{e:?}");
}

#[test]
fn ragged_rows_name_line_and_counts() {
    let e = parse("a,b,c\n1,2,0\n\n1,2\n", LabelColumn::Last, Header::Detect).unwrap_err();
    assert!(matches!(e, DataError::CsvRagged { line: 4, expected: 3, found: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("my.csv: line 4: 2 columns, expected 3"), "{e}");
    let e = parse("1,2,0\n1,2,3,4\n", LabelColumn::Last, Header::Detect).unwrap_err();
    assert!(matches!(e, DataError::CsvRagged { line: 2, expected: 3, found: 4, .. }), "{e:?}");
}

#[test]
fn non_numeric_field_names_line_column_and_text() {
    let e = parse("1,2,0\n1,two,0\n", LabelColumn::Last, Header::Detect).unwrap_err();
    assert!(matches!(&e, DataError::CsvNotNumeric { line: 2, column: 2, text, .. } if text == "two"), "{e:?}");
    assert!(e.to_string().contains("my.csv: line 2, column 2: \"two\" is not a number"), "{e}");
    let e = parse("1,2,0\n1,,0\n", LabelColumn::Last, Header::Detect).unwrap_err();
    assert!(matches!(&e, DataError::CsvNotNumeric { text, .. } if text.is_empty()), "{e:?}");
}

#[test]
fn labels_must_be_small_non_negative_integers() {
    assert_eq!(ok("1,3.0\n2,0\n", LabelColumn::Last, Header::Detect).labels, vec![3, 0]);
    for (bad, reason) in [("-1", "negative"), ("1.5", "not an integer"), ("1000", "1000 classes"), ("x", "not a number")] {
        let e = parse(&format!("1,0\n2,{bad}\n"), LabelColumn::Last, Header::Absent).unwrap_err();
        assert!(matches!(e, DataError::Label { line: 2, .. }), "{bad}: {e:?}");
        let msg = e.to_string();
        assert!(msg.contains("my.csv: line 2") && msg.contains(reason), "{msg}");
    }
    assert_eq!(ok("1,999\n", LabelColumn::Last, Header::Absent).classes, 1000);
}

#[test]
fn non_finite_features_are_refused() {
    for bad in ["NaN", "inf", "-inf", "1e99"] {
        let e = parse(&format!("1,2,0\n3,{bad},1\n"), LabelColumn::Last, Header::Detect).unwrap_err();
        assert!(matches!(&e, DataError::NonFinite { column: 2, place, .. } if place == "line 2"), "{bad}: {e:?}");
        assert!(e.to_string().contains("my.csv: line 2, column 2"), "{e}");
    }
}

#[test]
fn empty_inputs_are_refused() {
    for text in ["", "\n\n", "a,b,label\n"] {
        let e = parse(text, LabelColumn::Last, Header::Detect).unwrap_err();
        assert!(matches!(e, DataError::Empty { .. }), "{text:?}: {e:?}");
        assert!(e.to_string().contains("my.csv"), "{e}");
    }
    let e = parse("1\n2\n", LabelColumn::Last, Header::Detect).unwrap_err();
    assert!(matches!(e, DataError::LabelColumn { .. }), "{e:?}");
}

#[test]
fn non_utf8_is_refused_with_line() {
    let e = crate::csv::parse(Path::new("x.csv"), b"1,0\n\xff,1\n".to_vec(), &LabelColumn::Last, &Header::Detect).unwrap_err();
    assert!(matches!(e, DataError::CsvEncoding { line: 2, .. }), "{e:?}");
}

/// 30 rows: two features and a label `i % 3`.
fn table() -> String {
    let mut s = String::from("f1,f2,class\n");
    for i in 0..30 {
        s.push_str(&format!("{i},{},{}\n", i * 2, i % 3));
    }
    s
}

#[test]
fn csv_and_csv_gz_files_load_and_split_identically() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "t.csv", table().as_bytes());
    let zipped = write(dir.path(), "t.csv.gz", &gz(table().as_bytes()));
    let parse_src = |p: &Path| DataSource::parse(p.to_str().unwrap(), LabelColumn::Last, Header::Detect).unwrap();
    let a = load(&parse_src(&plain)).unwrap();
    let b = load(&parse_src(&zipped)).unwrap();
    assert_eq!((a.train.len(), a.valid.len(), a.test.len()), crate::split_sizes(30));
    assert_eq!((a.train.len(), a.valid.len(), a.test.len()), (20, 4, 6));
    assert_eq!(a.train, b.train);
    assert_eq!(a.test, b.test);
    assert_eq!(a.description.kind, "csv");
    assert_eq!(a.description.classes, 3);
    // Every row lands in exactly one split: feature 1 is the row number.
    let mut seen: Vec<u32> = [&a.train, &a.valid, &a.test].iter().flat_map(|d| (0..d.len()).map(|i| d.row(i)[0] as u32).collect::<Vec<_>>()).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..30).collect::<Vec<_>>());
}

#[test]
fn too_few_rows_to_split() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "small.csv", b"1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n");
    let e = load(&DataSource::Csv { path: p, label: LabelColumn::Last, header: Header::Detect }).unwrap_err();
    assert!(matches!(e, DataError::TooFewRows { rows: 6, needed: 7, .. }), "{e:?}");
    assert!(e.to_string().contains("small.csv"), "{e}");
}
