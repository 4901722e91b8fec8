//! Every program in `examples/` (among them each program of the
//! `pyro-threading.md` design notes, unchanged) parses without errors.

use std::path::Path;

#[test]
fn every_example_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("examples/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_none_or(|e| e != "pyro") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable example");
        let parsed = pyro_parser::parse_text(&text, 0);
        assert!(
            parsed.errors.is_empty(),
            "{}: {:?}",
            path.display(),
            parsed.errors
        );
        count += 1;
    }
    assert!(
        count >= 7,
        "expected hello.pyro and the six threading examples, found {count}"
    );
}
