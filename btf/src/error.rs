//! What can go wrong reading or building BTF; every variant names where (byte offset in
//! the blob, or type id).

use std::path::PathBuf;
use std::sync::Arc;

use crate::kind::Kind;
use crate::model::TypeId;

/// A BTF error. Byte offsets count from the start of the blob (header included).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading a BTF file failed.
    #[error("cannot read BTF from {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// The blob ends before a fixed-size part (the header) is complete.
    #[error("BTF truncated: {what} at byte {offset} needs {need} bytes, {have} remain")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Where it starts.
        offset: usize,
        /// Bytes it needs.
        need: usize,
        /// Bytes left in the blob from `offset`.
        have: usize,
    },
    /// The first two bytes are not 0xeB9F in either byte order.
    #[error("not BTF: magic at byte 0 is {found:#06x}, expected 0xeb9f (either byte order)")]
    BadMagic {
        /// The two bytes, read little-endian.
        found: u16,
    },
    /// A header version other than 1.
    #[error("unsupported BTF version {version} at byte 2 (only version 1 exists)")]
    BadVersion {
        /// The version byte.
        version: u8,
    },
    /// Header flags other than 0.
    #[error("unsupported BTF header flags {flags:#04x} at byte 3 (must be 0)")]
    BadFlags {
        /// The flags byte.
        flags: u8,
    },
    /// `hdr_len` is below 24 or past the end of the blob.
    #[error("bad BTF header length {hdr_len} at byte 4: must be at least 24 and at most the blob's {blob_len} bytes")]
    BadHeaderLen {
        /// The header's `hdr_len`.
        hdr_len: u32,
        /// The blob's length.
        blob_len: usize,
    },
    /// A section reaches past the end of the blob, overlaps the header or the other
    /// section, or the type section is not 4-byte aligned.
    #[error("BTF {section} section at bytes {start}..{end} is invalid: {why} (blob is {blob_len} bytes)")]
    BadSection {
        /// "type" or "string".
        section: &'static str,
        /// First byte of the section (from the blob's start).
        start: u64,
        /// One past its last byte.
        end: u64,
        /// What is wrong.
        why: &'static str,
        /// The blob's length.
        blob_len: usize,
    },
    /// A type's fixed part does not fit in the type section.
    #[error("type {id} at byte {offset} is truncated: needs {need} bytes, the type section has {have} left")]
    TruncatedType {
        /// The type id it would have.
        id: TypeId,
        /// Where it starts.
        offset: usize,
        /// Bytes it needs.
        need: usize,
        /// Bytes left in the type section.
        have: usize,
    },
    /// A kind number the kernel does not define (0, or past the last known kind).
    #[error("type {id} at byte {offset} has unknown kind {kind}")]
    UnknownKind {
        /// The type id.
        id: TypeId,
        /// Where it starts.
        offset: usize,
        /// The kind number from `info` bits 24..29.
        kind: u8,
    },
    /// `vlen` entries after a type reach past the end of the type section.
    #[error("type {id} ({kind}) at byte {offset} has vlen {vlen}: its entries need {need} bytes, the type section has {have} left")]
    VlenPastEnd {
        /// The type id.
        id: TypeId,
        /// Its kind.
        kind: Kind,
        /// Where it starts.
        offset: usize,
        /// The entry count.
        vlen: u16,
        /// Bytes the type needs, its fixed part included.
        need: usize,
        /// Bytes left in the type section.
        have: usize,
    },
    /// A name offset past the end of the string section(s).
    #[error(
        "type {id} refers to name offset {name_off}, past the end of the strings ({str_len} bytes)"
    )]
    NameOutOfBounds {
        /// The type id whose name (or member/param/enumerator name) it is.
        id: TypeId,
        /// The offset.
        name_off: u32,
        /// Length of the strings (base and split together).
        str_len: u32,
    },
    /// A string with no terminating NUL before the end of the string section.
    #[error("string at byte {offset} is not NUL-terminated within the string section")]
    UnterminatedString {
        /// Where the string (or the unterminated tail) starts.
        offset: usize,
    },
    /// A string that is not UTF-8.
    #[error("string at byte {offset} is not UTF-8")]
    StringNotUtf8 {
        /// Where it starts.
        offset: usize,
    },
    /// The string section of a base (non-split) BTF must start with the empty string.
    #[error("BTF string section at byte {offset} must start with a NUL byte (the empty name)")]
    NoEmptyString {
        /// Where the string section starts.
        offset: usize,
    },
    /// A type refers to a type id that does not exist.
    #[error("type {id} refers to type {referenced}, but the last type id is {last}")]
    TypeIdOutOfRange {
        /// The referring type (0 when the id was asked for directly).
        id: TypeId,
        /// The missing id.
        referenced: TypeId,
        /// The largest valid id.
        last: TypeId,
    },
    /// Type id 0 (`void`) was asked for: it has no record.
    #[error("type id 0 is void: it has no record")]
    Void,
    /// A field with a value the format does not allow (linkage, encoding, ...).
    #[error("type {id} at byte {offset}: bad {what} {value}")]
    BadValue {
        /// The type id.
        id: TypeId,
        /// Where the type starts.
        offset: usize,
        /// Which field.
        what: &'static str,
        /// Its value.
        value: u32,
    },
    /// Typedefs or modifiers that lead back to themselves.
    #[error("type {id}: typedef/modifier chain longer than {limit} (a cycle?)")]
    ChainTooLong {
        /// Where the chain starts.
        id: TypeId,
        /// The limit.
        limit: u32,
    },
    /// A type whose size is not defined (void, function, forward declaration, ...).
    #[error("type {id} ({}) has no size", kind_name(*.kind))]
    NoSize {
        /// The type id.
        id: TypeId,
        /// Its kind, or None for void.
        kind: Option<Kind>,
    },
    /// `size_of` overflowed u32 (a huge array).
    #[error("type {id}: size overflows 32 bits")]
    SizeOverflow {
        /// The type id.
        id: TypeId,
    },
    /// A member path names no member.
    #[error("type {id} ({type_name}) has no member `{member}`")]
    NoMember {
        /// The struct or union (after resolving typedefs).
        id: TypeId,
        /// Its name ("" when anonymous).
        type_name: String,
        /// The missing member.
        member: String,
    },
    /// A member path goes into something that is not a struct or union.
    #[error("type {id} ({}) has no members, looking for `{member}`", kind_name(*.kind))]
    NotComposite {
        /// The type reached.
        id: TypeId,
        /// Its kind (None for void).
        kind: Option<Kind>,
        /// The member looked for.
        member: String,
    },
    /// The builder cannot encode a value in its field.
    #[error("cannot encode {what}: {value} does not fit")]
    DoesNotFit {
        /// Which field.
        what: &'static str,
        /// The value.
        value: u64,
    },
    /// A string for the builder contains a NUL byte.
    #[error("string {0:?} contains a NUL byte")]
    NulInString(String),
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn kind_name(kind: Option<Kind>) -> &'static str {
    kind.map_or("void", Kind::name)
}
