/*
 * The kernel/user boundary: every number and structure both sides must
 * agree on.  Values are FreeBSD's unless a comment says otherwise.  The
 * kernel includes this file as "user/forkrt/abi.h"; programs get it
 * through the standard headers (<signal.h>, <sys/wait.h>, <fcntl.h>, ...,
 * each of which includes all of it) or <forkrt.h>.
 */
#ifndef _FORKRT_ABI_H_
#define _FORKRT_ABI_H_

#include <stdint.h>

/* System call numbers (forkrt's own; the user stubs and core/syscall.c share them). */
#define SYS_exit		1
#define SYS_fork		2
#define SYS_read		3
#define SYS_write		4
#define SYS_close		6
#define SYS_wait4		7
#define SYS_getpid		20
#define SYS_setuid		23
#define SYS_getuid		24
#define SYS_geteuid		25
#define SYS_getppid		39
#define SYS_dup			41
#define SYS_pipe		42
#define SYS_kill		37
#define SYS_execv		59
#define SYS_vfork		66
#define SYS_sbrk		69
#define SYS_munmap		73
#define SYS_mprotect		74
#define SYS_getpgrp		81
#define SYS_setpgid		82
#define SYS_dup2		90
#define SYS_getpgid		207
#define SYS_getsid		310
#define SYS_setsid		147
#define SYS_getrlimit		194
#define SYS_setrlimit		195
#define SYS_sysctlbyname	202
#define SYS_clock_gettime	232
#define SYS_clock_getres	234
#define SYS_minherit		250
#define SYS_rfork		251
#define SYS_sched_yield		331
#define SYS_kqueue		362
#define SYS_kevent		363
#define SYS_mmap		477
#define SYS_cpuset_getaffinity	487
#define SYS_cpuset_setaffinity	488
#define SYS_lwp_create		495
#define SYS_lwp_gettid		496
#define SYS_lwp_exit		497
#define SYS_lwp_kill		498
#define SYS_poweroff		499	/* init only: leave QEMU with a status */
#define SYS_cycles		500	/* the platform's cycle counter */
#define SYS_sched_getcpu	501	/* the CPU the caller runs on (FreeBSD reads it without a call) */
#define SYS_lwp_setprivate	317	/* NetBSD's _lwp_setprivate: the user thread pointer (riscv64 tp, x86-64 FS base) */
/* Signals (issue 12).  sigaction takes a 4th argument, the trampoline (NetBSD's __sigaction_sigtramp). */
#define SYS_sigaltstack		53
#define SYS_setitimer		83
#define SYS_getitimer		86
#define SYS_fcntl		92
#define SYS_getrusage		117
#define SYS_nanosleep		240
#define SYS_sigprocmask		340
#define SYS_sigsuspend		341
#define SYS_sigpending		343
#define SYS_sigtimedwait	345
#define SYS_sigaction		416
#define SYS_sigreturn		417
#define SYS_umtx_sleep		469	/* DragonFly's */
#define SYS_umtx_wakeup		470	/* DragonFly's */
#define SYS_wait6		532
#define SYS_pipe2		542
/* Process descriptors (<sys/procdesc.h>). */
#define SYS_pdfork		518
#define SYS_pdkill		519
#define SYS_pdgetpid		520
#define SYS_procctl		544
#define SYS_pdrfork		600
#define SYS_pdwait		601
#define SYS_MAXSYSCALL		602

/* Process ids are below kern.pid_max, which is at most PID_MAX (FreeBSD's <sys/proc.h>). */
#define PID_MAX			99999

/*
 * CPU sets (FreeBSD's <sys/cpuset.h>, one word: forkrt has at most 64 CPUs).
 * cpuset_setaffinity(CPU_LEVEL_WHICH, CPU_WHICH_TID, tid, sizeof(cpuset_t), &set)
 * pins an lwp (tid -1: the caller); CPU_WHICH_PID does every lwp of a process.
 */
#define CPU_SETSIZE		64
struct cpuset {
	uint64_t	__bits[CPU_SETSIZE / 64];
};
#define CPU_LEVEL_ROOT		1
#define CPU_LEVEL_CPUSET	2
#define CPU_LEVEL_WHICH		3
#define CPU_WHICH_TID		1
#define CPU_WHICH_PID		2

