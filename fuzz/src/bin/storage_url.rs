//! A `--storage` URL of `tricks search`: the password hidden from what is printed (`Postgres::redact`)
//! and from an error message quoting it (`Postgres::scrub`, which also parses it as the client does).

use tricks_search::Postgres;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(url) = std::str::from_utf8(data) else { return };
        let _ = Postgres::redact(url);
        let _ = Postgres::scrub(url, url);
    });
}
