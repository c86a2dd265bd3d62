//! The `portalfeed` binary (its work is [`portalfeed::cli::main`]).

fn main() -> std::process::ExitCode {
    portalfeed::cli::main()
}
