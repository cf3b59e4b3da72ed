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
    /// Scratch for the kernel's `out_batch`, swapped with `token` after a call so that
    /// no call allocates.
    next: Vec<u8>,
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

/// Makes `v` at least `len` bytes long. A vector without storage gets fresh zeroed
/// memory (`calloc`: no `memset`, pages are faulted in by whoever writes them first);
/// otherwise only the new tail is zeroed and the existing bytes are kept as scratch.
fn grow(v: &mut Vec<u8>, len: usize) {
    if v.capacity() == 0 {
        *v = vec![0; len];
    } else if v.len() < len {
        v.resize(len, 0);
    }
}

impl Map {
    /// Looks up (and with `delete`, removes) the next batch of up to `max` entries,
    /// appending keys and values to `keys`/`values` (`key_size` and `value_buf_size()`
    /// bytes each). Returns how many entries were read. The kernel's final ENOENT (with a
    /// partial count) ends the iteration and sets `cursor.done()`. A hash map bucket is
    /// never split: if the next bucket holds more than `max` entries the kernel fails
    /// with ENOSPC and nothing is read.
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
        let (count, r) = self.batch_into(cursor, max, delete, &mut keys[k0..], &mut values[v0..]);
        let got = count as usize;
        keys.truncate(k0 + got * layout.key_size);
        values.truncate(v0 + got * layout.value_buf);
        r.map(|()| count)
            .map_err(|e| Error::kernel(batch_cmd(delete), e))
    }

    /// One batch call writing at most `max` entries to the front of `keys`/`values`
    /// (which must have room for them). Returns the count and the result; ENOENT (the
    /// end of the map) is a success that sets `cursor.done`.
    fn batch_into(
        &self,
        cursor: &mut BatchCursor,
        max: u32,
        delete: bool,
        keys: &mut [u8],
        values: &mut [u8],
    ) -> (u32, std::io::Result<()>) {
        let layout = self.layout();
        let token_size = sys::batch_token_size(layout);
        cursor.next.resize(token_size, 0);
        let batch = Batch {
            in_batch: cursor.started.then_some(cursor.token.as_slice()),
            out_batch: &mut cursor.next,
            keys,
            values,
            count: max,
        };
        let (count, r) = sys::map_lookup_batch(batch_cmd(delete), self.as_fd(), layout, batch, 0);
        match r {
            Ok(()) => {
                std::mem::swap(&mut cursor.token, &mut cursor.next);
                cursor.started = true;
                (count, Ok(()))
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                cursor.done = true;
                (count, Ok(()))
            }
            Err(e) => (count, Err(e)),
        }
    }

    /// Reads every entry with batch lookups of `chunk` entries; returns concatenated keys
    /// and values. See [`lookup_all_batched_into`](Self::lookup_all_batched_into).
    pub fn lookup_all_batched(&self, chunk: u32) -> Result<(Vec<u8>, Vec<u8>)> {
        let (mut keys, mut values) = (Vec::new(), Vec::new());
        self.lookup_all_batched_into(chunk, &mut keys, &mut values)?;
        Ok((keys, values))
    }

    /// Reads every entry with batch lookups of up to `chunk` entries into `keys` and
    /// `values`, replacing their contents (concatenated keys, concatenated values);
    /// returns the number of entries. Reusing the same vectors across calls (say, when
    /// polling a map) skips allocating and faulting in fresh memory. No call asks for
    /// more than the map's `max_entries` can still hold, and a hash bucket larger than
    /// `chunk` is read whole (the kernel cannot split one).
    pub fn lookup_all_batched_into(
        &self,
        chunk: u32,
        keys: &mut Vec<u8>,
        values: &mut Vec<u8>,
    ) -> Result<usize> {
        let layout = *self.layout();
        let (ks, vs) = (layout.key_size, layout.value_buf);
        let mut cursor = BatchCursor::new();
        let mut got = 0usize;
        // Raised while the next hash bucket does not fit (ENOSPC with nothing read).
        let mut at_least = 1u32;
        let r = loop {
            if cursor.done {
                break Ok(());
            }
            // `max_entries` bounds the entries left only without concurrent updates, so
            // it merely sizes the request: at least one entry is always asked for.
            let left = match self.max_entries() {
                0 => u32::MAX,
                m => u32::try_from((m as usize).saturating_sub(got)).unwrap_or(u32::MAX),
            };
            let want = chunk.min(left).max(at_least);
            let end = got + want as usize;
            grow(keys, end * ks);
            grow(values, end * vs);
            let (n, r) = self.batch_into(
                &mut cursor,
                want,
                false,
                &mut keys[got * ks..end * ks],
                &mut values[got * vs..end * vs],
            );
            got += n as usize;
            match r {
                Ok(()) => at_least = 1,
                Err(e) if n == 0 && e.raw_os_error() == Some(libc::ENOSPC) && want < u32::MAX => {
                    at_least = want.saturating_mul(2);
                }
                Err(e) => break Err(Error::kernel(Cmd::MapLookupBatch, e)),
            }
        };
        keys.truncate(got * ks);
        values.truncate(got * vs);
        r.map(|()| got)
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

fn batch_cmd(delete: bool) -> Cmd {
    if delete {
        Cmd::MapLookupAndDeleteBatch
    } else {
        Cmd::MapLookupBatch
    }
}

#[cfg(test)]
mod tests {
    use crate::{MapSpec, MapType};

    /// A map, or `None` (test skipped) without the privileges to create one.
    fn map(map_type: MapType, max_entries: u32) -> Option<super::Map> {
        match MapSpec::new(map_type, 4, 8, max_entries).create() {
            Ok(m) => Some(m),
            Err(e) if e.errno() == Some(libc::EPERM) => {
                ebpf_asm_test_support::skip("needs CAP_BPF or CAP_SYS_ADMIN (run as root)");
                None
            }
            Err(e) => panic!("create: {e}"),
        }
    }

    fn fill(m: &super::Map, n: u32) {
        let keys: Vec<u8> = (0..n).flat_map(|i| i.to_ne_bytes()).collect();
        let vals: Vec<u8> = (0..n)
            .flat_map(|i| u64::from(i * 7).to_ne_bytes())
            .collect();
        assert_eq!(m.update_batch(&keys, &vals, 0).expect("fill"), n);
    }

    fn sorted_pairs(keys: &[u8], values: &[u8]) -> Vec<(u32, u64)> {
        let mut v: Vec<(u32, u64)> = keys
            .chunks(4)
            .zip(values.chunks(8))
            .map(|(k, v)| {
                let k = u32::from_ne_bytes(k.try_into().expect("4"));
                (k, u64::from_ne_bytes(v.try_into().expect("8")))
            })
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn batch_chunk_smaller_than_a_bucket_is_read_whole() {
        // 16 entries in 16 buckets: some bucket holds two or more (odds otherwise ~1e-6),
        // which a one-entry request cannot take (ENOSPC); the request is grown instead.
        let Some(m) = map(MapType::Hash, 16) else {
            return;
        };
        fill(&m, 16);
        let (k, v) = m.lookup_all_batched(1).expect("chunk 1");
        let want: Vec<(u32, u64)> = (0..16).map(|i| (i, u64::from(i * 7))).collect();
        assert_eq!(sorted_pairs(&k, &v), want);
    }

    #[test]
    fn batch_into_reuses_buffers() {
        let Some(m) = map(MapType::Hash, 1000) else {
            return;
        };
        fill(&m, 1000);
        let (mut k, mut v) = (vec![0xaa; 3], Vec::new());
        for chunk in [64, 1000, 5000] {
            assert_eq!(
                m.lookup_all_batched_into(chunk, &mut k, &mut v)
                    .expect("all"),
                1000
            );
            let want: Vec<(u32, u64)> = (0..1000).map(|i| (i, u64::from(i * 7))).collect();
            assert_eq!(sorted_pairs(&k, &v), want);
        }
        // Fewer entries than the buffers already hold: the stale tail is cut off.
        let gone: Vec<u8> = (0..600u32).flat_map(|i| i.to_ne_bytes()).collect();
        assert_eq!(m.delete_batch(&gone).expect("delete"), 600);
        assert_eq!(
            m.lookup_all_batched_into(128, &mut k, &mut v).expect("all"),
            400
        );
        let want: Vec<(u32, u64)> = (600..1000).map(|i| (i, u64::from(i * 7))).collect();
        assert_eq!(sorted_pairs(&k, &v), want);
        // An empty map.
        assert_eq!(m.delete_batch(&k.clone()).expect("delete rest"), 400);
        assert_eq!(
            m.lookup_all_batched_into(128, &mut k, &mut v).expect("all"),
            0
        );
        assert!(k.is_empty() && v.is_empty());
    }

    #[test]
    fn batch_array_exactly_full_and_larger_chunk() {
        let Some(a) = map(MapType::Array, 100) else {
            return;
        };
        fill(&a, 100);
        for chunk in [1, 7, 100, 1000] {
            let (k, v) = a.lookup_all_batched(chunk).expect("array");
            let want: Vec<(u32, u64)> = (0..100).map(|i| (i, u64::from(i * 7))).collect();
            assert_eq!(sorted_pairs(&k, &v), want, "chunk {chunk}");
        }
    }

    #[test]
    fn batch_cursor_appends_across_calls() {
        let Some(m) = map(MapType::Hash, 256) else {
            return;
        };
        fill(&m, 200);
        let mut cursor = super::BatchCursor::new();
        let (mut k, mut v) = (vec![1, 2, 3, 4], vec![0; 8]);
        let mut total = 0;
        while !cursor.done() {
            total += m
                .lookup_batch(&mut cursor, 32, false, &mut k, &mut v)
                .expect("batch");
        }
        assert_eq!(total, 200);
        assert_eq!((k.len(), v.len()), (4 * 201, 8 * 201));
        assert_eq!(&k[..4], &[1, 2, 3, 4]);
        assert_eq!(
            m.lookup_batch(&mut cursor, 32, false, &mut k, &mut v)
                .expect("done"),
            0
        );
    }
}
