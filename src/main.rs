//! `rapport`: parse the command line, run, exit 0 (ok), 1 (nothing found or
//! check errors) or 2 (error).

fn main() -> std::process::ExitCode {
    rapport::cli::run()
}
