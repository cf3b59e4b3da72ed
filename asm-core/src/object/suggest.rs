//! "Did you mean": the closest known name to a misspelt one, with work bounded however
//! long the misspelt name is.

/// Names longer than this get no suggestion: nobody misspells a 65-character name by
/// one or two letters, and the distance costs time proportional to its length.
const MAX_LEN: usize = 64;

/// The closest of `candidates` to `word` by edit distance (transpositions count 1),
/// when it is close enough to be a likely typo.
pub(crate) fn closest<'c>(
    word: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    if word.len() > MAX_LEN {
        return None;
    }
    let limit = if word.chars().count() <= 3 { 1 } else { 2 };
    candidates
        .filter(|c| c.len() <= MAX_LEN && c.len().abs_diff(word.len()) <= limit * 4)
        .filter_map(|c| Some((edit_distance(word, c)?, c)))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance between two short names (at most [`MAX_LEN`]
/// characters each, else `None`), in three rows.
fn edit_distance(a: &str, b: &str) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > MAX_LEN || b.len() > MAX_LEN {
        return None;
    }
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(before[j - 2] + 1);
            }
            row[j] = v;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    Some(prev[b.len()])
}

/// ` (did you mean `x`?)`, or nothing.
pub(crate) fn did_you_mean<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> String {
    closest(word, candidates).map_or_else(String::new, |c| format!(" (did you mean `{c}`?)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_edits_and_transpositions() {
        assert_eq!(edit_distance("hash", "hash"), Some(0));
        assert_eq!(edit_distance("hahs", "hash"), Some(1));
        assert_eq!(edit_distance("has", "hash"), Some(1));
        assert_eq!(edit_distance("hashx", "hash"), Some(1));
        assert_eq!(edit_distance("array", "hash"), Some(5));
        assert_eq!(edit_distance("", "abc"), Some(3));
        assert_eq!(edit_distance(&"a".repeat(65), "a"), None);
    }

    #[test]
    fn close_names_are_suggested_and_far_ones_not() {
        let known = ["section", "map", "license"];
        assert_eq!(closest("sectoin", known.into_iter()), Some("section"));
        assert_eq!(closest("mpa", known.into_iter()), Some("map"));
        assert_eq!(closest("bogus", known.into_iter()), None);
        assert_eq!(
            did_you_mean("lisence", known.into_iter()),
            " (did you mean `license`?)"
        );
    }

    /// Issue 15, row 9: a megabyte-long name took 28.7 s and 235 MB (the whole matrix).
    #[test]
    fn a_huge_name_gets_no_suggestion_and_no_matrix() {
        let huge = "x".repeat(1 << 20);
        assert_eq!(closest(&huge, ["section", "map"].into_iter()), None);
        let known = vec![huge.as_str(); 3];
        assert_eq!(closest("sectio", known.into_iter()), None);
    }
}
