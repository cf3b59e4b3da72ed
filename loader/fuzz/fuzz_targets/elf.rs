//! ELF reader fuzz target: any bytes give a `CollectionSpec` or an error, never a panic.
//! Seed it with the objects the ELF tests compile (`loader/tests/elf/*.c`, clang-19).
#![no_main]

use ebpf_loader::CollectionSpec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = CollectionSpec::from_elf(data) {
        assert!(!e.to_string().is_empty());
    }
});
