//! Links the `lrb` binary at a fixed address (not position-independent) on Linux. A PIE has
//! some 43,000 relocations that the loader applies at every start, and their writes fault in
//! about 200 pages: most of the page faults of `lrb --version`, a third of its time.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bin=lrb=-no-pie");
    }
}
