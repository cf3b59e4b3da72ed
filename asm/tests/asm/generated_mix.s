# Generated (seed 3): 600 instructions mixing every family, with labels every 20.
L0:
	if w7 s<= 60 goto L220
	r0 = *(s8 *)(r7 - 15357)
	if r2 s>= r3 goto L340
	*(u64 *)(r0 - 344) = r1
	*(u8 *)(r4 - 400) = r0
	r7 = 7767899424256262256 ll
	lock *(u64 *)(r9 + 56) |= r5
	r2 = *(u8 *)(r7 + 16907)
	lock *(u64 *)(r4 + 48) ^= r9
	call bpf_get_prandom_u32
	if r4 <= r9 goto L580
	*(u32 *)(r8 - 464) = r9
	r3 = *(s16 *)(r9 - 18674)
	r7 = *(u8 *)(r7 + 22549)
	r2 = *(u64 *)(r0 - 27993)
	lock *(u64 *)(r1 + 0) += r6
	call bpf_trace_printk
	r3 = sym0 ll
	r0 = 8696323857642410064 ll
	r9 = -3434220749949367817 ll
L20:
	*(u64 *)(r6 - 236) = r8
	lock *(u64 *)(r9 + 8) &= r6
	if w8 < -14 goto L160
	r9 s>>= r5
	w2 s%= 546925906
	r5 = bswap64 r5
	call bpf_trace_printk
	r0 = bswap64 r0
	r5 <<= r4
	r4 = bswap64 r4
	call bpf_ktime_get_ns
	call bpf_ktime_get_ns
	call bpf_trace_printk
	r4 = -2265991649265148335 ll
	w2 ^= 1304844027
	if w1 <= -74 goto L260
	call bpf_trace_printk
	if w1 s>= -14 goto end
	if w0 s<= 35 goto L140
	if w2 <= -29 goto end
L40:
	call bpf_map_lookup_elem
	call bpf_ktime_get_ns
	lock *(u64 *)(r4 + 32) ^= r5
	lock *(u64 *)(r4 + 48) ^= r0
	lock *(u64 *)(r2 + 24) += r7
	r6 = sym4 ll
	if w8 == -27 goto end
	r5 = sym1 ll
	r9 = *(s32 *)(r4 + 16025)
	w8 += 1820442512
	lock *(u64 *)(r9 + 0) += r7
	r8 = *(u16 *)(r4 + 1300)
	r8 = sym3 ll
	r2 ^= r4
	r7 = sym0 ll
	call bpf_ktime_get_ns
	if r3 != r4 goto L520
	*(u8 *)(r7 - 322) = r9
	lock *(u64 *)(r0 + 32) |= r4
	r8 = sym3 ll
L60:
	r0 |= r0
	*(u8 *)(r1 - 26) = r1
	r0 = bswap64 r0
	r8 = *(s8 *)(r7 - 10291)
	call bpf_map_lookup_elem
	call bpf_get_prandom_u32
	lock *(u64 *)(r9 + 32) &= r4
	if w6 <= -80 goto L80
	*(u8 *)(r5 - 236) = r9
	r6 = sym0 ll
	lock *(u64 *)(r0 + 40) ^= r5
	lock *(u64 *)(r6 + 56) += r3
	if r6 s< r3 goto L360
	lock *(u64 *)(r2 + 0) &= r5
	r4 = sym0 ll
	r1 = bswap64 r1
	r6 = sym0 ll
	call bpf_map_lookup_elem
	r6 |= r0
	r1 = sym4 ll
L80:
	r6 = *(s16 *)(r2 + 22379)
	r1 = *(u8 *)(r7 - 19620)
	r9 = *(u8 *)(r8 + 6995)
	r1 = sym4 ll
	r9 &= r2
	r2 = *(u16 *)(r3 - 25803)
	r5 = 1044799909207490152 ll
	r8 = *(u64 *)(r3 - 10526)
	lock *(u64 *)(r9 + 56) |= r6
	*(u16 *)(r1 - 255) = r7
	r7 = sym4 ll
	*(u16 *)(r4 - 386) = r3
	*(u32 *)(r3 - 436) = r8
	r6 = 8923688334055408361 ll
	if w3 < -56 goto L300
	call bpf_ktime_get_ns
	call bpf_get_prandom_u32
	*(u64 *)(r7 - 360) = r9
	if w8 s>= -93 goto L560
	r1 = be32 r1
