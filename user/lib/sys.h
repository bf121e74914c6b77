/*
 * The C library's way into the kernel: __syscall6 (user/arch/<arch>/syscall.S)
 * returns -errno on failure; __sys makes that -1 and errno, as POSIX wants.
 */
#ifndef _LIBC_SYS_H_
#define _LIBC_SYS_H_

long	__syscall6(long num, long a0, long a1, long a2, long a3, long a4, long a5);
long	__sys(long num, long a0, long a1, long a2, long a3, long a4, long a5);

#define SYS0(n)			__sys(n, 0, 0, 0, 0, 0, 0)
#define SYS1(n, a)		__sys(n, (long)(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b)		__sys(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c)	__sys(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(n, a, b, c, d)	__sys(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SYS5(n, a, b, c, d, e)	__sys(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

#endif
