// A socket filter the verifier rejects: it reads r2, which is never written.
.section socket
uninit:
	r0 = 0
	r0 += r2
	exit
