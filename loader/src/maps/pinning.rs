//! Pinning a collection's maps by name (libbpf's `LIBBPF_PIN_BY_NAME`): the map lives at
//! `DIR/NAME` on a bpffs; a map pinned there already is reused when its definition is the
//! same, and refused, naming what differs, when it is not.

use std::path::{Path, PathBuf};

use super::{Map, MapSpec};
use crate::error::{Error, Result};

/// How a collection map is pinned when the collection is loaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pinning {
    /// Not pinned (the map lives as long as its fds and programs using it).
    #[default]
    None,
    /// `__uint(pinning, LIBBPF_PIN_BY_NAME)`: pinned at `DIR/NAME`, where DIR is
    /// [`LoadOptions::pin_dir`](crate::LoadOptions::pin_dir) (libbpf's default
    /// [`DEFAULT_PIN_DIR`]); an existing pin of the same definition (type, key and
    /// value size, max_entries, flags, map_extra) is reused, its initial values set
    /// again; another definition is an error naming the map, the path and what differs.
    ByName,
}

/// libbpf's default pin directory.
pub const DEFAULT_PIN_DIR: &str = "/sys/fs/bpf";

/// Where a map called `name` is pinned by name under `dir`.
pub fn pin_path(dir: Option<&Path>, name: &str) -> PathBuf {
    dir.unwrap_or(Path::new(DEFAULT_PIN_DIR)).join(name)
}

/// The map pinned at `path`, when there is one and it has `spec`'s definition; `None`
/// when nothing is pinned there (the caller creates the map and pins it).
pub fn reuse_pinned(name: &str, spec: &MapSpec, path: &Path) -> Result<Option<Map>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let map = Map::from_pinned(path)?;
    let differs = differences(spec, &map, map.info()?.map_extra);
    if differs.is_empty() {
        return Ok(Some(map));
    }
    Err(Error::InvalidArgument(format!(
        "map `{name}` is pinned by name at {} with a different definition ({}): remove \
         the pin, or make the definitions agree",
        path.display(),
        differs.join(", ")
    )))
}

/// What differs between `spec` and an existing map (whose `map_extra` is `extra`), as
/// `field: pinned X, object Y` (the fields libbpf compares before reusing a pin).
fn differences(spec: &MapSpec, map: &Map, extra: u64) -> Vec<String> {
    let mut out = Vec::new();
    let mut cmp = |field: &str, pinned: String, wanted: String| {
        if pinned != wanted {
            out.push(format!("{field}: pinned {pinned}, object {wanted}"));
        }
    };
    cmp(
        "type",
        map.map_type().name().to_string(),
        spec.map_type.name().to_string(),
    );
    cmp(
        "key_size",
        map.key_size().to_string(),
        spec.key_size.to_string(),
    );
    cmp(
        "value_size",
        map.value_size().to_string(),
        spec.value_size.to_string(),
    );
    cmp(
        "max_entries",
        map.max_entries().to_string(),
        spec.max_entries.to_string(),
    );
    cmp(
        "map_flags",
        format!("{:#x}", map.flags()),
        format!("{:#x}", spec.flags),
    );
    cmp("map_extra", extra.to_string(), spec.map_extra.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_paths_default_to_libbpfs_directory() {
        assert_eq!(pin_path(None, "counts"), Path::new("/sys/fs/bpf/counts"));
        assert_eq!(
            pin_path(Some(Path::new("/tmp/x")), "counts"),
            Path::new("/tmp/x/counts")
        );
    }
}
