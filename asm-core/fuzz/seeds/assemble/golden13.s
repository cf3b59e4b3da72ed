r1 += -0x1
r1 = 0 /* c */
goto 3
if r1 == 0 goto -0x3
.8byte 0x1234
.8byte 0xffffffffffffffff
.8byte 0
r1 = map ll
r9 = my_map_2 ll
call pc+3
call pc+0
call pc-1
call pc+2147483647
call pc-2147483648
call kfunc(1234)
call kfunc(1234, 3)
call kfunc(2147483647, 32767)
call kfunc(0, -1)
gotol +70000
gotol +2147483647
