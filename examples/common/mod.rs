//! The two things every command-line example does the same way: read a whole-number flag,
//! and turn `run()`'s result into an exit status with the error on stderr.

use std::error::Error;
use std::process::ExitCode;
use std::str::FromStr;

/// The value of `flag` as a whole number; `value` is the argument after the flag.
pub fn number<T: FromStr>(flag: &str, value: Option<String>) -> Result<T, String> {
    let v = value.ok_or(format!("{flag} needs a number"))?;
    v.parse()
        .map_err(|_| format!("{flag} takes a whole number, not `{v}`"))
}

/// Exit status 0, or 1 after printing `NAME: ERROR` on stderr.
pub fn exit(name: &str, result: Result<(), Box<dyn Error>>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}
