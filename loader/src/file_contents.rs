//! A whole file in memory: mapped under a read lease when that is safe and worth it, read
//! into a buffer otherwise.
//!
//! Reading a page-cached file costs little; faulting in the fresh buffer it is read into
//! costs a lot (about 2 us per 4 KiB page on a VM: 10-16 ms for 18 MB), while mapping the
//! page cache and touching every page costs about 0.6 ms. Plain mmap is unsound in Rust,
//! though (the bytes behind a `&[u8]` may change, and truncation raises SIGBUS), unless
//! nobody can change the file: which is what a read lease gives.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::ops::Deref;
use std::os::fd::AsFd;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::sys::file_map::{self, LeasedMap, ReadLease};

/// Files smaller than this are read: mapping and the lease cost more than they save.
const MAP_MIN: u64 = 1 << 20;

/// Files larger than this are read: a writer waiting for the lease gets it after
/// `/proc/sys/fs/lease-break-time` (45 s by default) whether or not we are done, and a
/// file this size is processed long before that.
const MAP_MAX: u64 = 1 << 30;

/// Files read (not mapped) that are at least this large are read by two threads at once.
const PARALLEL_READ: u64 = 4 << 20;

/// Filesystems (`statfs.f_type`) whose files change only through opens and truncates on
/// this machine, which a lease holds back. Network filesystems (NFS, SMB, 9p) and FUSE
/// can change a file's contents behind a lease; overlayfs and others are left out because
/// their lower layers may be changed directly.
const LEASE_SAFE_FS: [(u32, &str); 6] = [
    (0xef53, "ext2/ext3/ext4"),
    (0x5846_5342, "xfs"),
    (0x9123_683e, "btrfs"),
    (0x0102_1994, "tmpfs"),
    (0xf2f5_2010, "f2fs"),
    (0xca45_1a4e, "bcachefs"),
];

/// How [`FileContents::open`] brings a file into memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    /// Lease and map it.
    Map,
    /// Read it into a buffer, for this reason.
    Read(ReadBecause),
}

/// Why a file is read rather than mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReadBecause {
    /// A pipe, device, directory or other non-regular file.
    NotRegular,
    /// Smaller than [`MAP_MIN`].
    Small,
    /// Larger than [`MAP_MAX`].
    Large,
    /// The filesystem is not in [`LEASE_SAFE_FS`] (or `fstatfs` failed: `None`).
    FsNotLeaseSafe,
}

/// Which strategy suits a file of this type, size and filesystem magic (`None`: unknown).
fn strategy(is_regular: bool, size: u64, fs_magic: Option<u32>) -> Strategy {
    if !is_regular {
        Strategy::Read(ReadBecause::NotRegular)
    } else if size < MAP_MIN {
        Strategy::Read(ReadBecause::Small)
    } else if size > MAP_MAX {
        Strategy::Read(ReadBecause::Large)
    } else if !fs_magic.is_some_and(|m| LEASE_SAFE_FS.iter().any(|&(safe, _)| safe == m)) {
        Strategy::Read(ReadBecause::FsNotLeaseSafe)
    } else {
        Strategy::Map
    }
}

/// The whole contents of a file, as `&[u8]` through `Deref`.
///
/// A regular file of 1 MiB to 1 GiB on a local filesystem (ext2/3/4, xfs, btrfs, tmpfs,
/// f2fs, bcachefs) is mapped read-only under a read lease (`F_SETLEASE`): while this
/// value lives, every other open of the file for writing, and every truncate, waits
/// (non-blocking opens fail with `WouldBlock`), so the mapped bytes cannot change. Drop
/// it soon: a writer waits at most `/proc/sys/fs/lease-break-time` (45 s by default),
/// after which the kernel lets it go ahead. Everything else is read into memory: other
/// files and sizes, files someone has open for writing, files we may not lease (not our
/// own, no CAP_LEASE), kernels with leases disabled, and mmap failures.
///
/// ```
/// let manifest = ebpf_loader::FileContents::open("Cargo.toml")?;
/// assert!(!manifest.is_mapped()); // under 1 MiB: read
/// assert!(manifest.starts_with(b"[package]"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct FileContents(Contents);

enum Contents {
    Mapped(LeasedMap),
    Read(Vec<u8>),
}