/* errno values: <sys/errno.h>, which user programs get through <errno.h>. */
#include "../sys/errno.h"
/* Kernel-internal: run the system call again (a signal with SA_RESTART interrupted it). */
#define ERESTART	(-1)
/* Kernel-internal: the syscall already set the user frame (execv, sigreturn). */
#define EJUSTRETURN	(-2)

/* Signals: FreeBSD's numbers; 1 .. NSIG - 1 exist. */
#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGIOT		SIGABRT
#define SIGEMT		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGBUS		10
#define SIGSEGV		11
#define SIGSYS		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGURG		16
#define SIGSTOP		17
#define SIGTSTP		18
#define SIGCONT		19
#define SIGCHLD		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGIO		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGINFO		29
#define SIGUSR1		30
#define SIGUSR2		31
#define NSIG		32

#define SIG_DFL		((void (*)(int))0)
#define SIG_IGN		((void (*)(int))1)
#define SIG_ERR		((void (*)(int))-1)

/* FreeBSD's 128-bit set; forkrt's signals all live in __bits[0] (bit sig - 1). */
typedef struct __sigset {
	uint32_t	__bits[4];
} sigset_t;

union sigval {
	int	sival_int;
	void	*sival_ptr;
};

typedef struct __siginfo {
	int		si_signo;
	int		si_errno;
	int		si_code;
	int32_t		si_pid;
	uint32_t	si_uid;
	int		si_status;	/* exit value or signal (SIGCHLD) */
	void		*si_addr;	/* faulting address (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) */
	union sigval	si_value;
	long		__spare[5];
} siginfo_t;

/* si_code */
#define SI_NOINFO	0
#define SI_USER		0x10001		/* kill(2) */
#define SI_QUEUE	0x10002
#define SI_TIMER	0x10003		/* setitimer, alarm */
#define SI_KERNEL	0x10006
#define SI_LWP		0x10007		/* lwp_kill, pthread_kill, raise */
#define ILL_ILLOPC	1
#define ILL_PRVOPC	5
#define FPE_INTDIV	2
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define TRAP_BRKPT	1
#define TRAP_TRACE	2
#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_TRAPPED	4
#define CLD_STOPPED	5
#define CLD_CONTINUED	6

struct sigaction {
	union {
		void	(*__sa_handler)(int);
		void	(*__sa_sigaction)(int, siginfo_t *, void *);
	} __sigaction_u;
	int		sa_flags;
	sigset_t	sa_mask;
};
#define sa_handler	__sigaction_u.__sa_handler
#define sa_sigaction	__sigaction_u.__sa_sigaction

#define SA_ONSTACK	0x0001
#define SA_RESTART	0x0002
#define SA_RESETHAND	0x0004
#define SA_NOCLDSTOP	0x0008
#define SA_NODEFER	0x0010
#define SA_NOCLDWAIT	0x0020
#define SA_SIGINFO	0x0040

#define SIG_BLOCK	1
#define SIG_UNBLOCK	2
#define SIG_SETMASK	3

typedef struct __stack {
	void		*ss_sp;
	uint64_t	ss_size;
	int		ss_flags;
} stack_t;
#define SS_ONSTACK	0x0001
#define SS_DISABLE	0x0004
#define MINSIGSTKSZ	2048
#define SIGSTKSZ	(MINSIGSTKSZ + 32768)

/* wait status, as BSD encodes it */
#define WNOHANG		1
#define WUNTRACED	2
#define WSTOPPED	WUNTRACED
#define WCONTINUED	4
#define WNOWAIT		8
#define WEXITED		16
#define WTRAPPED	32
#define _WSTOPPED	0177
#define _WSTATUS(x)	((x) & 0177)
#define WIFEXITED(x)	(_WSTATUS(x) == 0)
#define WEXITSTATUS(x)	(((x) >> 8) & 0xff)
#define WIFSIGNALED(x)	(_WSTATUS(x) != _WSTOPPED && _WSTATUS(x) != 0 && (x) != 0x13)
#define WTERMSIG(x)	(_WSTATUS(x))
#define WIFSTOPPED(x)	(_WSTATUS(x) == _WSTOPPED)
#define WSTOPSIG(x)	(((x) >> 8) & 0xff)
#define WIFCONTINUED(x)	((x) == 0x13)
#define WCOREFLAG	0200
#define W_EXITCODE(ret, sig)	((ret) << 8 | (sig))
#define W_STOPCODE(sig)	((sig) << 8 | _WSTOPPED)

