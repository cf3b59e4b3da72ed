# A .s file with two mistakes: both are reported with FILE:LINE:COL.
	r0 = 0
	r1 = r12
	goto nowhere
	exit
