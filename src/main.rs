//! `rapport`: parse the command line, run, exit 0 (ok), 1 (nothing found or
//! check errors) or 2 (error).

/// mimalloc instead of glibc's malloc: indexing on several threads left
/// glibc's per-thread arenas fragmented (100k-note rebuild: 440 MiB peak RSS,
/// see bench/PROFILE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    rapport::cli::run()
}
