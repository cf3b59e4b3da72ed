//! Hand-made broken blobs, one per error: each gives its error with the byte offset or
//! type id, never a panic.

use ebpf_btf::{Btf, Error, Kind};

/// A little-endian blob: header with the given fields, then `types` words, then `strings`.
fn blob_with(version: u8, flags: u8, hdr_len: u32, types: &[u32], strings: &[u8]) -> Vec<u8> {
    let type_len = (types.len() * 4) as u32;
    let mut b = vec![0x9f, 0xeb, version, flags];
    for w in [hdr_len, 0, type_len, type_len, strings.len() as u32] {
        b.extend_from_slice(&w.to_le_bytes());
    }
    for w in types {
        b.extend_from_slice(&w.to_le_bytes());
    }
    b.extend_from_slice(strings);
    b
}

fn blob(types: &[u32], strings: &[u8]) -> Vec<u8> {
    blob_with(1, 0, 24, types, strings)
}

fn info(kind: u32, vlen: u32) -> u32 {
    kind << 24 | vlen
}

/// An int "int" (name offset 1), 4 bytes signed.
const INT: [u32; 4] = [1, 1 << 24, 4, 1 << 24 | 32];
const STRINGS: &[u8] = b"\0int\0";

fn err(data: Vec<u8>) -> Error {
    Btf::parse(data).expect_err("must not parse")
}

/// Parses, then decodes every type: the first error.
fn validate_err(data: Vec<u8>) -> Error {
    Btf::parse(data)
        .expect("parses")
        .validate()
        .expect_err("must not validate")
}

#[test]
fn a_good_blob_parses() {
    let btf = Btf::parse(blob(&INT, STRINGS)).unwrap();
    btf.validate().unwrap();
    assert_eq!(btf.name_of(1).unwrap(), "int");
}

#[test]
fn bad_magic() {
    let mut b = blob(&INT, STRINGS);
    b[0] = 0x12;
    let e = err(b);
    assert!(matches!(e, Error::BadMagic { found: 0xeb12 }), "{e:?}");
    assert!(e.to_string().contains("byte 0"), "{e}");
}

#[test]
fn short_blobs_are_truncated_headers() {
    for n in [0, 1, 2, 3, 12, 23] {
        let b = blob(&INT, STRINGS)[..n].to_vec();
        let e = err(b);
        assert!(
            matches!(e, Error::Truncated { need: 24, have, .. } if have == n),
            "{n}: {e:?}"
        );
    }
}

#[test]
fn bad_version_and_flags() {
    let e = err(blob_with(2, 0, 24, &INT, STRINGS));
    assert!(matches!(e, Error::BadVersion { version: 2 }), "{e:?}");
    let e = err(blob_with(1, 4, 24, &INT, STRINGS));
    assert!(matches!(e, Error::BadFlags { flags: 4 }), "{e:?}");
}

#[test]
fn bad_header_lengths() {
    let e = err(blob_with(1, 0, 16, &INT, STRINGS));
    assert!(
        matches!(e, Error::BadHeaderLen { hdr_len: 16, .. }),
        "{e:?}"
    );
    let e = err(blob_with(1, 0, 4096, &INT, STRINGS));
    assert!(
        matches!(
            e,
            Error::BadHeaderLen {
                hdr_len: 4096,
                blob_len: 45
            }
        ),
        "{e:?}"
    );
}

