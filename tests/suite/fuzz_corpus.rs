//! Replays every committed fuzz corpus file through the same checks the
//! fuzz targets run (`tests/common/checks.rs`), on stable `cargo test`: a crash once
//! found and added to `tests/fuzz/corpus/<target>/` stays fixed.

use crate::checks;

use std::fs;
use std::path::Path;

#[test]
fn every_corpus_file_passes_its_target_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus");
    let mut targets = 0;
    for dir in fs::read_dir(&root).expect("tests/fuzz/corpus exists") {
        let dir = dir.unwrap().path();
        let target = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let mut files = 0;
        for file in fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            if path.file_name().unwrap().to_str().unwrap().starts_with('.') {
                continue;
            }
            let data = fs::read(&path).unwrap();
            assert!(
                checks::run(&target, &data),
                "corpus directory {target} names no fuzz target"
            );
            files += 1;
        }
        assert!(files > 0, "corpus {target} is empty");
        targets += 1;
    }
    assert!(targets >= 6, "found {targets} corpora");
}