L100:
	w3 |= -1055821388
	if w0 < -35 goto L380
	*(u8 *)(r5 - 94) = r6
	r1 = *(s16 *)(r1 + 17313)
	r0 = 3237539457455199257 ll
	r6 += r6
	r1 = le16 r1
	r6 = le16 r6
	r5 = sym0 ll
	r1 = -1244025261404859896 ll
	r8 = be32 r8
	r5 = *(s8 *)(r5 - 19368)
	r1 = 473721490458690219 ll
	r8 = be32 r8
	r9 >>= r2
	*(u16 *)(r5 - 456) = r7
	r8 = *(u8 *)(r2 - 27534)
	r4 = sym1 ll
	r7 = be32 r7
	*(u8 *)(r1 - 367) = r2
L120:
	r8 = sym4 ll
	lock *(u64 *)(r5 + 8) &= r4
	lock *(u64 *)(r0 + 16) += r7
	r4 = sym1 ll
	r5 = sym2 ll
	lock *(u64 *)(r7 + 8) &= r7
	r4 = *(u16 *)(r9 + 7384)
	r3 = *(u16 *)(r9 - 25636)
	*(u16 *)(r6 - 409) = r3
	r8 = sym1 ll
	*(u16 *)(r4 - 190) = r4
	w6 = -501882800
	r9 = sym2 ll
	r8 = bswap64 r8
	r7 = 1869835294006147442 ll
	w3 -= -34907151
	r7 = sym1 ll
	if w7 s< -72 goto L520
	r2 = -8752664262608644994 ll
	if r5 s< r5 goto L340
L140:
	call bpf_trace_printk
	*(u8 *)(r9 - 397) = r0
	r5 = *(s16 *)(r3 + 13105)
	lock *(u64 *)(r3 + 56) &= r1
	r3 s%= r2
	lock *(u64 *)(r7 + 56) += r8
	lock *(u64 *)(r3 + 56) &= r0
	r7 = bswap64 r7
	lock *(u64 *)(r7 + 16) ^= r0
	r5 = -2380124520787072077 ll
	r5 = sym4 ll
	lock *(u64 *)(r3 + 0) |= r4
	call bpf_ktime_get_ns
	r8 = le16 r8
	*(u16 *)(r0 - 88) = r9
	lock *(u64 *)(r8 + 16) += r2
	r2 = *(s8 *)(r7 - 12111)
	r7 = r5
	lock *(u64 *)(r0 + 0) |= r6
	r3 s%= r3
L160:
	r7 = *(u64 *)(r3 + 21822)
	r1 = *(u32 *)(r9 + 19058)
	r7 = -210849959133529791 ll
	r4 = sym0 ll
	call bpf_trace_printk
	call bpf_map_lookup_elem
	r1 <<= r9
	r1 -= r0
	*(u8 *)(r7 - 28) = r3
	r5 = sym1 ll
	r5 = be32 r5
	call bpf_map_lookup_elem
	lock *(u64 *)(r4 + 48) += r4
	*(u64 *)(r1 - 260) = r6
	r5 = sym4 ll
	lock *(u64 *)(r2 + 48) &= r2
	call bpf_get_prandom_u32
	r3 = be32 r3
	r5 = be32 r5
	*(u64 *)(r7 - 22) = r2
L180:
	*(u8 *)(r7 - 48) = r1
	call bpf_ktime_get_ns
	w7 ^= 629603833
	call bpf_map_lookup_elem
	r6 = *(u16 *)(r1 - 20402)
	r1 = *(u64 *)(r3 + 3199)
	*(u16 *)(r9 - 505) = r0
	r4 = *(u16 *)(r3 + 27500)
	r9 = sym2 ll
	r3 = sym3 ll
	*(u8 *)(r0 - 423) = r1
	w3 = -1052115426
	r6 = *(u64 *)(r3 + 31823)
	call bpf_get_prandom_u32
	r1 = be32 r1
	r6 = le16 r6
	r0 = *(s8 *)(r7 - 5061)
	call bpf_trace_printk
	if w5 s>= 8 goto end
	r8 = *(s8 *)(r3 + 22973)