/* waitid / wait6: what id means (FreeBSD's idtype_t order) */
typedef enum {
	P_PID, P_PPID, P_PGID, P_SID, P_CID, P_UID, P_GID, P_ALL
} idtype_t;

/* time */
typedef int64_t time_t;
typedef int64_t suseconds_t;
typedef int32_t clock_t;

struct timespec {
	time_t	tv_sec;
	long	tv_nsec;
};

struct timeval {
	time_t		tv_sec;
	suseconds_t	tv_usec;
};

struct itimerval {
	struct timeval	it_interval;
	struct timeval	it_value;
};
#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			4
#define CLOCK_THREAD_CPUTIME_ID		14
#define CLOCK_PROCESS_CPUTIME_ID	15

struct rusage {
	struct timeval	ru_utime;
	struct timeval	ru_stime;
	long	ru_maxrss;
	long	ru_ixrss;
	long	ru_idrss;
	long	ru_isrss;
	long	ru_minflt;
	long	ru_majflt;
	long	ru_nswap;
	long	ru_inblock;
	long	ru_oublock;
	long	ru_msgsnd;
	long	ru_msgrcv;
	long	ru_nsignals;
	long	ru_nvcsw;
	long	ru_nivcsw;
};
#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

struct __wrusage {
	struct rusage	wru_self;
	struct rusage	wru_children;
};

struct tms {
	clock_t	tms_utime;
	clock_t	tms_stime;
	clock_t	tms_cutime;
	clock_t	tms_cstime;
};
#define CLK_TCK		128	/* FreeBSD's */

/* descriptors */
#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	17
#define FD_CLOEXEC	1
#define O_RDONLY	0x0000
#define O_WRONLY	0x0001
#define O_RDWR		0x0002
#define O_ACCMODE	0x0003
#define O_NONBLOCK	0x0004
#define O_CLOEXEC	0x00100000

/* rfork flags (FreeBSD numbering; RFPGLOCK is DragonFly's) */
#define RFFDG		(1 << 2)
#define RFPROC		(1 << 4)
#define RFMEM		(1 << 5)
#define RFNOWAIT	(1 << 6)
#define RFCFDG		(1 << 12)
#define RFTHREAD	(1 << 13)
#define RFSIGSHARE	(1 << 14)
#define RFLINUXTHPN	(1 << 16)
#define RFSTOPPED	(1 << 17)
#define RFHIGHPID	(1 << 18)
/* FreeBSD's: RFTSIGZMB | RFTSIGFLAGS(sig) picks the signal the parent gets at exit (0: none). */
#define RFTSIGZMB	(1 << 19)
#define RFTSIGSHIFT	20
#define RFTSIGMASK	0xff
#define RFTSIGFLAGS(sig)	((sig) << RFTSIGSHIFT)
#define RFTSIGNUM(flags)	(((flags) >> RFTSIGSHIFT) & RFTSIGMASK)
#define RFPROCDESC	(1 << 28)	/* pdfork/pdrfork only: the child comes with a descriptor */
#define RFSPAWNDFL	(1 << 29)	/* kernel: the child starts with caught signals at SIG_DFL */
#define RFPGLOCK	(1 << 30)
/*
 * Bit 31 is FreeBSD's RFSPAWN from user space (alone: vfork's sharing and
 * wait, caught signals reset in the child, what posix_spawn is built on)
 * and RFPPWAIT inside the kernel (the parent sleeps until the child execs
 * or exits), which RFSPAWN and vfork become.
 */
#define RFSPAWN		(1u << 31)
#define RFPPWAIT	(1u << 31)
/* Every flag there is; rfork refuses any other bit (FreeBSD-current). */
#define RFFLAGS		(RFFDG | RFPROC | RFMEM | RFNOWAIT | RFCFDG | RFTHREAD | \
			 RFSIGSHARE | RFLINUXTHPN | RFSTOPPED | RFHIGHPID | RFTSIGZMB | \
			 RFTSIGFLAGS(RFTSIGMASK) | RFPROCDESC | RFSPAWNDFL | RFPGLOCK | \
			 RFSPAWN)
