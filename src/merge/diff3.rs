//! A three-way merge of token sequences (diff3): the two sides are each
//! matched against the base with Myers' diff (the `similar` crate), and the
//! sequences are cut into stable runs (all three agree) and unstable chunks
//! between them. An unstable chunk that only one side changed, or both the
//! same way, is resolved; the rest are conflicts. Pure.

use std::hash::Hash;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};

/// A diff of notes this large is cut short (still correct, less minimal)
/// after this long, so that git never waits long on the driver.
const DIFF_DEADLINE: Duration = Duration::from_secs(5);

/// One piece of a three-way merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk<'a, T> {
    /// The three sequences agree.
    Stable(&'a [T]),
    /// One side changed this part (or both the same way): its tokens.
    Resolved(&'a [T]),
    /// Both sides changed this part, differently.
    Conflict {
        base: &'a [T],
        ours: &'a [T],
        theirs: &'a [T],
    },
}

/// For each base token, the index of the token it is matched with in `side`.
fn matches<T: Eq + Hash + Ord>(base: &[T], side: &[T]) -> Vec<Option<usize>> {
    let mut m = vec![None; base.len()];
    let deadline = Instant::now().checked_add(DIFF_DEADLINE);
    for op in capture_diff_slices_deadline(Algorithm::Myers, base, side, deadline) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                m[old_index + k] = Some(new_index + k);
            }
        }
    }
    m
}

/// Merge `ours` and `theirs`, both descended from `base`.
pub fn diff3<'a, T: Eq + Hash + Ord>(
    base: &'a [T],
    ours: &'a [T],
    theirs: &'a [T],
) -> Vec<Chunk<'a, T>> {
    let mo = matches(base, ours);
    let mt = matches(base, theirs);
    let (mut b, mut o, mut t) = (0, 0, 0);
    let mut out = Vec::new();
    loop {
        let mut n = 0;
        while b + n < base.len() && mo[b + n] == Some(o + n) && mt[b + n] == Some(t + n) {
            n += 1;
        }
        if n > 0 {
            out.push(Chunk::Stable(&base[b..b + n]));
            (b, o, t) = (b + n, o + n, t + n);
            continue;
        }
        // the next base token that both sides kept ends the unstable chunk
        let (nb, no, nt) = (b..base.len())
            .find_map(|j| Some((j, mo[j]?, mt[j]?)))
            .unwrap_or((base.len(), ours.len(), theirs.len()));
        if (nb, no, nt) == (b, o, t) {
            break;
        }
        let (bs, os, ts) = (&base[b..nb], &ours[o..no], &theirs[t..nt]);
        out.push(if os == bs {
            Chunk::Resolved(ts)
        } else if ts == bs || os == ts {
            Chunk::Resolved(os)
        } else {
            Chunk::Conflict {
                base: bs,
                ours: os,
                theirs: ts,
            }
        });
        (b, o, t) = (nb, no, nt);
    }
    out
}

/// How many leading and trailing tokens two conflicting sides share (they
/// stay outside the conflict markers); the two never overlap.
pub fn common_ends<T: PartialEq>(a: &[T], b: &[T]) -> (usize, usize) {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - pre;
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    (pre, suf)
}

/// The conflict marker lines, without line endings.
pub const OURS_MARKER: &str = "<<<<<<< ours";
pub const SPLIT_MARKER: &str = "=======";
pub const THEIRS_MARKER: &str = ">>>>>>> theirs";

/// An ordinary line-based three-way merge of bytes (lines keep their
/// endings): the result and the number of conflicts, left between
/// `<<<<<<< ours` / `=======` / `>>>>>>> theirs`.
pub fn merge_lines(base: &[u8], ours: &[u8], theirs: &[u8]) -> (Vec<u8>, usize) {
    let split = |s: &'_ [u8]| -> Vec<Vec<u8>> {
        s.split_inclusive(|b| *b == b'\n')
            .map(<[u8]>::to_vec)
            .collect()
    };
    let (bl, ol, tl) = (split(base), split(ours), split(theirs));
    let nl: &[u8] = match ours.iter().position(|b| *b == b'\n') {
        Some(i) if i > 0 && ours[i - 1] == b'\r' => b"\r\n",
        _ => b"\n",
    };
    let mut out = Vec::with_capacity(ours.len().max(theirs.len()));
    let mut conflicts = 0;
    let push_all = |out: &mut Vec<u8>, ls: &[Vec<u8>]| {
        for l in ls {
            out.extend_from_slice(l);
        }
    };
    let marker = |out: &mut Vec<u8>, m: &str| {
        if !(out.is_empty() || out.ends_with(b"\n")) {
            out.extend_from_slice(nl);
        }
        out.extend_from_slice(m.as_bytes());
        out.extend_from_slice(nl);
    };
    for chunk in diff3(&bl, &ol, &tl) {
        match chunk {
            Chunk::Stable(ls) | Chunk::Resolved(ls) => push_all(&mut out, ls),
            Chunk::Conflict { ours, theirs, .. } => {
                let (pre, suf) = common_ends(ours, theirs);
                push_all(&mut out, &ours[..pre]);
                marker(&mut out, OURS_MARKER);
                push_all(&mut out, &ours[pre..ours.len() - suf]);
                marker(&mut out, SPLIT_MARKER);
                push_all(&mut out, &theirs[pre..theirs.len() - suf]);
                marker(&mut out, THEIRS_MARKER);
                push_all(&mut out, &ours[ours.len() - suf..]);
                conflicts += 1;
            }
        }
    }
    (out, conflicts)
}