L200:
	r7 %= r1
	r3 = 6503689217072478540 ll
	call bpf_ktime_get_ns
	lock *(u64 *)(r7 + 48) ^= r9
	w0 s/= -1735736686
	*(u32 *)(r8 - 266) = r0
	r0 = le16 r0
	if r3 < r4 goto L20
	*(u8 *)(r7 - 154) = r6
	r1 = le16 r1
	*(u64 *)(r4 - 500) = r6
	call bpf_ktime_get_ns
	lock *(u64 *)(r4 + 56) ^= r8
	r3 = sym2 ll
	r4 = -679614360409628440 ll
	call bpf_trace_printk
	if w2 s< 37 goto L80
	w0 *= -147112441
	call bpf_map_lookup_elem
	r2 = le16 r2
L220:
	r5 s/= r0
	r1 = sym3 ll
	r4 = -2960088611721666628 ll
	r2 s%= r9
	if w6 > 30 goto end
	call bpf_ktime_get_ns
	r0 = -8386586401118721813 ll
	r0 = be32 r0
	r8 = bswap64 r8
	r6 = sym2 ll
	r2 = sym2 ll
	*(u8 *)(r2 - 508) = r8
	r5 = *(u64 *)(r7 - 18247)
	r7 = 1424492648177209286 ll
	*(u8 *)(r6 - 249) = r3
	r9 = bswap64 r9
	r0 = -7082574198874551844 ll
	*(u32 *)(r4 - 53) = r6
	r0 = *(u32 *)(r8 - 29349)
	if r6 < r6 goto end
L240:
	call bpf_map_lookup_elem
	r3 = 1017840257938042121 ll
	r6 *= r1
	r3 = le16 r3
	r8 = *(s16 *)(r1 + 351)
	r1 = -705298353086556785 ll
	r8 = -8353845807908251172 ll
	if r2 s>= r7 goto end
	lock *(u64 *)(r0 + 16) ^= r0
	*(u16 *)(r4 - 98) = r2
	*(u8 *)(r8 - 492) = r2
	r3 = sym3 ll
	r6 = *(u64 *)(r2 + 18400)
	r1 = *(u16 *)(r2 - 8316)
	lock *(u64 *)(r5 + 8) |= r0
	call bpf_ktime_get_ns
	r3 = le16 r3
	call bpf_get_prandom_u32
	r5 = *(s16 *)(r7 + 22634)
	r7 = sym4 ll
L260:
	lock *(u64 *)(r7 + 32) ^= r2
	r7 = sym3 ll
	if w2 s<= -24 goto L460
	*(u32 *)(r4 - 431) = r3
	*(u8 *)(r9 - 501) = r0
	lock *(u64 *)(r9 + 16) += r9
	w6 *= 796596336
	r4 = sym0 ll
	r8 = bswap64 r8
	r5 = le16 r5
	if r5 <= r9 goto L360
	call bpf_trace_printk
	call bpf_trace_printk
	r4 = -4637117728196335485 ll
	lock *(u64 *)(r4 + 56) |= r7
	call bpf_ktime_get_ns
	r8 = sym3 ll
	r8 -= r9
	r0 = 6539039068670598598 ll
	lock *(u64 *)(r3 + 8) &= r8
L280:
	if r6 == r8 goto L560
	call bpf_map_lookup_elem
	r5 = -2378445293128682921 ll
	r5 = bswap64 r5
	r7 = *(s8 *)(r2 - 14412)
	r0 %= r2
	r5 = *(u16 *)(r6 - 12901)
	w5 += 147580312
	call bpf_ktime_get_ns
	r5 = bswap64 r5
	r6 = *(s8 *)(r3 - 9104)
	r4 = -5720130892337275086 ll
	*(u8 *)(r6 - 15) = r5
	lock *(u64 *)(r0 + 56) |= r7
	r2 = -1176731066849533473 ll
	r1 = *(s16 *)(r1 - 21045)
	r0 = *(s32 *)(r5 - 27662)
	r5 = *(s32 *)(r6 + 21148)
	if r8 & r0 goto L40
	r8 = sym1 ll
