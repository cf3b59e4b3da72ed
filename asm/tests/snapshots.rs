//! Snapshots of what `program!` expands to, printed as text and as hex, so a change in
//! encoding or printing shows up as a reviewable diff. Update deliberately with
//! `INSTA_UPDATE=always cargo test -p ebpf-asm --test snapshots` (or `cargo insta review`).

use ebpf_asm::{program, Program};

/// One line per 8-byte slot: `slot: hex bytes`.
fn hex(p: &Program) -> String {
    p.to_bytes()
        .chunks(8)
        .enumerate()
        .map(|(i, s)| {
            let bytes: Vec<String> = s.iter().map(|b| format!("{b:02x}")).collect();
            format!("{i:4}: {}\n", bytes.join(" "))
        })
        .collect()
}

/// The printed text and the encoding, side by side in one snapshot.
fn both(p: &Program) -> String {
    format!("{p}\n{}", hex(p))
}

#[test]
fn xdp_pass() {
    let p = program! {
        r0 = 2
        exit
    };
    insta::assert_snapshot!(both(&p));
}

#[test]
fn map_counter() {
    const STEP: i32 = 1;
    let p = program! {
        r1 = 0
        *(u32 *)(r10 - 4) = r1
        r2 = r10; r2 += -4
        r1 = counters ll
        call bpf_map_lookup_elem
        if r0 == 0 goto out
        r1 = {STEP}
        lock *(u64 *)(r0 + 0) += r1
    out:
        r0 = 2
        exit
    };
    insta::assert_snapshot!(both(&p));
}

#[test]
fn xdp_udp_port_filter() {
    let p = program! {
        r2 = *(u32 *)(r1 + 4)
        r1 = *(u32 *)(r1 + 0)
        r3 = r1; r3 += 34
        if r3 > r2 goto pass
        r4 = *(u16 *)(r1 + 12)
        if r4 != 8 goto pass
        r4 = *(u8 *)(r1 + 23)
        if r4 != 17 goto pass
        r5 = *(u16 *)(r1 + 36)
        r5 = be16 r5
        if r5 == 53 goto drop
    pass:
        r0 = 2
        exit
    drop:
        r0 = 1
        exit
    };
    insta::assert_snapshot!(both(&p));
}

#[test]
fn subprograms_and_function_addresses() {
    let p = program! {
        r1 = 10
        call fib
        r1 = 1
        r2 = step ll
        r3 = 0; r4 = 0
        call bpf_loop
        exit
    fib:
        r0 = r1
        if r1 s< 2 goto done
        r1 -= 1
        call fib
    done:
        exit
    step:
        r0 = 0
        exit
    };
    insta::assert_snapshot!(both(&p));
}

#[test]
fn atomics_and_v4_forms() {
    let p = program! {
        r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)
        w3 = xchg32_32(r1 + 8, w3)
        r0 = cmpxchg_64(r1 + 16, r0, r4)
        r5 = load_acquire((u64 *)(r1 + 24))
        store_release((u32 *)(r1 + 32), w5)
        r6 = (s16)r6
        r7 = *(s8 *)(r1 + 1)
        w8 s/= 3
        r9 = bswap64 r9
        gotol +1
        may_goto +0
        exit
    };
    insta::assert_snapshot!(both(&p));
}

#[test]
fn ld_imm64_forms() {
    let p = program! {
        r1 = 0x1122334455667788 ll
        r2 = config ll
        ld_pseudo r3, 1, 4
        ld_pseudo r3, 2, 4, 16
        ld_pseudo r3, 5, 0
        ld_pseudo r3, 6, 1, 8
        .8byte 0x0000000000000095
    };
    insta::assert_snapshot!(both(&p));
}

/// The README's snapshot example, as written there (issue 14: `Program::listing`).
#[test]
fn drop_packets_encoding() {
    let program = ebpf_asm::assemble(
        "r0 = 1          // XDP_DROP
         if r1 == 0 goto +2
         r0 = 0x100000000 ll
         call bpf_ktime_get_ns
         exit",
    )
    .unwrap();
    insta::assert_snapshot!(program.listing(), @r"
       0: b700000001000000                 r0 = 1
       1: 1501020000000000                 if r1 == 0 goto +2
       2: 18000000000000000000000001000000 r0 = 4294967296 ll
       4: 8500000005000000                 call bpf_ktime_get_ns
       5: 9500000000000000                 exit
    ");
}
