//! Formatting and exporting the shipped runbooks: `cargo bench --bench authoring`.

use criterion::{Criterion, criterion_group, criterion_main};
use lrb::source::FileId;
use std::path::PathBuf;

fn runbooks() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !lrb::scenario::is_scenario_file(p))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn bench(c: &mut Criterion) {
    let texts = runbooks();
    c.bench_function(
        "fmt: the four runbooks (parse, print, re-parse to verify)",
        |b| {
            b.iter(|| {
                for t in &texts {
                    std::hint::black_box(lrb::fmt::format(t, FileId(0)).unwrap());
                }
            })
        },
    );
    let session =
        lrb::load::load(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("runbooks")]).unwrap();
    let plan = session.checked.plan.as_ref().unwrap();
    c.bench_function("export markdown: the four runbooks", |b| {
        b.iter(|| std::hint::black_box(lrb::export::markdown::render(plan, "Runbooks")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
