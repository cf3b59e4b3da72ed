.map counts hsah key=4 value=8 entries=1
.section xdp
	r0 = 2
	exit
