//! ELF reader fuzz target: any bytes give a `CollectionSpec` or an error, never a panic.
//! Seed it with the objects the ELF tests compile (`loader/tests/elf/*.c`, clang-19).
#![no_main]

use ebpf_loader::{BtfFeatures, CollectionSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // No kernel probe: the last byte picks a kernel with every BTF kind or none, so both
    // the plain and the sanitized paths run.
    let features = match data.last().is_some_and(|b| b & 1 == 1) {
        true => BtfFeatures::NONE,
        false => BtfFeatures::ALL,
    };
    match CollectionSpec::from_elf_with(data, features) {
        Err(e) => assert!(!e.to_string().is_empty()),
        Ok(mut spec) => {
            // Every variable read can be set to zeros of its size (within its section:
            // small sections only, as a set variable of .bss allocates up to its end).
            let vars: Vec<(String, u32)> = spec
                .data_sections()
                .iter()
                .filter(|d| d.size <= 1 << 16)
                .flat_map(|d| d.variables.iter().map(|v| (v.name.clone(), v.size)))
                .collect();
            for (name, size) in vars {
                let _ = spec.set_variable(&name, &vec![0; size as usize]);
            }
        }
    }
});
