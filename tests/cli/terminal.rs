//! Text from notes and file names never reaches the terminal raw: errors and
//! warnings on stderr go through the same cleaner as the answers.

use std::os::unix::fs::PermissionsExt;

use crate::harness::TestVault;

#[test]
fn errors_naming_a_file_with_escape_codes_are_cleaned() {
    let rel = "people/\u{1b}]0;owned\u{7}\u{1b}[2Jeve.md";
    let v = TestVault::new().note(rel, "---\nname: Eve\n---\n## Log\n");
    let abs = v.abs(rel);
    std::fs::set_permissions(&abs, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let (code, out, err) = v.run(&["log", "Eve", "coffee"]);
    // the editor refuses a write-protected note (also as root)
    assert_ne!(code, 0, "{out}{err}");
    assert!(err.contains("eve.md"), "the error names the file: {err:?}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}
