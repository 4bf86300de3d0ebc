//! `rapport`: parse the command line, run, exit 0 (ok), 1 (nothing found or
//! check errors) or 2 (error).

/// mimalloc instead of glibc's malloc: indexing on several threads left
/// glibc's per-thread arenas fragmented (100k-note rebuild: 440 MiB peak RSS,
/// see bench/PROFILE.md). Built without transparent huge pages (`no_thp`):
/// with them a no-op `index` touched 38 MiB instead of 14 and the commands
/// that run on every question were 2-5% slower.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    rapport::cli::run()
}
