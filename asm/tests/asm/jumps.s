# Every jump condition: 64- and 32-bit, register and immediate, forward and back.
top:
	if r1 == r2 goto top
	if r1 == 7 goto end
	if w1 == w2 goto +1
	if w1 == -7 goto end
	if r1 != r2 goto top
	if r1 != 7 goto end
	if w1 != w2 goto +1
	if w1 != -7 goto end
	if r1 > r2 goto top
	if r1 > 7 goto end
	if w1 > w2 goto +1
	if w1 > -7 goto end
	if r1 >= r2 goto top
	if r1 >= 7 goto end
	if w1 >= w2 goto +1
	if w1 >= -7 goto end
	if r1 < r2 goto top
	if r1 < 7 goto end
	if w1 < w2 goto +1
	if w1 < -7 goto end
	if r1 <= r2 goto top
	if r1 <= 7 goto end
	if w1 <= w2 goto +1
	if w1 <= -7 goto end
	if r1 s> r2 goto top
	if r1 s> 7 goto end
	if w1 s> w2 goto +1
	if w1 s> -7 goto end
	if r1 s>= r2 goto top
	if r1 s>= 7 goto end
	if w1 s>= w2 goto +1
	if w1 s>= -7 goto end
	if r1 s< r2 goto top
	if r1 s< 7 goto end
	if w1 s< w2 goto +1
	if w1 s< -7 goto end
	if r1 s<= r2 goto top
	if r1 s<= 7 goto end
	if w1 s<= w2 goto +1
	if w1 s<= -7 goto end
	if r1 & r2 goto top
	if r1 & 7 goto end
	if w1 & w2 goto +1
	if w1 & -7 goto end
	goto top
	goto +0
	gotol end
	may_goto end
	goto -1
end:
	exit