impl FileContents {
    /// Opens `path` read-only and maps or reads all of it (see the type's documentation).
    /// Errors are those of opening and reading the file; mapping never fails, it falls back.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        // std opens with O_RDONLY | O_CLOEXEC; a read lease needs a read-only file.
        let file = File::open(path)?;
        let meta = file.metadata()?;
        let magic = file_map::fs_magic(file.as_fd()).ok();
        if strategy(meta.is_file(), meta.len(), magic) != Strategy::Map {
            return read_whole(&file, &meta).map(Self::from);
        }
        let lease = match ReadLease::take(file) {
            Ok(lease) => lease,
            Err((_, file)) => return read_whole(&file, &meta).map(Self::from),
        };
        // Only now is the size settled: someone may have written the file since `meta`.
        let meta = lease.file().metadata()?;
        let len = match strategy(meta.is_file(), meta.len(), magic) {
            Strategy::Map => usize::try_from(meta.len()).map_err(io::Error::other)?,
            Strategy::Read(_) => return read_whole(lease.file(), &meta).map(Self::from),
        };
        match LeasedMap::new(lease, len) {
            Ok(map) => Ok(FileContents(Contents::Mapped(map))),
            Err((_, lease)) => read_whole(lease.file(), &meta).map(Self::from),
        }
    }

    /// Whether the contents are a leased mapping of the file (`false`: read into memory).
    pub fn is_mapped(&self) -> bool {
        matches!(self.0, Contents::Mapped(_))
    }
}

/// Contents already in memory, e.g. read from standard input.
impl From<Vec<u8>> for FileContents {
    fn from(bytes: Vec<u8>) -> Self {
        FileContents(Contents::Read(bytes))
    }
}

