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
    assert_eq!(
        parse("fashion-mnist").unwrap(),
        DataSource::Idx(PathBuf::from("/usr/share/datasets/fashion-mnist"))
    );
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        parse(dir.path().to_str().unwrap()).unwrap(),
        DataSource::Idx(dir.path().to_path_buf())
    );
    for name in ["a.csv", "b.CSV.gz"] {
        let p = write(dir.path(), name, b"1,0\n");
        let s = DataSource::parse(
            p.to_str().unwrap(),
            LabelColumn::Name("y".into()),
            Header::Present,
        )
        .unwrap();
        assert_eq!(
            s,
            DataSource::Csv {
                path: p,
                label: LabelColumn::Name("y".into()),
                header: Header::Present
            }
        );
    }
    let other = write(dir.path(), "notes.txt", b"hello");
    assert!(matches!(
        parse(other.to_str().unwrap()),
        Err(DataError::Unsupported { .. })
    ));
}

#[test]
fn missing_paths_are_named() {
    for spec in ["/no/such/file.csv", "/no/such/folder"] {
        let e = parse(spec).unwrap_err();
        assert!(matches!(e, DataError::NotFound { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with(&format!("{spec}: not found")),
            "{e}"
        );
    }
    let e = crate::load(&DataSource::Csv {
        path: "/no/such/file.csv".into(),
        label: LabelColumn::Last,
        header: Header::Detect,
    })
    .unwrap_err();
    assert!(matches!(e, DataError::NotFound { .. }), "{e:?}");
}
