//! Assembler diagnostics: `FILE:LINE:COL: error: MESSAGE`, every error of the input.

use std::fmt;
use std::sync::Arc;

/// One error at a position in the source.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    /// File name as given to the assembler (`<input>` when none was).
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong and, where it helps, what to write instead.
    pub message: String,
}

/// A message longer than this prints its first and last [`KEEP`] characters only.
const MAX_SHOWN: usize = 480;
/// How much of each end of a long message is printed.
const KEEP: usize = 200;

impl fmt::Display for Diagnostic {
    /// Control characters in the file name and message print escaped (`\u{1b}`), so an
    /// input cannot drive the terminal; a message over 480 characters (one echoing a
    /// huge token) prints its two ends and how much was left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, &self.file)?;
        write!(f, ":{}:{}: error: ", self.line, self.column)?;
        write_escaped(f, &shorten_message(&self.message))
    }
}

/// `message`, or when it is over 480 characters, its first and last 200 and how many were
/// left out between them: what a diagnostic keeps of a message that echoes a huge token.
pub(crate) fn shorten_message(message: &str) -> std::borrow::Cow<'_, str> {
    let chars = message.chars().count();
    if chars <= MAX_SHOWN {
        return message.into();
    }
    let head: String = message.chars().take(KEEP).collect();
    let tail: String = message.chars().skip(chars - KEEP).collect();
    format!("{head} [... {} characters ...] {tail}", chars - 2 * KEEP).into()
}

/// `text` with every control character written as a Rust escape.
fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for piece in text.split_inclusive(char::is_control) {
        let mut chars = piece.chars();
        match chars.next_back() {
            Some(c) if c.is_control() => {
                f.write_str(chars.as_str())?;
                write!(f, "{}", c.escape_default())?;
            }
            _ => f.write_str(piece)?,
        }
    }
    Ok(())
}

/// Every error found in one input, in source order: the first
/// [`MAX_KEPT_ERRORS`](crate::syntax::MAX_KEPT_ERRORS) in full, and how many more.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AsmError {
    /// The diagnostics, at least one.
    pub diagnostics: Vec<Diagnostic>,
    /// How many more errors the input has after the last of `diagnostics`, counted but
    /// not kept (its `Display` ends with a line that says so).
    pub omitted: usize,
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            d.fmt(f)?;
        }
        if let (Some(last), n @ 1..) = (self.diagnostics.last(), self.omitted) {
            f.write_str("\n")?;
            write_escaped(f, &last.file)?;
            write!(
                f,
                ": error: {n} more errors after line {}, not shown (only the first {} are \
                 kept): fix these and assemble again",
                last.line,
                self.diagnostics.len()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for AsmError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(file: &str, message: &str) -> String {
        Diagnostic {
            file: Arc::from(file),
            line: 1,
            column: 2,
            message: message.into(),
        }
        .to_string()
    }

    #[test]
    fn control_characters_print_escaped() {
        let shown = diag("a\x1b.s", "unexpected \"\x1b]0;PWNED\x07\x1b[2J\" here\r\n");
        assert_eq!(
            shown,
            "a\\u{1b}.s:1:2: error: unexpected \"\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J\" here\\r\\n"
        );
        assert!(!shown.chars().any(char::is_control));
        assert_eq!(diag("a.s", "plain `r1` é"), "a.s:1:2: error: plain `r1` é");
    }

    #[test]
    fn a_huge_message_prints_its_two_ends() {
        let message = format!("unexpected `{}` here", "+".repeat(1 << 20));
        let shown = diag("a.s", &message);
        assert!(shown.len() < 600, "{} bytes", shown.len());
        assert!(shown.starts_with("a.s:1:2: error: unexpected `+++"));
        assert!(shown.ends_with("+++` here"));
        assert!(shown.contains(&format!("[... {} characters ...]", message.len() - 400)));
    }
}