impl Deref for FileContents {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match &self.0 {
            Contents::Mapped(map) => map.bytes(),
            Contents::Read(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for FileContents {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

/// The length and how the contents are held, not the bytes.
impl fmt::Debug for FileContents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileContents")
            .field("len", &self.len())
            .field("mapped", &self.is_mapped())
            .finish()
    }
}

/// Reads all of `file` (`meta` is its metadata). A large regular file is read in two halves
/// on two threads: on a VM nearly all the cost of reading a page-cached file is faulting in
/// the fresh buffer (about 2 us per 4 KiB page), and two threads fault their halves at
/// once. `vec![0; n]` takes untouched zero pages from the system, so nothing is written
/// twice.
fn read_whole(file: &File, meta: &Metadata) -> io::Result<Vec<u8>> {
    let mut reader = file;
    if meta.len() < PARALLEL_READ || !meta.is_file() {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let len = usize::try_from(meta.len()).map_err(io::Error::other)?;
    let mut bytes = vec![0u8; len];
    let (first, second) = bytes.split_at_mut(len / 2);
    let half = len / 2;
    let read = std::thread::scope(|s| {
        let other = s.spawn(move || file.read_exact_at(second, half as u64));
        let mine = file.read_exact_at(first, 0);
        mine.and(
            other
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("reader thread"))),
        )
    });
    // A file that changed size while being read: read it again the ordinary way (the
    // positioned reads above left the file offset at 0).
    let mut probe = [0u8; 1];
    match read {
        Ok(()) if file.read_at(&mut probe, len as u64)? == 0 => Ok(bytes),
        _ => {
            drop(bytes);
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes)?;
            Ok(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;
    use std::os::unix::fs::OpenOptionsExt;
    use std::path::PathBuf;

    const NFS: u32 = 0x6969;
    const FUSE: u32 = 0x6573_5546;
    const OVERLAYFS: u32 = 0x794c_7630;
    const EXT4: u32 = 0xef53;

    #[test]
    fn policy_reads_non_regular_files_whatever_their_size() {
        for size in [0, MAP_MIN, MAP_MAX] {
            assert_eq!(
                strategy(false, size, Some(EXT4)),
                Strategy::Read(ReadBecause::NotRegular)
            );
        }
    }

    #[test]
    fn policy_reads_small_files() {
        for size in [0, 1, 4096, MAP_MIN - 1] {
            assert_eq!(
                strategy(true, size, Some(EXT4)),
                Strategy::Read(ReadBecause::Small),
                "{size}"
            );
        }
        assert_eq!(strategy(true, MAP_MIN, Some(EXT4)), Strategy::Map);
    }

    #[test]
    fn policy_reads_huge_files() {
        assert_eq!(strategy(true, MAP_MAX, Some(EXT4)), Strategy::Map);
        for size in [MAP_MAX + 1, u64::MAX] {
            assert_eq!(
                strategy(true, size, Some(EXT4)),
                Strategy::Read(ReadBecause::Large),
                "{size}"
            );
        }
    }

    #[test]
    fn policy_reads_files_of_other_or_unknown_filesystems() {
        for magic in [Some(NFS), Some(FUSE), Some(OVERLAYFS), Some(0), None] {
            assert_eq!(
                strategy(true, MAP_MIN, magic),
                Strategy::Read(ReadBecause::FsNotLeaseSafe),
                "{magic:x?}"
            );
        }
    }

    #[test]
    fn policy_maps_files_of_every_lease_safe_filesystem() {
        for (magic, name) in LEASE_SAFE_FS {
            for size in [MAP_MIN, MAP_MIN + 1, PARALLEL_READ, MAP_MAX] {
                assert_eq!(
                    strategy(true, size, Some(magic)),
                    Strategy::Map,
                    "{name} {size}"
                );
            }
        }
    }

    /// A fresh directory under the system temp dir, removed on drop (also when a test
    /// fails).
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "ebpf-loader-file-contents-{tag}-{}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            TempDir(dir.canonicalize().expect("canonical temp dir"))
        }

        /// Writes `len` patterned bytes (no period that divides a page) to `name`.
        fn file(&self, name: &str, len: usize) -> (PathBuf, Vec<u8>) {
            let path = self.0.join(name);
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &data).expect("write test file");
            (path, data)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Whether `dir` supports mapping under a lease here. If not, prints why and returns
    /// `false` (the caller skips), or fails when `EBPF_ASM_NO_SKIP=1` (CI).
    fn leases_work(dir: &TempDir) -> bool {
        let (path, _) = dir.file("probe", 1);
        let file = File::open(&path).expect("open probe");
        let why = match file_map::fs_magic(file.as_fd()) {
            Err(e) => format!("fstatfs on the temp dir failed: {e}"),
            Ok(m) if !LEASE_SAFE_FS.iter().any(|&(safe, _)| safe == m) => {
                format!("the temp dir is on a filesystem without safe leases (magic {m:#x})")
            }
            Ok(_) => match ReadLease::take(file) {
                Ok(_) => return true,
                Err((e, _)) => format!("the kernel refuses read leases: {e}"),
            },
        };
        // CI sets EBPF_ASM_NO_SKIP=1: there a skip is a failure.
        assert!(
            std::env::var_os("EBPF_ASM_NO_SKIP").is_none_or(|v| v != "1"),
            "{why}, and EBPF_ASM_NO_SKIP=1 forbids skipping"
        );
        eprintln!("skipped: {why}");
        false
    }

    /// Opens `path` for writing without blocking on a lease.
    fn open_for_writing_nonblocking(path: &Path) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
    }

    /// How many of this process's fds and mappings refer to `path`.
    fn fds_and_maps_of(path: &Path) -> (usize, usize) {
        let fds = std::fs::read_dir("/proc/self/fd")
            .expect("/proc/self/fd")
            .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
            .filter(|target| target == path)
            .count();
        let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
        let name = path.to_str().expect("UTF-8 temp path");
        let maps = maps.lines().filter(|l| l.ends_with(name)).count();
        (fds, maps)
    }

    #[test]
    fn contents_are_whole_on_both_paths_around_thresholds_and_page_edges() {
        let dir = TempDir::new("sizes");
        if !leases_work(&dir) {
            return;
        }
        let min = MAP_MIN as usize;
        let par = PARALLEL_READ as usize;
        let sizes = [
            0,
            1,
            4095,
            4096,
            4097,
            min - 1,
            min,
            min + 1,
            min + 4095,
            min + 4096,
            par - 1,
            par,
            par + 4097,
        ];
        for len in sizes {
            let (path, data) = dir.file(&format!("f{len}"), len);
            let mapped = FileContents::open(&path).expect("open");
            assert_eq!(mapped.is_mapped(), len >= min, "size {len}");
            assert!(*mapped == *data, "mapped contents of size {len}");
            drop(mapped);
            // Someone has the file open for writing: the kernel refuses the lease.
            let writer = OpenOptions::new().append(true).open(&path).expect("writer");
            let read = FileContents::open(&path).expect("open");
            assert!(!read.is_mapped(), "size {len} with a writer");
            assert!(*read == *data, "read contents of size {len}");
            drop(writer);
        }
    }

