//! Program and map names as the kernel accepts them.

/// Checks a program or map name the way the kernel does: at most 15 bytes of ASCII
/// letters, digits, `_` and `.`.
pub fn validate_name(name: &str) -> Result<(), crate::Error> {
    let bad = |reason| {
        Err(crate::Error::InvalidName {
            name: name.to_string(),
            reason,
        })
    };
    if name.len() > 15 {
        return bad("longer than 15 bytes (the kernel's BPF_OBJ_NAME_LEN is 16 with the NUL)");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    {
        return bad("only ASCII letters, digits, `_` and `.` are allowed");
    }
    Ok(())
}

/// A validated name as the kernel's NUL-padded 16-byte array.
pub(crate) fn name_bytes(name: &str) -> Result<[u8; 16], crate::Error> {
    validate_name(name)?;
    let mut out = [0u8; 16];
    out[..name.len()].copy_from_slice(name.as_bytes());
    Ok(out)
}

/// The name in a kernel info struct (NUL-padded), lossily decoded.
pub(crate) fn name_from_bytes(raw: &[u8]) -> String {
    text_until_nul(raw)
}

/// Kernel bytes as text: up to the first NUL, invalid UTF-8 replaced.
pub(crate) fn text_until_nul(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(validate_name("xdp_prog.v2").is_ok());
        assert!(validate_name("").is_ok());
        assert!(validate_name("a-b").is_err());
        assert!(validate_name("0123456789abcdef").is_err());
        assert!(validate_name("0123456789abcde").is_ok());
        assert!(validate_name("é").is_err());
        assert_eq!(&name_bytes("ab").unwrap_or_default()[..3], b"ab\0");
    }
}
