use super::write;
use crate::{DataError, DataSource, Header, LabelColumn};
use std::path::PathBuf;

fn parse(spec: &str) -> Result<DataSource, DataError> {
    DataSource::parse(spec, LabelColumn::Last, Header::Detect)
}

#[test]
fn specs_map_to_sources() {
    assert_eq!(parse("digits").unwrap(), DataSource::Digits);
    assert_eq!(parse("").unwrap(), DataSource::Digits);
    assert_eq!(parse("fashion-mnist").unwrap(), DataSource::Idx(PathBuf::from("/usr/share/datasets/fashion-mnist")));
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(parse(dir.path().to_str().unwrap()).unwrap(), DataSource::Idx(dir.path().to_path_buf()));
    for name in ["a.csv", "b.CSV.gz"] {
        let p = write(dir.path(), name, b"1,0\n");
        let s = DataSource::parse(p.to_str().unwrap(), LabelColumn::Name("y".into()), Header::Present).unwrap();
        assert_eq!(s, DataSource::Csv { path: p, label: LabelColumn::Name("y".into()), header: Header::Present });
    }
    let other = write(dir.path(), "notes.txt", b"hello");
    assert!(matches!(parse(other.to_str().unwrap()), Err(DataError::Unsupported { .. })));
}

#[test]
fn missing_paths_are_named() {
    for spec in ["/no/such/file.csv", "/no/such/folder"] {
        let e = parse(spec).unwrap_err();
        assert!(matches!(e, DataError::NotFound { .. }), "{e:?}");
        assert!(e.to_string().starts_with(&format!("{spec}: not found")), "{e}");
    }
    let e = crate::load(&DataSource::Csv { path: "/no/such/file.csv".into(), label: LabelColumn::Last, header: Header::Detect }).unwrap_err();
    assert!(matches!(e, DataError::NotFound { .. }), "{e:?}");
}

#[test]
fn label_column_flag_is_an_index_when_numeric_else_a_name() {
    assert_eq!(LabelColumn::from_flag(None), LabelColumn::Last);
    assert_eq!(LabelColumn::from_flag(Some("3")), LabelColumn::Index(3));
    assert_eq!(LabelColumn::from_flag(Some("class")), LabelColumn::Name("class".into()));
}

#[test]
fn flags_build_a_source_with_every_csv_option_and_an_absolute_path() {
    assert_eq!(DataSource::from_flags("digits", Some("7"), Header::Absent).unwrap(), DataSource::Digits);
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "d.csv", b"a,b,y\n1,2,0\n");
    let s = DataSource::from_flags(p.to_str().unwrap(), Some("y"), Header::Present).unwrap();
    assert_eq!(s, DataSource::Csv { path: p.clone(), label: LabelColumn::Name("y".into()), header: Header::Present });
    // A relative path is recorded absolute, so the record loads from any working directory.
    let here = tempfile::tempdir_in(".").unwrap();
    write(here.path(), "r.csv", b"1,0\n");
    let relative = format!("{}/r.csv", here.path().file_name().unwrap().to_str().unwrap());
    let DataSource::Csv { path, .. } = DataSource::from_flags(&relative, None, Header::Detect).unwrap() else { panic!() };
    assert!(path.is_absolute() && path.ends_with(&relative), "{}", path.display());
    assert_eq!(path, std::env::current_dir().unwrap().join(&relative));
}

#[test]
fn sources_round_trip_through_json_with_every_option() {
    let sources = [
        DataSource::Digits,
        DataSource::Idx(PathBuf::from("/usr/share/datasets/fashion-mnist")),
        DataSource::Csv { path: "/data/x.csv.gz".into(), label: LabelColumn::Last, header: Header::Detect },
        DataSource::Csv { path: "/data/x.csv".into(), label: LabelColumn::Index(0), header: Header::Absent },
        DataSource::Csv { path: "/data/x.csv".into(), label: LabelColumn::Name("class".into()), header: Header::Present },
    ];
    for s in sources {
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<DataSource>(&json).unwrap(), s, "{json}");
    }
    let csv = DataSource::Csv { path: "/data/x.csv".into(), label: LabelColumn::Name("y".into()), header: Header::Present };
    assert_eq!(serde_json::to_value(&csv).unwrap(), serde_json::json!({"csv": {"path": "/data/x.csv", "label": {"name": "y"}, "header": "present"}}));
    assert_eq!(serde_json::to_value(DataSource::Digits).unwrap(), serde_json::json!("digits"));
    let typo = r#"{"csv": {"path": "/x.csv", "label": "last", "header": "detect", "headr": "absent"}}"#;
    assert!(serde_json::from_str::<DataSource>(typo).is_err());
}