    #[test]
    fn writers_wait_while_mapped_and_not_after() {
        let dir = TempDir::new("writers");
        if !leases_work(&dir) {
            return;
        }
        let (path, data) = dir.file("f", MAP_MIN as usize + 100);
        let contents = FileContents::open(&path).expect("open");
        assert!(contents.is_mapped());
        let refused = open_for_writing_nonblocking(&path).expect_err("lease holds writers");
        assert_eq!(refused.kind(), io::ErrorKind::WouldBlock, "{refused}");
        // The refused open started a lease break; the mapping is as it was.
        assert!(*contents == *data);
        drop(contents);
        open_for_writing_nonblocking(&path).expect("no lease after drop");
    }

    #[test]
    fn a_file_open_for_writing_is_read_in_two_halves_when_large() {
        let dir = TempDir::new("halves");
        if !leases_work(&dir) {
            return;
        }
        let (path, data) = dir.file("big.s", PARALLEL_READ as usize + 12_345);
        let _writer = OpenOptions::new().write(true).open(&path).expect("writer");
        let read = FileContents::open(&path).expect("open");
        assert!(!read.is_mapped());
        assert!(*read == *data);
    }

    #[test]
    fn large_files_read_in_two_halves_are_whole() {
        let dir = TempDir::new("read-whole");
        let (path, data) = dir.file("big.s", PARALLEL_READ as usize + 12_345);
        let file = File::open(&path).expect("open");
        let meta = file.metadata().expect("metadata");
        assert!(read_whole(&file, &meta).expect("read") == data);
        // Metadata that no longer fits (the file shrank or grew while read): the file is
        // read again whole, not cut to the old size.
        std::fs::write(dir.0.join("small"), b"abc").expect("write");
        let small = File::open(dir.0.join("small")).expect("open");
        assert_eq!(read_whole(&small, &meta).expect("read"), b"abc");
        let (_, more) = dir.file("bigger", PARALLEL_READ as usize + 20_000);
        let bigger = File::open(dir.0.join("bigger")).expect("open");
        assert!(read_whole(&bigger, &meta).expect("read") == more);
    }

    #[test]
    fn no_fd_or_mapping_outlives_its_contents() {
        let dir = TempDir::new("leak");
        if !leases_work(&dir) {
            return;
        }
        let (path, _) = dir.file("f", MAP_MIN as usize + 1);
        let contents = FileContents::open(&path).expect("open");
        assert!(contents.is_mapped());
        // The count below can see a live one.
        assert_eq!(fds_and_maps_of(&path), (1, 1));
        drop(contents);
        for _ in 0..300 {
            let c = FileContents::open(&path).expect("open");
            assert!(c.is_mapped());
        }
        {
            // The read path too (no mapping, fd closed after reading).
            let _writer = OpenOptions::new().write(true).open(&path).expect("writer");
            for _ in 0..300 {
                assert!(!FileContents::open(&path).expect("open").is_mapped());
            }
            assert_eq!(fds_and_maps_of(&path), (1, 0), "only the writer's fd");
        }
        assert_eq!(fds_and_maps_of(&path), (0, 0));
    }

    #[test]
    fn special_files_are_read() {
        let null = FileContents::open("/dev/null").expect("/dev/null");
        assert!(!null.is_mapped());
        assert!(null.is_empty());
        // procfs files say size 0 yet have contents.
        let status = FileContents::open("/proc/self/status").expect("status");
        assert!(!status.is_mapped());
        assert!(status.starts_with(b"Name:"));
        let missing = FileContents::open("/nonexistent/x.s").expect_err("missing file");
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        let stdin_like = FileContents::from(b"r0 = 0".to_vec());
        assert!(!stdin_like.is_mapped());
        assert_eq!(&*stdin_like, b"r0 = 0");
        assert_eq!(
            format!("{stdin_like:?}"),
            "FileContents { len: 6, mapped: false }"
        );
    }
}