L300:
	r3 = *(u16 *)(r7 - 18652)
	call bpf_get_prandom_u32
	r3 = sym1 ll
	r5 = 1623814949641693454 ll
	r5 = sym4 ll
	r5 = sym2 ll
	r3 = sym3 ll
	r4 >>= r3
	r3 = le16 r3
	r1 = *(u64 *)(r8 - 13890)
	call bpf_ktime_get_ns
	r6 %= r0
	if r4 s> r5 goto L140
	r0 = 8591122896467929819 ll
	r3 = *(u16 *)(r4 - 11332)
	*(u16 *)(r7 - 359) = r3
	if r8 & r6 goto L140
	r6 = sym4 ll
	*(u32 *)(r7 - 192) = r0
	r8 = *(s32 *)(r7 - 1178)
L320:
	*(u32 *)(r8 - 461) = r6
	r3 = be32 r3
	r7 = sym2 ll
	lock *(u64 *)(r9 + 56) |= r1
	lock *(u64 *)(r5 + 16) &= r1
	call bpf_ktime_get_ns
	r7 = 725348124194379412 ll
	r5 = be32 r5
	r3 ^= r9
	r8 = *(s16 *)(r9 - 18910)
	r5 = sym3 ll
	r0 = 4869508080820327995 ll
	lock *(u64 *)(r7 + 40) |= r3
	r3 = 6162398806471122844 ll
	r8 = *(u32 *)(r2 - 31846)
	*(u64 *)(r7 - 101) = r6
	r9 = sym2 ll
	r0 = *(s16 *)(r9 - 13208)
	*(u16 *)(r1 - 52) = r8
	r1 = sym3 ll
L340:
	r8 = sym2 ll
	lock *(u64 *)(r4 + 8) ^= r4
	call bpf_ktime_get_ns
	r1 = 8263557588544988790 ll
	r5 = be32 r5
	*(u32 *)(r5 - 493) = r2
	r9 = 3079487317251137231 ll
	if w1 < -75 goto end
	*(u8 *)(r3 - 504) = r7
	call bpf_map_lookup_elem
	call bpf_ktime_get_ns
	*(u8 *)(r7 - 138) = r8
	*(u32 *)(r7 - 382) = r6
	r9 = sym4 ll
	lock *(u64 *)(r6 + 32) &= r8
	r9 = -2064617464244211503 ll
	r0 += r3
	*(u16 *)(r5 - 132) = r0
	r9 = sym2 ll
	if r6 != r4 goto L460
L360:
	*(u8 *)(r8 - 173) = r9
	*(u32 *)(r2 - 45) = r9
	r2 = *(s16 *)(r1 + 5426)
	r6 = sym3 ll
	r9 = sym3 ll
	r2 = 6027971055165001331 ll
	r6 = *(u32 *)(r2 + 2141)
	call bpf_trace_printk
	call bpf_map_lookup_elem
	r0 s>>= r8
	r5 = bswap64 r5
	if r3 s>= r3 goto L500
	*(u64 *)(r6 - 50) = r6
	call bpf_map_lookup_elem
	r9 = sym1 ll
	r1 = -1732730639077543651 ll
	call bpf_ktime_get_ns
	if w9 s>= -3 goto L160
	if r1 s< r2 goto L400
	r8 = bswap64 r8
L380:
	r9 = *(u32 *)(r9 + 28747)
	r2 = sym2 ll
	r2 = sym1 ll
	call bpf_trace_printk
	r7 = *(u8 *)(r1 - 16229)
	lock *(u64 *)(r0 + 0) += r7
	w7 += 1742363515
	w4 %= 1360381016
	r4 = be32 r4
	*(u32 *)(r9 - 46) = r6
	w3 -= -1127574217
	*(u64 *)(r8 - 384) = r8
	*(u16 *)(r1 - 493) = r4
	r8 = sym0 ll
	r1 = be32 r1
	r1 = be32 r1
	call bpf_get_prandom_u32
	lock *(u64 *)(r7 + 40) += r5
	r7 = 2493129815854528967 ll
	r4 = le16 r4
