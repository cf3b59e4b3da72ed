//! Where jumps, calls and function addresses go: a [`Target`] is an offset or a
//! [`Label`]; [`crate::Insn::target`] finds it in whichever instruction carries one.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A label name: a jump or call target, or a symbol (map) reference.
///
/// Borrowed in `const` data made by the macro, shared when parsed from text at run time:
/// a clone is a reference count, not a copy, so a program holds each name once however
/// many instructions and tables name it (issue 15: a million labels held three copies
/// each).
#[derive(Clone)]
pub struct Label(Name);

/// Where a label's text lives.
#[derive(Clone)]
enum Name {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Label {
    /// A label from a static string (usable in `const` context).
    pub const fn new(name: &'static str) -> Label {
        Label(Name::Static(name))
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Name::Static(s) => s,
            Name::Shared(s) => s,
        }
    }
}

impl From<&str> for Label {
    fn from(s: &str) -> Label {
        Label(Name::Shared(Arc::from(s)))
    }
}

impl From<String> for Label {
    fn from(s: String) -> Label {
        Label(Name::Shared(Arc::from(s)))
    }
}

impl PartialEq for Label {
    fn eq(&self, other: &Label) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Label {}

impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Label) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Label {
    fn cmp(&self, other: &Label) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// Hashes as the name does, so that maps keyed by labels can be searched by `&str`.
impl Hash for Label {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Borrow<str> for Label {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// Where a jump or call goes: an offset in instruction slots relative to the next
/// instruction, or a label that a [`crate::Program`] resolves.
///
/// `O` is the offset's type: `i16` for conditional jumps, `goto` and `may_goto`; `i32` for
/// `gotol`, bpf-to-bpf calls and function pointers.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Target<O = i16> {
    /// Relative offset in 8-byte slots from the slot after this instruction.
    Offset(O),
    /// A named position, resolved when the program is assembled.
    Label(Label),
}

/// A target borrowed from its instruction ([`crate::Insn::target`]). Conditional jumps, `goto` and
/// `may_goto` have 16-bit offsets; `gotol`, bpf-to-bpf calls and function addresses 32-bit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TargetRef<'a> {
    /// A 16-bit target.
    Short(&'a Target<i16>),
    /// A 32-bit target.
    Long(&'a Target<i32>),
}

impl<'a> TargetRef<'a> {
    /// The label, when the target is one.
    pub fn label(self) -> Option<&'a Label> {
        match self {
            TargetRef::Short(Target::Label(l)) | TargetRef::Long(Target::Label(l)) => Some(l),
            _ => None,
        }
    }

    /// The offset, when the target is resolved.
    pub fn offset(self) -> Option<i32> {
        match self {
            TargetRef::Short(Target::Offset(o)) => Some(i32::from(*o)),
            TargetRef::Long(Target::Offset(o)) => Some(*o),
            _ => None,
        }
    }
}

/// A target borrowed mutably from its instruction ([`crate::Insn::target_mut`]).
#[derive(PartialEq, Eq, Debug)]
pub enum TargetMut<'a> {
    /// A 16-bit target.
    Short(&'a mut Target<i16>),
    /// A 32-bit target.
    Long(&'a mut Target<i32>),
}

impl TargetMut<'_> {
    /// Looks at the target without changing it.
    pub fn as_ref(&self) -> TargetRef<'_> {
        match self {
            TargetMut::Short(t) => TargetRef::Short(t),
            TargetMut::Long(t) => TargetRef::Long(t),
        }
    }

    /// Makes the target the label `label`.
    pub fn set_label(&mut self, label: Label) {
        match self {
            TargetMut::Short(t) => **t = Target::Label(label),
            TargetMut::Long(t) => **t = Target::Label(label),
        }
    }

    /// Makes the target the offset `off`; `false` (and no change) when a 16-bit target
    /// cannot hold it.
    pub fn set_offset(&mut self, off: i32) -> bool {
        match self {
            TargetMut::Short(t) => match i16::try_from(off) {
                Ok(o) => **t = Target::Offset(o),
                Err(_) => return false,
            },
            TargetMut::Long(t) => **t = Target::Offset(off),
        }
        true
    }
}
