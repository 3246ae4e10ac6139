//! The `lrb` binary: the allocator, then `lrb::cli`.

// A run allocates many small AST nodes on every core at once, where mimalloc beats the system
// allocator (see `bench/check-corpus.sh`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    lrb::cli::main()
}
