//! Thin binary: parse arguments, run, print the error chain on one line, and
//! map the outcome to an exit code (2 for any failure of the tool itself).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = driftwatch::cli::Cli::parse();
    driftwatch::init_logging(cli.verbose, cli.quiet);
    match driftwatch::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A closed pipe (`driftwatch ... | head`) is the reader's choice, not a failure.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("driftwatch: error: {}", driftwatch::one_line(&e));
            ExitCode::from(driftwatch::EXIT_TOOL_FAILED)
        }
    }
}