L400:
	call bpf_map_lookup_elem
	r7 = -1461499095235265798 ll
	if r9 <= r0 goto L420
	lock *(u64 *)(r3 + 48) |= r5
	r2 = *(s16 *)(r8 - 16723)
	lock *(u64 *)(r6 + 40) ^= r6
	w6 %= 968472067
	r8 = -6676689448539707887 ll
	if w1 s<= 54 goto L260
	lock *(u64 *)(r7 + 56) ^= r8
	r8 = sym3 ll
	if w2 s>= -95 goto L400
	if w1 s<= -65 goto end
	lock *(u64 *)(r8 + 8) += r1
	if w6 < -63 goto L80
	*(u16 *)(r6 - 255) = r5
	r8 = le16 r8
	r8 = -4023223804128055101 ll
	r6 = *(u16 *)(r3 + 21882)
	if w8 != -47 goto L180
L420:
	r6 = sym0 ll
	r4 = sym1 ll
	*(u32 *)(r9 - 37) = r4
	call bpf_ktime_get_ns
	r2 = 8641148092754830802 ll
	if r4 & r0 goto L60
	r6 = sym2 ll
	r8 = -3483720313043283384 ll
	r6 = *(u8 *)(r6 - 15592)
	r1 = 1392227176461291074 ll
	w5 *= 432078716
	if r8 <= r1 goto L480
	lock *(u64 *)(r5 + 32) += r7
	r7 = le16 r7
	r0 = le16 r0
	*(u32 *)(r7 - 143) = r6
	r3 = sym3 ll
	lock *(u64 *)(r7 + 40) &= r0
	r5 = sym3 ll
	r8 = be32 r8
L440:
	r4 |= r2
	if r4 s< r5 goto L540
	r8 = *(u32 *)(r0 + 21835)
	r6 ^= r2
	r8 = *(s16 *)(r7 - 31767)
	w8 |= 1035432861
	r1 = *(s32 *)(r1 + 6835)
	r1 = -3084702881315349329 ll
	if r8 == r3 goto end
	call bpf_get_prandom_u32
	r5 = 8388958553934399688 ll
	if r9 s< r6 goto L0
	*(u32 *)(r7 - 266) = r8
	lock *(u64 *)(r7 + 16) &= r4
	r2 = *(u16 *)(r8 - 28706)
	lock *(u64 *)(r3 + 40) &= r5
	call bpf_ktime_get_ns
	r5 = 4237291607771526022 ll
	r6 = bswap64 r6
	lock *(u64 *)(r3 + 8) &= r0
L460:
	call bpf_get_prandom_u32
	w8 <<= 437019756
	r8 = bswap64 r8
	r3 = be32 r3
	r1 = *(s32 *)(r7 - 25935)
	*(u16 *)(r4 - 366) = r2
	r9 = sym2 ll
	w3 *= 281503675
	r5 = 3158163410010664406 ll
	r7 %= r9
	w4 s>>= 277623472
	r8 = -2892926021049246457 ll
	r8 = *(u16 *)(r0 - 4858)
	call bpf_map_lookup_elem
	*(u8 *)(r7 - 81) = r5
	r5 = *(u16 *)(r9 + 31230)
	r8 = sym0 ll
	w5 s>>= -1077509862
	call bpf_get_prandom_u32
	*(u64 *)(r6 - 344) = r6
L480:
	w0 |= 505256934
	r6 = -2490461146327776795 ll
	w1 *= -1958605976
	lock *(u64 *)(r3 + 8) ^= r0
	r5 = 4428040120637569860 ll
	if r6 s<= r5 goto L320
	call bpf_trace_printk
	*(u16 *)(r5 - 453) = r0
	if r9 & r7 goto L160
	r9 = sym3 ll
	*(u64 *)(r4 - 508) = r6
	lock *(u64 *)(r1 + 24) ^= r1
	if w4 & -23 goto L520
	lock *(u64 *)(r8 + 48) |= r5
	r1 = sym2 ll
	call bpf_trace_printk
	if w3 >= 66 goto end
	if w7 s< -37 goto L540
	r1 = *(s16 *)(r8 + 27069)
	w8 s>>= -813094651
