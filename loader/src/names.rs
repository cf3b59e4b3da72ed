//! A macro for kernel enums that carry their lower-case kernel names.

/// Defines a `u32` enum whose variants know their kernel value and lower-case kernel
/// name (the `BPF_..._` prefix dropped), with `name`, `from_name`, `from_u32` and `ALL`.
macro_rules! kernel_enum {
    (
        $(#[$m:meta])* $vis:vis enum $name:ident : $kind:literal {
            $( $(#[$vm:meta])* $variant:ident = $value:literal => $text:literal, )*
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vm])* $variant = $value, )*
        }

        impl $name {
            /// Every variant, in kernel order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The lower-case kernel name without prefix.
            pub fn name(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }

            /// Looks a variant up by its lower-case kernel name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $( $text => Some($name::$variant), )* _ => None }
            }

            /// Looks a variant up by its kernel value.
            pub fn from_u32(value: u32) -> Option<Self> {
                match value { $( $value => Some($name::$variant), )* _ => None }
            }

            /// The kernel value.
            pub fn as_u32(self) -> u32 {
                self as u32
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::from_name(s)
                    .ok_or_else(|| crate::Error::UnknownName { kind: $kind, name: s.to_string() })
            }
        }
    };
}
pub(crate) use kernel_enum;

/// Checks a program or map name the way the kernel does: at most 15 bytes of ASCII
/// letters, digits, `_` and `.`.
pub fn validate_name(name: &str) -> Result<(), crate::Error> {
    let bad = |reason| {
        Err(crate::Error::InvalidName {
            name: name.to_string(),
            reason,
        })
    };
    if name.len() > 15 {
        return bad("longer than 15 bytes (the kernel's BPF_OBJ_NAME_LEN is 16 with the NUL)");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    {
        return bad("only ASCII letters, digits, `_` and `.` are allowed");
    }
    Ok(())
}

/// A validated name as the kernel's NUL-padded 16-byte array.
pub(crate) fn name_bytes(name: &str) -> Result<[u8; 16], crate::Error> {
    validate_name(name)?;
    let mut out = [0u8; 16];
    out[..name.len()].copy_from_slice(name.as_bytes());
    Ok(out)
}

/// The name in a kernel info struct (NUL-padded), lossily decoded.
pub(crate) fn name_from_bytes(raw: &[u8]) -> String {
    crate::verifier_log::log_text(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(validate_name("xdp_prog.v2").is_ok());
        assert!(validate_name("").is_ok());
        assert!(validate_name("a-b").is_err());
        assert!(validate_name("0123456789abcdef").is_err());
        assert!(validate_name("0123456789abcde").is_ok());
        assert!(validate_name("é").is_err());
        assert_eq!(&name_bytes("ab").unwrap_or_default()[..3], b"ab\0");
    }
}
