//! Plain-old-data: types whose values may be copied to and from map bytes.

/// A type that is nothing but bytes: `Copy`, no padding, no pointers, and every bit
/// pattern is a valid value. Typed maps ([`HashMap`](crate::HashMap), [`Array`](crate::Array),
/// ...) copy keys and values through it.
///
/// Implemented for the integer types and arrays of `Pod`. For your own struct, make it
/// `#[repr(C)]` with fields that are all `Pod` and leave no padding (add explicit `_pad`
/// fields), then write `unsafe impl ebpf_loader::Pod for MyStruct {}`.
///
/// # Safety
/// The implementer promises the properties above; reading a value with padding or with
/// invalid bit patterns (e.g. `bool`, `char`, references) from kernel bytes is undefined
/// behaviour.
pub unsafe trait Pod: Copy + 'static {}

macro_rules! pod_ints {
    ($($t:ty)*) => { $(
        // SAFETY: integers have no padding and every bit pattern is valid.
        unsafe impl Pod for $t {}
    )* };
}
pod_ints!(u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize);

// SAFETY: an array of padding-free, any-bit-pattern elements has neither padding nor
// invalid bit patterns.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

/// The bytes of a `Pod` value.
pub(crate) fn bytes_of<T: Pod>(value: &T) -> &[u8] {
    // SAFETY: `T: Pod` has no padding, so all `size_of::<T>()` bytes behind the reference
    // are initialised; the slice borrows `value` for its lifetime.
    unsafe { std::slice::from_raw_parts((value as *const T).cast::<u8>(), size_of::<T>()) }
}

/// The bytes of a slice of `Pod` values.
pub(crate) fn bytes_of_slice<T: Pod>(values: &[T]) -> &[u8] {
    // SAFETY: as for `bytes_of`; the length cannot overflow because the slice exists.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), size_of_val(values)) }
}

/// Reads a `Pod` value from the start of `bytes`; `None` if there are too few bytes.
pub(crate) fn read_pod<T: Pod>(bytes: &[u8]) -> Option<T> {
    if bytes.len() < size_of::<T>() {
        return None;
    }
    // SAFETY: the length was checked above, `read_unaligned` has no alignment requirement,
    // and any bit pattern is a valid `T` because `T: Pod`.
    Some(unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast::<T>()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let v: [u32; 2] = [1, 0x0203_0405];
        let b = bytes_of(&v);
        assert_eq!(b, &[1, 0, 0, 0, 5, 4, 3, 2]);
        assert_eq!(read_pod::<[u32; 2]>(b), Some(v));
        assert_eq!(read_pod::<u64>(&b[..7]), None);
        assert_eq!(bytes_of_slice(&[1u16, 2]), &[1, 0, 2, 0]);
    }
}
