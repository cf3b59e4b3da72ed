//! [`Errors`]: the errors of one input, kept bounded. A file of a million bad lines has a
//! million errors; keeping each in full held 300 MB (issue 15, row 4). As compilers do,
//! the first [`MAX_KEPT_ERRORS`] (in position order) are kept in full and the rest counted.

use crate::syntax::event::ParseError;

/// How many errors of one input are kept in full; more are only counted.
pub const MAX_KEPT_ERRORS: usize = 1000;

/// The errors of an input: the first [`MAX_KEPT_ERRORS`] by position, and how many more
/// there were. Memory is bounded whatever the input: at most twice the limit is held
/// between trims.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Errors {
    list: Vec<ParseError>,
    omitted: usize,
}

impl Errors {
    /// No errors.
    pub fn new() -> Errors {
        Errors::default()
    }

    /// Adds an error.
    pub fn push(&mut self, e: ParseError) {
        if self.list.len() >= 2 * MAX_KEPT_ERRORS {
            self.trim();
        }
        self.list.push(e);
    }

    /// Adds every error of `more`.
    pub fn append(&mut self, more: Errors) {
        self.omitted += more.omitted;
        for e in more.list {
            self.push(e);
        }
    }

    /// True when there is no error.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The kept errors, in the order they came.
    pub fn iter(&self) -> impl Iterator<Item = &ParseError> {
        self.list.iter()
    }

    /// Keeps only the kept errors `keep` accepts.
    pub fn retain(&mut self, keep: impl FnMut(&ParseError) -> bool) {
        self.list.retain(keep);
    }

    /// Changes every kept error with `f` (a hint added to some messages).
    pub(crate) fn for_each_mut(&mut self, f: impl FnMut(&mut ParseError)) {
        self.list.iter_mut().for_each(f);
    }

    /// How many errors there were, kept or not.
    pub fn count(&self) -> usize {
        self.list.len() + self.omitted
    }

    /// The kept errors sorted by position (stable: errors at one position stay in the order
    /// they came), and how many more there were.
    pub fn into_sorted(mut self) -> (Vec<ParseError>, usize) {
        self.trim();
        (self.list, self.omitted)
    }

    /// Sorts by position and keeps the first [`MAX_KEPT_ERRORS`].
    fn trim(&mut self) {
        self.list.sort_by_key(|e| (e.line, e.column));
        if self.list.len() > MAX_KEPT_ERRORS {
            self.omitted += self.list.len() - MAX_KEPT_ERRORS;
            self.list.truncate(MAX_KEPT_ERRORS);
        }
    }
}

impl Extend<ParseError> for Errors {
    fn extend<I: IntoIterator<Item = ParseError>>(&mut self, iter: I) {
        for e in iter {
            self.push(e);
        }
    }
}

impl From<Vec<ParseError>> for Errors {
    fn from(list: Vec<ParseError>) -> Errors {
        let mut errors = Errors::new();
        errors.extend(list);
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32) -> ParseError {
        ParseError {
            line,
            column: 1,
            index: 0,
            message: format!("bad line {line}"),
        }
    }

    /// A million errors in reverse order: the first thousand by position are kept, the
    /// rest counted, and never more than twice the limit is held.
    #[test]
    fn keeps_the_first_by_position_and_counts_the_rest() {
        let mut errors = Errors::new();
        for line in (1..=1_000_000).rev() {
            errors.push(at(line));
            assert!(errors.list.len() <= 2 * MAX_KEPT_ERRORS);
        }
        assert_eq!(errors.count(), 1_000_000);
        let (list, omitted) = errors.into_sorted();
        assert_eq!(omitted, 1_000_000 - MAX_KEPT_ERRORS);
        let lines: Vec<u32> = list.iter().map(|e| e.line).collect();
        assert_eq!(lines, (1..=MAX_KEPT_ERRORS as u32).collect::<Vec<_>>());
    }

    #[test]
    fn few_errors_are_all_kept_in_order() {
        let mut errors = Errors::from(vec![at(3), at(1)]);
        let mut more = Errors::new();
        more.push(at(2));
        errors.append(more);
        assert_eq!(errors.count(), 3);
        let (list, omitted) = errors.into_sorted();
        assert_eq!(omitted, 0);
        assert_eq!(list, [at(1), at(2), at(3)]);
    }
}
