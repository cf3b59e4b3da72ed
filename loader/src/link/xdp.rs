//! XDP through `BPF_LINK_CREATE` on an interface, by name or index.

use std::ffi::CString;
use std::os::fd::AsFd;

use super::{link_create, raw_fd, Hook, Link};
use crate::error::{Error, Result};
use crate::programs::AttachType;
use crate::programs::LoadedProgram;
use crate::sys::{link::LinkCreateAttr, os::if_nametoindex};

/// A network interface, by name (looked up in the caller's network namespace) or index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interface {
    /// Interface name, e.g. `lo`.
    Name(String),
    /// Interface index.
    Index(u32),
}

impl From<&str> for Interface {
    fn from(s: &str) -> Self {
        Interface::Name(s.to_owned())
    }
}

impl From<String> for Interface {
    fn from(s: String) -> Self {
        Interface::Name(s)
    }
}

impl From<u32> for Interface {
    fn from(i: u32) -> Self {
        Interface::Index(i)
    }
}

impl Interface {
    /// The interface index; errors if no interface has this name.
    pub fn index(&self) -> Result<u32> {
        match self {
            Interface::Index(i) => Ok(*i),
            Interface::Name(n) => {
                let c = CString::new(n.as_str()).map_err(|_| {
                    Error::InvalidArgument(format!("interface name {n:?} contains a NUL byte"))
                })?;
                if_nametoindex(&c).ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "no network interface named {n:?} in this network namespace"
                    ))
                })
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Interface::Name(n) => n.clone(),
            Interface::Index(i) => format!("ifindex {i}"),
        }
    }
}

/// How an XDP program is run by the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum XdpMode {
    /// Native if the driver supports it, else generic (no flags).
    #[default]
    Auto,
    /// Generic (skb) mode: works everywhere, slower (`XDP_FLAGS_SKB_MODE`).
    Generic,
    /// In the driver (`XDP_FLAGS_DRV_MODE`); EOPNOTSUPP where unsupported (e.g. `lo`).
    Native,
    /// Offloaded to the NIC (`XDP_FLAGS_HW_MODE`).
    Offload,
}

impl XdpMode {
    /// The `XDP_FLAGS_*` value.
    pub fn flags(self) -> u32 {
        match self {
            XdpMode::Auto => 0,
            XdpMode::Generic => 1 << 1,
            XdpMode::Native => 1 << 2,
            XdpMode::Offload => 1 << 3,
        }
    }
}

impl LoadedProgram {
    /// Attaches this XDP program to `iface` in `mode`; the returned link detaches on drop.
    pub fn attach_xdp(&self, iface: impl Into<Interface>, mode: XdpMode) -> Result<Link> {
        let iface = iface.into();
        let ifindex = iface.index()?;
        let attr = LinkCreateAttr {
            prog_fd: raw_fd(self.as_fd()),
            target: ifindex,
            attach_type: AttachType::Xdp.as_u32(),
            flags: mode.flags(),
            ..Default::default()
        };
        link_create(
            Hook::Xdp,
            || format!("xdp on {} in {mode:?} mode", iface.describe()),
            &attr,
        )
    }
}
