fn main() -> std::process::ExitCode {
    lrb::cli::main()
}
