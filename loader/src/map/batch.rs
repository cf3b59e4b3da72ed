//! Batch operations: `BPF_MAP_{LOOKUP,LOOKUP_AND_DELETE,UPDATE,DELETE}_BATCH`.

use super::Map;
use crate::error::{Error, Result};
use crate::sys::{self, Batch, Cmd};
use std::os::fd::AsFd;

/// Where a batch lookup stopped; start with [`BatchCursor::new`] and pass it to every
/// [`Map::lookup_batch`] call until [`done`](Self::done).
#[derive(Clone, Debug, Default)]
pub struct BatchCursor {
    token: Vec<u8>,
    started: bool,
    done: bool,
}

impl BatchCursor {
    /// A cursor at the start of the map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the last call reached the end of the map.
    pub fn done(&self) -> bool {
        self.done
    }
}

impl Map {
    /// Looks up (and with `delete`, removes) the next batch of up to `max` entries,
    /// appending keys and values to `keys`/`values` (`key_size` and `value_buf_size()`
    /// bytes each). Returns how many entries were read. The kernel's final ENOENT (with a
    /// partial count) ends the iteration and sets `cursor.done()`.
    pub fn lookup_batch(
        &self,
        cursor: &mut BatchCursor,
        max: u32,
        delete: bool,
        keys: &mut Vec<u8>,
        values: &mut Vec<u8>,
    ) -> Result<u32> {
        if cursor.done || max == 0 {
            return Ok(0);
        }
        let layout = *self.layout();
        let n = max as usize;
        let (k0, v0) = (keys.len(), values.len());
        keys.resize(k0 + n * layout.key_size, 0);
        values.resize(v0 + n * layout.value_buf, 0);
        let token_size = sys::batch_token_size(&layout);
        let mut out = vec![0u8; token_size];
        let in_batch = if cursor.started {
            Some(cursor.token.as_slice())
        } else {
            None
        };
        let cmd = if delete {
            Cmd::MapLookupAndDeleteBatch
        } else {
            Cmd::MapLookupBatch
        };
        let batch = Batch {
            in_batch,
            out_batch: &mut out,
            keys: &mut keys[k0..],
            values: &mut values[v0..],
            count: max,
        };
        let (count, r) = sys::map_lookup_batch(cmd, self.as_fd(), &layout, batch, 0);
        let got = count as usize;
        keys.truncate(k0 + got * layout.key_size);
        values.truncate(v0 + got * layout.value_buf);
        match r {
            Ok(()) => {
                cursor.token = out;
                cursor.started = true;
                Ok(count)
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                cursor.done = true;
                Ok(count)
            }
            Err(e) => Err(Error::kernel(cmd, e)),
        }
    }

    /// Reads every entry with batch lookups of `chunk` entries; returns concatenated keys
    /// and values.
    pub fn lookup_all_batched(&self, chunk: u32) -> Result<(Vec<u8>, Vec<u8>)> {
        let mut cursor = BatchCursor::new();
        let (mut keys, mut values) = (Vec::new(), Vec::new());
        while !cursor.done() {
            self.lookup_batch(&mut cursor, chunk, false, &mut keys, &mut values)?;
        }
        Ok((keys, values))
    }

    /// Writes `keys.len() / key_size` entries at once; returns how many were written.
    pub fn update_batch(&self, keys: &[u8], values: &[u8], elem_flags: u64) -> Result<u32> {
        let count = self.batch_count(keys)?;
        self.check(
            "batch values size",
            count as usize * self.layout().value_buf,
            values.len(),
        )?;
        let (n, r) = sys::map_write_batch(
            self.as_fd(),
            self.layout(),
            keys,
            Some(values),
            count,
            elem_flags,
        );
        r.map(|()| n)
            .map_err(|e| Error::kernel(Cmd::MapUpdateBatch, e))
    }

    /// Deletes `keys.len() / key_size` keys at once; returns how many were deleted.
    pub fn delete_batch(&self, keys: &[u8]) -> Result<u32> {
        let count = self.batch_count(keys)?;
        let (n, r) = sys::map_write_batch(self.as_fd(), self.layout(), keys, None, count, 0);
        r.map(|()| n)
            .map_err(|e| Error::kernel(Cmd::MapDeleteBatch, e))
    }

    fn batch_count(&self, keys: &[u8]) -> Result<u32> {
        let ks = self.layout().key_size;
        if ks == 0 || !keys.len().is_multiple_of(ks) {
            return Err(Error::InvalidArgument(format!(
                "batch keys of map `{}`: {} bytes is not a multiple of the key size {ks}",
                self.name(),
                keys.len()
            )));
        }
        u32::try_from(keys.len() / ks)
            .map_err(|_| Error::InvalidArgument("too many keys in one batch".into()))
    }
}