#[cfg(test)]
mod tests {
    use super::{Chunk, common_ends, diff3, merge_lines};

    fn merged(base: &str, ours: &str, theirs: &str) -> (String, usize) {
        let (b, n) = merge_lines(base.as_bytes(), ours.as_bytes(), theirs.as_bytes());
        (String::from_utf8(b).expect("utf-8"), n)
    }

    #[test]
    fn merge_lines_table() {
        // (case, base, ours, theirs, merged, conflicts)
        let rows: &[(&str, &str, &str, &str, &str, usize)] = &[
            ("nothing changed", "a\nb\n", "a\nb\n", "a\nb\n", "a\nb\n", 0),
            ("ours only", "a\nb\n", "a\nB\n", "a\nb\n", "a\nB\n", 0),
            ("theirs only", "a\nb\n", "a\nb\n", "A\nb\n", "A\nb\n", 0),
            (
                "both, apart",
                "a\nb\nc\nd\n",
                "A\nb\nc\nd\n",
                "a\nb\nc\nD\n",
                "A\nb\nc\nD\n",
                0,
            ),
            ("both the same", "a\n", "b\n", "b\n", "b\n", 0),
            (
                "both the same line",
                "a\nb\nc\n",
                "a\nX\nc\n",
                "a\nY\nc\n",
                "a\n<<<<<<< ours\nX\n=======\nY\n>>>>>>> theirs\nc\n",
                1,
            ),
            (
                "adjacent lines conflict, as in git",
                "a\nb\nc\n",
                "A\nb\nc\n",
                "a\nB\nc\n",
                "<<<<<<< ours\nA\nb\n=======\na\nB\n>>>>>>> theirs\nc\n",
                1,
            ),
            (
                "both append: common ends stay outside",
                "a\n",
                "a\nx\ny\nz\n",
                "a\nx\nw\nz\n",
                "a\nx\n<<<<<<< ours\ny\n=======\nw\n>>>>>>> theirs\nz\n",
                1,
            ),
            (
                "delete and keep",
                "a\nb\nc\n",
                "a\nc\n",
                "a\nb\nc\n",
                "a\nc\n",
                0,
            ),
            (
                "no final newline in conflict",
                "a",
                "b",
                "c",
                "<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n",
                1,
            ),
            (
                "crlf markers",
                "a\r\n",
                "b\r\n",
                "c\r\n",
                "<<<<<<< ours\r\nb\r\n=======\r\nc\r\n>>>>>>> theirs\r\n",
                1,
            ),
            ("empty base, one side adds", "", "a\n", "", "a\n", 0),
            ("all empty", "", "", "", "", 0),
        ];
        for (case, b, o, t, want, n) in rows {
            assert_eq!(merged(b, o, t), (want.to_string(), *n), "{case}");
        }
    }

    #[test]
    fn diff3_chunks() {
        let b = ["a", "b", "c"];
        let o = ["a", "x", "c"];
        let t = ["a", "b", "c", "d"];
        assert_eq!(
            diff3(&b, &o, &t),
            vec![
                Chunk::Stable(&b[..1]),
                Chunk::Resolved(&o[1..2]),
                Chunk::Stable(&b[2..3]),
                Chunk::Resolved(&t[3..4]),
            ]
        );
    }

    #[test]
    fn common_ends_never_overlap() {
        assert_eq!(common_ends(&[1, 2, 1], &[1]), (1, 0));
        assert_eq!(common_ends(&[1, 2, 3], &[1, 9, 3]), (1, 1));
        assert_eq!(common_ends::<u8>(&[], &[]), (0, 0));
        assert_eq!(common_ends(&[5, 5], &[5, 5, 5]), (2, 0));
    }
}