L500:
	call bpf_ktime_get_ns
	r2 = sym2 ll
	*(u64 *)(r6 - 134) = r8
	if w7 > -79 goto L360
	if w0 <= 42 goto L360
	lock *(u64 *)(r6 + 8) ^= r5
	lock *(u64 *)(r4 + 40) ^= r1
	r3 = le16 r3
	r7 = 4263006489157016821 ll
	r8 = 6623402675297523744 ll
	r5 = sym2 ll
	if r6 s<= r0 goto L580
	r0 = *(s8 *)(r2 + 14763)
	r5 = *(u16 *)(r2 + 11067)
	lock *(u64 *)(r8 + 56) += r1
	call bpf_ktime_get_ns
	lock *(u64 *)(r6 + 24) += r0
	r1 = *(s16 *)(r8 - 12913)
	*(u64 *)(r2 - 45) = r5
	r8 = *(u64 *)(r2 + 15502)
L520:
	if w0 & -41 goto L240
	r5 = -8745425483625038883 ll
	r3 = *(s32 *)(r1 + 8782)
	r5 = sym1 ll
	r6 = sym0 ll
	r1 = -4863228859266505698 ll
	lock *(u64 *)(r9 + 16) |= r8
	r1 = 8901120455086874049 ll
	r3 ^= r8
	lock *(u64 *)(r2 + 8) += r7
	w3 s>>= -720737498
	r4 = le16 r4
	r5 = *(s32 *)(r9 + 1353)
	call bpf_trace_printk
	r1 -= r0
	r9 = -2132812946399139251 ll
	r5 = -7978718355569008263 ll
	r8 = 2359773121461411862 ll
	*(u64 *)(r4 - 43) = r9
	if r1 s>= r9 goto L40
L540:
	r8 = sym2 ll
	if w7 >= 68 goto L460
	r2 = -9176340527633755356 ll
	*(u64 *)(r5 - 378) = r6
	lock *(u64 *)(r7 + 32) ^= r8
	lock *(u64 *)(r4 + 8) &= r1
	r9 = *(u64 *)(r6 - 30432)
	r1 = -4959899748927033801 ll
	r2 = le16 r2
	lock *(u64 *)(r7 + 24) ^= r4
	w4 >>= -894200718
	*(u16 *)(r0 - 22) = r7
	lock *(u64 *)(r8 + 48) ^= r6
	w6 *= -381910665
	r2 = *(u16 *)(r2 - 7397)
	call bpf_trace_printk
	r0 s/= r9
	r7 = 4639579062175542496 ll
	if w0 s> -36 goto end
	r5 -= r9
L560:
	r1 = be32 r1
	lock *(u64 *)(r0 + 48) += r4
	r8 = le16 r8
	lock *(u64 *)(r3 + 16) ^= r8
	r1 = *(u8 *)(r1 + 1219)
	if w6 <= -43 goto L500
	r1 = *(u32 *)(r7 + 25003)
	*(u32 *)(r2 - 457) = r5
	call bpf_trace_printk
	r2 = *(s32 *)(r7 + 22424)
	*(u32 *)(r3 - 48) = r2
	r8 = be32 r8
	r8 = be32 r8
	r1 = sym3 ll
	r1 = *(u16 *)(r1 + 16493)
	call bpf_ktime_get_ns
	*(u16 *)(r9 - 269) = r1
	*(u16 *)(r5 - 326) = r5
	if r0 != r3 goto L100
	r4 = -2353158400261581366 ll
L580:
	call bpf_trace_printk
	r4 = sym2 ll
	r9 = le16 r9
	call bpf_ktime_get_ns
	r9 = -317376097516030789 ll
	r4 = bswap64 r4
	if r1 <= r8 goto end
	r2 = be32 r2
	*(u8 *)(r5 - 32) = r9
	r0 = -4886793848232596836 ll
	call bpf_trace_printk
	*(u64 *)(r2 - 508) = r2
	call bpf_trace_printk
	r8 = sym1 ll
	r5 = 5362004221131819570 ll
	if w1 s<= -65 goto L360
	r0 = sym3 ll
	r4 = be32 r4
	r3 = 8259923562236741963 ll
	*(u64 *)(r3 - 140) = r5
end:
	exit
