//! The shape of the generated kernel enums ([`MapType`], [`ProgramType`], [`AttachType`]):
//! the `kernel_enum!` macro their generated files invoke, the error of parsing a name,
//! and what the kernel's enums do not say (which map types are per-CPU).

use std::fmt;

use super::kernel::MapType;
#[cfg(doc)]
use super::kernel::{AttachType, ProgramType};

/// Defines a `u32` enum whose variants know their kernel value and lower-case kernel
/// name (the `BPF_..._` prefix dropped), with `name`, `from_name`, `from_u32`, `as_u32`,
/// `ALL`, `Display` and `FromStr`.
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
            type Err = $crate::UnknownKernelName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::from_name(s).ok_or_else(|| $crate::UnknownKernelName {
                    kind: $kind,
                    name: s.to_string(),
                })
            }
        }
    };
}
pub(crate) use kernel_enum;

/// A name that is none of a kernel enum's names (`"HASH".parse::<MapType>()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKernelName {
    /// `"map type"`, `"program type"` or `"attach type"`.
    pub kind: &'static str,
    /// The name given.
    pub name: String,
}

impl fmt::Display for UnknownKernelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.kind, self.name)
    }
}

impl std::error::Error for UnknownKernelName {}

impl MapType {
    /// Whether values are stored once per possible CPU.
    pub fn is_per_cpu(self) -> bool {
        matches!(
            self,
            MapType::PercpuHash
                | MapType::PercpuArray
                | MapType::LruPercpuHash
                | MapType::PercpuCgroupStorage
        )
    }

    /// Whether values are maps (`inner=` in the object format names their shape).
    pub fn is_map_of_maps(self) -> bool {
        matches!(self, MapType::ArrayOfMaps | MapType::HashOfMaps)
    }
}

#[cfg(test)]
mod tests {
    use super::super::kernel::{AttachType, ProgramType};
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in MapType::ALL {
            assert_eq!(MapType::from_name(t.name()), Some(*t));
            assert_eq!(MapType::from_u32(t.as_u32()), Some(*t));
        }
        for t in ProgramType::ALL {
            assert_eq!(ProgramType::from_name(t.name()), Some(*t));
            assert_eq!(ProgramType::from_u32(t.as_u32()), Some(*t));
        }
        for t in AttachType::ALL {
            assert_eq!(AttachType::from_u32(t.as_u32()), Some(*t));
            assert_eq!(AttachType::from_name(t.name()), Some(*t));
        }
        assert_eq!(MapType::ALL.len(), 33);
        assert_eq!(ProgramType::ALL.len(), 32);
        assert_eq!(AttachType::ALL.len(), 58);
        assert_eq!(ProgramType::from_u32(31), Some(ProgramType::Syscall));
        assert_eq!(MapType::from_name("lpm_trie"), Some(MapType::LpmTrie));
        assert_eq!("ringbuf".parse::<MapType>().ok(), Some(MapType::Ringbuf));
        assert_eq!(MapType::Hash.to_string(), "hash");
    }

    #[test]
    fn unknown_names_say_what_they_are_not() {
        let err = "HASH".parse::<MapType>().err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("unknown map type \"HASH\"")
        );
        assert!("xdp".parse::<AttachType>().is_ok());
        assert!("Xdp".parse::<ProgramType>().is_err());
    }
}