/* Refused from rfork(2): the kernel's own, and RFPROCDESC (pdrfork's). */
#define RFKERNELONLY	(RFSTOPPED | RFHIGHPID | RFPROCDESC | RFSPAWNDFL | RFPGLOCK)

/* pdfork, pdrfork: what becomes of the process descriptor (<sys/procdesc.h>) */
#define PD_DAEMON	0x00000001	/* closing it does not kill the process */
#define PD_CLOEXEC	0x00000002	/* the descriptor is close-on-exec */
#define PD_ALLOWED_AT_FORK	(PD_DAEMON | PD_CLOEXEC)

/* mmap, mprotect */
#define PROT_NONE	0x00
#define PROT_READ	0x01
#define PROT_WRITE	0x02
#define PROT_EXEC	0x04
#define MAP_SHARED	0x0001
#define MAP_PRIVATE	0x0002
#define MAP_FIXED	0x0010
#define MAP_ANON	0x1000
#define MAP_ANONYMOUS	MAP_ANON
#define MAP_FAILED	((void *)-1)
/* minherit: what a fork gives the child of a range */
#define INHERIT_SHARE	0
#define INHERIT_COPY	1
#define INHERIT_NONE	2
#define INHERIT_ZERO	3

/* limits */
#define RLIMIT_NPROC	7
#define RLIM_INFINITY	((rlim_t)(((uint64_t)1 << 63) - 1))

typedef int64_t rlim_t;

struct rlimit {
	rlim_t	rlim_cur;
	rlim_t	rlim_max;
};

struct lwp_params {
	void	(*lwp_func)(void *);
	void	*lwp_arg;
	void	*lwp_stack;	/* top of the new stack */
	int32_t	*lwp_tid1;
	int32_t	*lwp_tid2;
};

/* kqueue / kevent */
#define EVFILT_PROC	(-5)
#define EVFILT_PROCDESC	(-8)	/* ident a process descriptor; NOTE_EXIT */
#define EV_ADD		0x0001
#define EV_DELETE	0x0002
#define EV_ENABLE	0x0004
#define EV_DISABLE	0x0008
#define EV_ONESHOT	0x0010
#define EV_CLEAR	0x0020
#define EV_EOF		0x8000
#define EV_ERROR	0x4000
#define NOTE_EXIT	0x80000000u
#define NOTE_FORK	0x40000000u
#define NOTE_EXEC	0x20000000u
#define NOTE_PDATAMASK	0x000fffffu

struct kevent {
	uintptr_t	ident;
	int16_t		filter;
	uint16_t	flags;
	uint32_t	fflags;
	int64_t		data;
	void		*udata;
	uint64_t	ext[4];
};

/*
 * procctl(2)'s reaper commands (FreeBSD's <sys/procctl.h>, issue 13): the
 * numbers, structures and flags, with FreeBSD's layout.  idtype is
 * idtype_t's P_PID (no reaper command takes P_PGID).
 */
#define PROC_REAP_ACQUIRE	2	/* become a reaper */
#define PROC_REAP_RELEASE	3	/* stop being one */
#define PROC_REAP_STATUS	4	/* struct procctl_reaper_status */
#define PROC_REAP_GETPIDS	5	/* struct procctl_reaper_pids */
#define PROC_REAP_KILL		6	/* struct procctl_reaper_kill */

struct procctl_reaper_status {
	unsigned int	rs_flags;	/* REAPER_STATUS_* */
	unsigned int	rs_children;	/* the reaper's children among its descendants */
	unsigned int	rs_descendants;	/* processes it reaps (nested reapers' not counted) */
	int32_t		rs_reaper;	/* the reaper's pid */
	int32_t		rs_pid;		/* one of them (a child if there is one), -1 if none */
	unsigned int	rs_pad0[15];
};
#define REAPER_STATUS_OWNED	0x00000001	/* the process asked about is the reaper */
#define REAPER_STATUS_REALINIT	0x00000002	/* the reaper is init */

