//! Fuzz-ish: documents built at random (from a fixed seed, so failures reproduce) out of
//! odd but valid schema pieces. Generation must never panic: it either succeeds, with
//! every file parsing as Rust, or returns an `Error` naming the file and a pointer.
//! The hand-picked odd schemas in `fixtures/odd.yaml` are also compiled by `compile.rs`.

use std::path::Path;

use codegen::{generate_crate, parse_spec, ApiInput};

use crate::common;

use common::random::random_document;

#[test]
fn random_documents_generate_or_fail_cleanly() {
    let config = common::config(true, "{ path = \"../runtime\" }".into());
    let (mut generated, mut refused) = (0, 0);
    for seed in 0..200_u64 {
        let doc = random_document(seed);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let path = format!("fuzz-{seed}.json");
        let spec = match parse_spec(Path::new(&path), text.clone()) {
            Ok(spec) => spec,
            Err(e) => panic!("seed {seed}: the random document does not parse ({e}):\n{text}"),
        };
        match generate_crate(
            &[ApiInput {
                module: "fuzz".into(),
                spec: spec.into(),
            }],
            &config,
        ) {
            Ok(krate) => {
                generated += 1;
                for (file, contents) in krate.files.iter().filter(|(f, _)| f.ends_with(".rs")) {
                    if let Err(e) = syn::parse_file(contents) {
                        panic!("seed {seed}: {file} does not parse: {e}\n{contents}\n--- spec ---\n{text}");
                    }
                }
            }
            Err(e) => {
                refused += 1;
                assert_eq!(e.file, Path::new(&path), "seed {seed}");
                assert!(e.pointer.starts_with('/'), "seed {seed}: {e}");
                assert!(!e.message.is_empty(), "seed {seed}: {e}");
                // Random `$ref`s may only fail as alias cycles: every target exists.
                assert!(
                    e.message.contains("cycle"),
                    "seed {seed}: unexpected error {e}\n{text}"
                );
            }
        }
    }
    eprintln!("{generated} random documents generated, {refused} refused");
    assert!(
        generated > 150,
        "most random documents generate ({generated} did, {refused} were refused)"
    );
}