/// Rewrites header word `i` (0 = magic.., 1 = hdr_len, 2 = type_off, ...).
fn set_word(mut b: Vec<u8>, i: usize, v: u32) -> Vec<u8> {
    b[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    b
}

#[test]
fn sections_out_of_bounds() {
    // A type_len of almost 4 GiB must be refused by comparison, not by allocating.
    let e = err(set_word(blob(&INT, STRINGS), 3, 0xffff_fff0));
    assert!(
        matches!(
            e,
            Error::BadSection {
                section: "type",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("past the end"), "{e}");
    let e = err(set_word(blob(&INT, STRINGS), 5, 0xffff_ffff));
    assert!(
        matches!(
            e,
            Error::BadSection {
                section: "string",
                start: 40,
                ..
            }
        ),
        "{e:?}"
    );
    let e = err(set_word(blob(&INT, STRINGS), 2, 2));
    assert!(e.to_string().contains("not 4-byte aligned"), "{e}");
    // Strings starting inside the type section.
    let e = err(set_word(blob(&INT, STRINGS), 4, 8));
    assert!(e.to_string().contains("overlaps"), "{e}");
}

#[test]
fn truncated_type() {
    let e = err(blob(&INT[..2], STRINGS));
    assert!(
        matches!(
            e,
            Error::TruncatedType {
                id: 1,
                offset: 24,
                need: 12,
                have: 8
            }
        ),
        "{e:?}"
    );
    // The fixed part of an INT is 16 bytes.
    let e = err(blob(&INT[..3], STRINGS));
    assert!(
        matches!(
            e,
            Error::TruncatedType {
                id: 1,
                offset: 24,
                need: 16,
                have: 12
            }
        ),
        "{e:?}"
    );
    // The second type.
    let mut two = INT.to_vec();
    two.extend_from_slice(&[0, info(2, 0)]);
    let e = err(blob(&two, STRINGS));
    assert!(
        matches!(
            e,
            Error::TruncatedType {
                id: 2,
                offset: 40,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("type 2 at byte 40"), "{e}");
}

#[test]
fn unknown_kind() {
    for kind in [0, 20, 31] {
        let e = err(blob(&[0, info(kind, 0), 0], STRINGS));
        assert!(
            matches!(e, Error::UnknownKind { id: 1, offset: 24, kind: k } if u32::from(k) == kind),
            "{e:?}"
        );
    }
}

#[test]
fn vlen_past_end() {
    let e = err(blob(&[0, info(4, 1000), 8, 0, 1, 0], STRINGS));
    let Error::VlenPastEnd {
        id: 1,
        kind: Kind::Struct,
        offset: 24,
        vlen: 1000,
        need,
        have,
    } = e
    else {
        panic!("{e:?}")
    };
    assert_eq!((need, have), (12 + 12 * 1000, 24));
}

#[test]
fn name_offset_outside_strings() {
    let mut t = INT;
    t[0] = 99;
    let e = validate_err(blob(&t, STRINGS));
    assert!(
        matches!(
            e,
            Error::NameOutOfBounds {
                id: 1,
                name_off: 99,
                str_len: 5
            }
        ),
        "{e:?}"
    );
    // A struct member's name, too.
    let e = validate_err(blob(&[0, info(4, 1), 4, 77, 0, 0], STRINGS));
    assert!(
        matches!(
            e,
            Error::NameOutOfBounds {
                id: 1,
                name_off: 77,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn type_id_out_of_range() {
    let e = validate_err(blob(&[0, info(2, 0), 99], STRINGS));
    assert!(
        matches!(
            e,
            Error::TypeIdOutOfRange {
                id: 1,
                referenced: 99,
                last: 1
            }
        ),
        "{e:?}"
    );
    let btf = Btf::parse(blob(&INT, STRINGS)).unwrap();
    assert!(matches!(
        btf.type_by_id(2),
        Err(Error::TypeIdOutOfRange { referenced: 2, .. })
    ));
    assert!(matches!(btf.type_by_id(0), Err(Error::Void)));
}

#[test]
fn unterminated_string() {
    let e = err(blob(&INT, b"\0int\0abc"));
    assert!(
        matches!(e, Error::UnterminatedString { offset: 45 }),
        "{e:?}"
    );
}

#[test]
fn strings_must_start_empty_and_be_utf8() {
    let e = err(blob(&INT, b"int\0"));
    assert!(matches!(e, Error::NoEmptyString { offset: 40 }), "{e:?}");
    let e = validate_err(blob(&INT, b"\0i\xffn\0"));
    assert!(matches!(e, Error::StringNotUtf8 { offset: 41 }), "{e:?}");
}

#[test]
fn bad_values() {
    // FUNC linkage 7 (vlen), VAR linkage 9, INT with two encodings.
    let e = validate_err(blob(&[1, info(12, 7), 0], STRINGS));
    assert!(
        matches!(
            e,
            Error::BadValue {
                id: 1,
                what: "linkage",
                value: 7,
                ..
            }
        ),
        "{e:?}"
    );
    let e = validate_err(blob(&[1, info(14, 0), 0, 9], STRINGS));
    assert!(
        matches!(
            e,
            Error::BadValue {
                what: "linkage",
                value: 9,
                ..
            }
        ),
        "{e:?}"
    );
    let e = validate_err(blob(&[1, info(1, 0), 4, 3 << 24 | 32], STRINGS));
    assert!(
        matches!(
            e,
            Error::BadValue {
                what: "int encoding",
                value: 3,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn big_endian_is_read() {
    let le = blob(&INT, STRINGS);
    let mut be = vec![0xeb, 0x9f, 1, 0];
    for chunk in le[4..40].chunks(4) {
        be.extend(chunk.iter().rev());
    }
    be.extend_from_slice(STRINGS);
    let btf = Btf::parse(be).unwrap();
    assert_eq!(btf.endian(), ebpf_btf::Endian::Big);
    assert_eq!(
        btf.type_by_id(1).unwrap(),
        Btf::parse(le).unwrap().type_by_id(1).unwrap()
    );
}