struct procctl_reaper_pidinfo {
	int32_t		pi_pid;
	int32_t		pi_subtree;	/* pid of the reaper's child it descends from */
	unsigned int	pi_flags;	/* REAPER_PIDINFO_* */
	unsigned int	pi_pad0[15];
};
#define REAPER_PIDINFO_VALID	0x00000001
#define REAPER_PIDINFO_CHILD	0x00000002	/* a child of the reaper */
#define REAPER_PIDINFO_REAPER	0x00000004	/* a reaper itself */

struct procctl_reaper_pids {
	unsigned int	rp_count;	/* room in rp_pids */
	unsigned int	rp_pad0[15];
	struct procctl_reaper_pidinfo *rp_pids;
};

struct procctl_reaper_kill {
	int		rk_sig;		/* in: the signal */
	unsigned int	rk_flags;	/* in: REAPER_KILL_* */
	int32_t		rk_subtree;	/* in: with REAPER_KILL_SUBTREE, which */
	unsigned int	rk_killed;	/* out: processes signalled */
	int32_t		rk_fpid;	/* out: the first that could not be, or -1 */
	unsigned int	rk_pad0[15];
};
#define REAPER_KILL_CHILDREN	0x00000001	/* only the reaper's children */
#define REAPER_KILL_SUBTREE	0x00000002	/* only the subtree rk_subtree */

/*
 * debug.kernel_prot (forkrt's own, root only): write one of these, then
 * read the kernel's rights on that address as VM_PROT_* bits
 * (PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4), or -1 when it is not mapped.
 * debug.kernel_guard (read only) then says whether the kernel takes a
 * fault there for a kernel stack's overflow: 1 in a guard page, else 0.
 */
#define KPROT_TEXT		0	/* a kernel function */
#define KPROT_RODATA		1	/* a const object */
#define KPROT_DATA		2	/* an initialized global */
#define KPROT_BSS		3	/* the first byte of .bss (__bss_start) */
#define KPROT_BSS_END		4	/* the last byte of .bss (__bss_end - 1) */
#define KPROT_DMAP		5	/* the direct map: the caller's struct lwp, on the kernel heap */
#define KPROT_KSTACK		6	/* the caller's kernel stack, where the call runs */
#define KPROT_KSTACK_BASE	7	/* the lowest byte of that stack */
#define KPROT_KSTACK_GUARD	8	/* the byte below it: the guard page */
#define KPROT_BOOT_STACK	9	/* the lowest byte of the boot stack (lwp0's) */
#define KPROT_BOOT_STACK_GUARD	10	/* the byte below it: its guard page */
#define KPROT_NSEL		11

/*
 * debug.pmap_tlb (forkrt's own, root only, in kernels built with the fail
 * points; the pmap suite): the TLB rule of the kernel's pmap.h on the
 * caller's own page tables.  debug.pmap_tlb_page names the window (the
 * page number of a 2 MiB-aligned address with 2 MiB of one PROT_NONE
 * mapping of the caller's above it); each step is one pmap call on its
 * first page, which the caller's threads then read and write from user
 * mode on every CPU.
 */
#define PMAP_TLB_SETUP		1	/* map page A (every word MARK_A) read-write */
#define PMAP_TLB_REPLACE	2	/* pmap_enter: page B (MARK_B) in its place, read-write */
#define PMAP_TLB_PROTECT	3	/* pmap_protect: read-only */
#define PMAP_TLB_REMOVE		4	/* pmap_remove: that page */
#define PMAP_TLB_REMOVE_TABLE	5	/* pmap_remove: the whole 2 MiB (its leaf table goes) */
#define PMAP_TLB_TEARDOWN	6	/* unmap the window, free A and B; ends the session */
#define PMAP_TLB_ENTER_RO	7	/* pmap_enter: page A again, read-only */
#define PMAP_TLB_COPY		8	/* pmap_copy of the window to a new pmap, then destroyed */
#define PMAP_TLB_MARK_A		0xa1a1a1a1a1a1a1a1ul
#define PMAP_TLB_MARK_B		0xb2b2b2b2b2b2b2b2ul

/*
 * The auxiliary vector exec leaves on the new stack after argv's and the
 * environment's NULLs: (type, value) pairs up to AT_NULL (FreeBSD's).
 */
#define AT_NULL		0
#define AT_CANARY	16	/* address of the stack-protector canary's bytes */
#define AT_CANARYLEN	17	/* how many there are */

#endif /* !_FORKRT_ABI_H_ */
