# A main program calling two bpf-to-bpf subprograms and taking a function's address.
	r1 = 3
	call square
	r6 = r0
	r1 = r6
	r2 = 4
	call add
	r1 = 1
	r2 = add ll
	r3 = 0
	r4 = 0
	call bpf_loop
	exit
square:
	r0 = r1
	r0 *= r1
	exit
add:
	r0 = r1
	r0 += r2
	call clamp
	exit
clamp:
	if r0 s< 100 goto done
	r0 = 100
done:
	exit
