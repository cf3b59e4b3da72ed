if w5 < 2047 goto +7
if w5 < w6 goto +7
if w6 <= -100 goto -7
if w6 <= w9 goto -7
if w7 s> 1 goto +100
if w7 s> w1 goto +100
if w8 s>= 305419896 goto -100
if w8 s>= w4 goto -100
if w9 s< 3 goto +2
if w9 s< w7 goto +2
if w10 s<= 63 goto +3
if w10 s<= w10 goto +3
if w0 & 31 goto +0
if w0 & w2 goto +0
goto +0
may_goto +0
gotol +0
goto -1
may_goto -1
gotol -1
