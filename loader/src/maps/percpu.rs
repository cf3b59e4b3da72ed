//! Per-CPU values: the possible-CPU count and splitting/joining per-CPU buffers.

use std::sync::OnceLock;

use super::Map;
use crate::error::{Error, Result};

const POSSIBLE: &str = "/sys/devices/system/cpu/possible";

/// Parses a kernel CPU list such as `0-3,5,7-8` into the number of CPUs it names.
pub fn parse_cpu_list(text: &str) -> Option<usize> {
    let mut n = 0usize;
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (
                a.trim().parse::<usize>().ok()?,
                b.trim().parse::<usize>().ok()?,
            ),
            None => {
                let v = part.trim().parse::<usize>().ok()?;
                (v, v)
            }
        };
        n = n.checked_add(hi.checked_sub(lo)? + 1)?;
    }
    (n > 0).then_some(n)
}

/// The number of possible CPUs (read once from `/sys/devices/system/cpu/possible`): the
/// count of per-CPU values the kernel copies.
pub fn possible_cpus() -> Result<usize> {
    static CPUS: OnceLock<Option<usize>> = OnceLock::new();
    let cached = CPUS.get_or_init(|| {
        std::fs::read_to_string(POSSIBLE)
            .ok()
            .and_then(|t| parse_cpu_list(&t))
    });
    cached.ok_or_else(|| Error::Io {
        what: format!("reading the possible CPUs from {POSSIBLE}"),
        source: std::io::Error::from(std::io::ErrorKind::InvalidData),
    })
}

/// Bytes per CPU in a per-CPU value buffer: `round_up(value_size, 8)`.
pub(crate) fn slot_size(value_size: u32) -> usize {
    (value_size as usize).div_ceil(8) * 8
}

impl Map {
    /// Per-CPU maps: the value of `key` on every possible CPU, or `None` if absent.
    pub fn lookup_percpu(&self, key: &[u8]) -> Result<Option<Vec<Vec<u8>>>> {
        let vs = self.value_size as usize;
        let slot = slot_size(self.value_size);
        Ok(self.lookup(key)?.map(|buf| {
            buf.chunks(slot.max(1))
                .map(|c| c[..vs.min(c.len())].to_vec())
                .collect()
        }))
    }

    /// Per-CPU maps: sets `key` to one value per possible CPU.
    pub fn update_percpu(&self, key: &[u8], values: &[&[u8]], flags: u64) -> Result<()> {
        let cpus = possible_cpus()?;
        if values.len() != cpus {
            return Err(Error::InvalidArgument(format!(
                "per-CPU update of map `{}` needs {cpus} values (possible CPUs), got {}",
                self.name,
                values.len()
            )));
        }
        let slot = slot_size(self.value_size);
        let mut buf = vec![0u8; slot * cpus];
        for (i, v) in values.iter().enumerate() {
            self.check("per-CPU value size", self.value_size as usize, v.len())?;
            buf[i * slot..i * slot + v.len()].copy_from_slice(v);
        }
        self.update(key, &buf, flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0-1\n"), Some(2));
        assert_eq!(parse_cpu_list("0"), Some(1));
        assert_eq!(parse_cpu_list("0-3,5,7-8"), Some(7));
        assert_eq!(parse_cpu_list(""), None);
        assert_eq!(parse_cpu_list("3-1"), None);
        assert_eq!(parse_cpu_list("x"), None);
    }

    #[test]
    fn slots_round_up_to_8() {
        assert_eq!(slot_size(1), 8);
        assert_eq!(slot_size(8), 8);
        assert_eq!(slot_size(12), 16);
        assert_eq!(slot_size(0), 0);
    }
}
