r1 = 18446744073709551615 ll
r1 = 0xffffffffffffffff ll
r1 = 4294967296 ll
r1 = 2147483648 ll
r1 = -2147483649 ll
r1 = 0xffffffff ll
r10 = 1 ll
ld_pseudo r1, 1, 3
ld_pseudo r2, 2, 4
ld_pseudo r3, 3, 77
ld_pseudo r4, 4, -2
ld_pseudo r5, 5, 0
ld_pseudo r6, 6, 2147483647
ld_pseudo r1, 1, -1
w0 = *(u8 *)(r10 + 0)
w0 = *(u8 *)(r10 - 1)
w0 = *(u8 *)(r10 + 32767)
w0 = *(u8 *)(r10 - 32768)
*(u8 *)(r10 - 8) = w1
*(u8 *)(r1 + 32767) = w10
