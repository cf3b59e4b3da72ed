goto +32767
may_goto +32767
gotol +32767
goto -32768
may_goto -32768
gotol -32768
call 0
call 1
call 211
call -1
call 2147483647
call -2147483648
callx r0
callx r1
callx r10
exit
r1 = 0 ll
r1 = -1 ll
r1 = -9223372036854775808 ll
r1 = 9223372036854775807 ll
