//! The `lrb` binary: `lrb::cli`.

fn main() -> std::process::ExitCode {
    lrb::cli::main()
}
