//! Diagnosis wall time: 20 HTTP checks against a local server that answers after 200 ms
//! should cost about one slow probe, not twenty; and 200 checks against a server that answers
//! at once give the interpreter's cost per action. `bench/diagnosis.sh` prints the ratios.

use criterion::{Criterion, criterion_group, criterion_main};
use lrb::run::engine::{Backends, diagnose};
use lrb::run::{Status, resolve};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Answers every request with `200 ok` after `delay`, one thread per connection.
fn serve(delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                std::thread::sleep(delay);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
            });
        }
    });
    url
}

fn runbook(url: &str, checks: usize) -> lrb::plan::Runbook {
    let mut src = format!("target :api, http: \"{url}\", timeout: 5s\nrunbook :bench do\n");
    for i in 0..checks {
        src.push_str(&format!(
            "  check :c{i}, \"probe {i}\", info: true do\n    api.get \"/p{i}\", status: 200\n  end\n"
        ));
    }
    src.push_str("end\n");
    let session = lrb::load::from_bytes(vec![(PathBuf::from("bench.rb"), src.into_bytes())]);
    let plan = session
        .checked
        .plan
        .expect("the generated runbook checks clean");
    plan.runbooks[0].clone()
}

fn bench(c: &mut Criterion, name: &str, delay: Duration, checks: usize) {
    let url = serve(delay);
    let rb = runbook(&url, checks);
    let resolved = Arc::new(resolve::resolve(&rb, &[], |_| None).expect("resolves"));
    let all: Vec<_> = rb.checks.iter().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("diagnosis");
    group.sample_size(20);
    group.bench_function(name, |b| {
        b.iter(|| {
            let results = rt.block_on(diagnose(&all, &resolved, &Backends, &mut |_| {}));
            assert!(results.iter().all(|r| r.status == Status::Passed));
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench(c, "20_checks_200ms", Duration::from_millis(200), 20);
    bench(c, "200_checks_instant", Duration::ZERO, 200);
}

criterion_group!(diagnosis, benches);
criterion_main!(diagnosis);
