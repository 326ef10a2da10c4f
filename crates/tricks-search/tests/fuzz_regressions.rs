//! `--storage` URLs that once crashed `Postgres::redact` under `fuzz/run` (AFL++), kept in
//! `tests/fuzz-regressions/`: a `password=` option and a URL's userinfo overlapping. Each is now redacted,
//! the overlap hidden as one.

use std::path::Path;

use tricks_search::Postgres;

#[test]
fn overlapping_passwords_are_hidden_as_one() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("a regression input");
    // A `password=` value holding a whole URL with its userinfo.
    let url = read("url-password-around-userinfo");
    assert_eq!(url, "password=://:0000@");
    assert_eq!(Postgres::redact(&url), "password=***");
    // A userinfo holding a `password=` option, whose value runs past the userinfo's end.
    let url = read("url-userinfo-into-password");
    assert_eq!(url, "://password=:0000@");
    assert_eq!(Postgres::redact(&url), "://password=***");
    for url in [read("url-password-around-userinfo"), read("url-userinfo-into-password")] {
        assert!(!Postgres::scrub(&url, &url).contains("0000"), "{url}");
    }
}
