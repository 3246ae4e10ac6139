//! Parse + check throughput on a generated corpus of 1,000 runbooks the size of the seed's:
//! 250 copies of each runbook in `runbooks/`, renamed so every id is unique and each `see`
//! still finds its runbook. `bench/check-corpus.sh` times the CLI on the same corpus.
//! Then the cost of one step: one runbook of 10 and of 1,000 `info: true` checks, the files
//! `bench/vs-just.sh` times against `just`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use lrb::source::FileId;
use std::path::PathBuf;
use std::time::Duration;

const FILES: usize = 1000;

fn corpus() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let mut seeds: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("runbooks/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rb"))
        .filter(|p| !lrb::scenario::is_scenario_file(p))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("a UTF-8 runbook"))
        })
        .collect();
    seeds.sort();
    let ids: Vec<String> = seeds
        .iter()
        .flat_map(|(_, text)| text.lines())
        .filter_map(|l| l.strip_prefix("runbook :")?.split_whitespace().next())
        .map(str::to_string)
        .collect();
    (0..FILES)
        .map(|n| {
            let (name, text) = &seeds[n % seeds.len()];
            let copy = n / seeds.len();
            let text = ids.iter().fold(text.clone(), |t, id| {
                t.replace(&format!(":{id}\n"), &format!(":{id}_{copy}\n"))
                    .replace(&format!(":{id} "), &format!(":{id}_{copy} "))
            });
            (
                PathBuf::from(format!("{copy:04}_{name}")),
                text.into_bytes(),
            )
        })
        .collect()
}

fn check(c: &mut Criterion) {
    let files = corpus();
    let clean = lrb::load::from_bytes(files.clone());
    assert!(
        clean.checked.diagnostics.is_empty() && clean.checked.plan.is_some(),
        "the generated corpus must check clean"
    );
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut group = c.benchmark_group("corpus of 1000 runbooks");
    group.throughput(Throughput::Bytes(bytes as u64));
    // One iteration takes a large fraction of a second: few samples, a longer window.
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("parse only, one thread", |b| {
        b.iter(|| {
            for (i, (_, bytes)) in files.iter().enumerate() {
                let text = std::str::from_utf8(bytes).expect("UTF-8");
                lrb::syntax::parse(text, FileId(i));
            }
        })
    });
    group.bench_function("load::from_bytes (parse + check, parallel)", |b| {
        b.iter_batched(
            || files.clone(),
            lrb::load::from_bytes,
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// A runbook of `n` checks, as `bench/vs-just.sh` writes it.
fn steps(n: usize) -> Vec<(PathBuf, Vec<u8>)> {
    let mut text = String::from(
        "target :host, shell: \".\", timeout: 30s\n\nrunbook :synthetic do\n  title \"Synthetic\"\n  severity :low\n  owner \"bench\"\n\n",
    );
    for i in 1..=n {
        text += &format!(
            "  check :step_{i}, \"step {i}\", info: true do\n    host.run \"echo {i}\"\n  end\n"
        );
    }
    text += "end\n";
    vec![(PathBuf::from(format!("steps_{n}.rb")), text.into_bytes())]
}

fn per_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("one runbook of N steps");
    for n in [10, 1000] {
        let file = steps(n);
        let clean = lrb::load::from_bytes(file.clone());
        assert!(
            clean.checked.diagnostics.is_empty(),
            "the generated runbook must check clean"
        );
        group.bench_function(format!("load::from_bytes, N={n}"), |b| {
            b.iter_batched(
                || file.clone(),
                lrb::load::from_bytes,
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, check, per_step);
criterion_main!(benches);
