//! Replays every checked-in corpus and regression input through its target, on the
//! stable toolchain: `make fuzz-replay` (part of `make check`). A crash, panic or
//! failed assertion aborts the run and names the file.

use std::fs;
use std::path::{Path, PathBuf};

/// The files of `dir`, sorted (none if it does not exist).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn replay_corpora_and_regressions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for (name, run) in otr_fuzz::TARGETS {
        let mut count = 0;
        for kind in ["corpus", "regressions"] {
            for file in inputs(&root.join(kind).join(name)) {
                eprintln!("replay {}", file.display());
                let input = match fs::read(&file) {
                    Ok(input) => input,
                    // A fuzzer running beside us replaced it with a smaller one.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => panic!("{}: {e}", file.display()),
                };
                run(&input);
                count += 1;
            }
        }
        assert!(count > 0, "no corpus for target {name}");
        println!("{name}: {count} inputs");
        total += count;
    }
    println!("{total} inputs replayed");
}

/// Runs one input through one target: `OTR_FUZZ_TARGET=name OTR_FUZZ_INPUT=file`
/// (with `--ignored`), to look at what an input does (`OTR_FUZZ_VERBOSE=1`).
#[test]
#[ignore]
fn replay_one() {
    let name = std::env::var("OTR_FUZZ_TARGET").expect("OTR_FUZZ_TARGET");
    let input = fs::read(std::env::var("OTR_FUZZ_INPUT").expect("OTR_FUZZ_INPUT")).unwrap();
    let (_, run) = otr_fuzz::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a target");
    run(&input);
}
