# Every ld_imm64 form: constants, symbols, functions, and each BPF_PSEUDO_* source.
	r1 = 0 ll
	r1 = -1 ll
	r1 = 0x1122334455667788 ll
	r1 = 18446744073709551615 ll
	r1 = -9223372036854775808 ll
	r2 = config ll
	r3 = helper ll
	ld_pseudo r1, 0, 1, 2
	ld_pseudo r1, 1, 3
	ld_pseudo r1, 2, 3, 8
	ld_pseudo r1, 3, 100, 2
	ld_pseudo r1, 4, 2
	ld_pseudo r1, 5, 7
	ld_pseudo r1, 6, 7, 16
	r0 = 0
	exit
helper:
	r0 = 1
	exit
