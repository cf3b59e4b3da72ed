main:
	r6 = 0
loop:
	may_goto done
	r6 += 1
	if w6 s< 100 goto loop
done:
	r1 = 4
	r2 = callback ll
	r3 = 0
	r4 = 0
	call bpf_loop
	call helper_sub
	gotol out
	call kfunc(54321)
	call kfunc(54321, 2)
	ld_pseudo r1, 2, 7, 16
	r0 = *(u16 *)skb[r6 + 14]
out:
	exit
callback:
	r0 = 0
	exit
helper_sub:
	callx r1
	exit
