r5 = be16 r5
r5 = be32 r5
r5 = be64 r5
r5 = bswap16 r5
r5 = bswap32 r5
r5 = bswap64 r5
r1 = addr_space_cast(r2, 1, 0)
r3 = addr_space_cast(r4, 0, 1)
r0 = addr_space_cast(r10, 65535, 65535)
r9 = addr_space_cast(r9, 0, 0)
if r0 == 0 goto +0
if r0 == r5 goto +0
if r1 != -1 goto -1
if r1 != r8 goto -1
if r2 > -2147483648 goto +32767
if r2 > r0 goto +32767
if r3 >= 2147483647 goto -32768
if r3 >= r3 goto -32768
if r4 < 5 goto +1
if r4 < r6 goto +1
