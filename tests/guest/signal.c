/*
 * The signal suite: handlers, masks, siginfo, interrupted and restarted
 * system calls, sigsuspend and sigwait, job control and its wait
 * statuses, waitid, SA_NOCLDWAIT, and what fork, exec and rfork do with
 * signals.  Each case runs in a child of its own (run_child), so that
 * its handlers and masks go with it and a failing case cannot spoil the
 * next; it returns 0 when every check held, else the number of the first
 * that did not.
 */
#include "tap.h"

#ifndef __unused
#define __unused	__attribute__((unused))
#endif

static volatile int hits, last_sig, last_code, last_pid, last_status, order[8], norder;
static volatile uintptr_t last_addr;
static volatile uint32_t mask_in_handler;
static volatile uintptr_t handler_sp;

static uint32_t
cur_mask(void)
{
	sigset_t s;

	sigprocmask(SIG_BLOCK, NULL, &s);
	return (s.__bits[0]);
}

static uint32_t
bit(int sig)
{
	return (1u << (sig - 1));
}

static void
on_sig(int sig, siginfo_t *si, void *uc __unused)
{
	int sp_probe;

	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_status = si->si_status;
	last_addr = (uintptr_t)si->si_addr;
	mask_in_handler = cur_mask();
	handler_sp = (uintptr_t)&sp_probe;
	if (norder < 8)
		order[norder++] = sig;
}

static int
catch(int sig, int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_sig;
	sa.sa_flags = flags | SA_SIGINFO;
	return (sigaction(sig, &sa, NULL));
}

static void
block(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

/* --- handlers and siginfo --- */

static int
handler_runs(void)
{
	CHECK(1, catch(SIGUSR1, 0) == 0);
	CHECK(2, kill(getpid(), SIGUSR1) == 0);
	CHECK(3, hits == 1 && last_sig == SIGUSR1);
	CHECK(4, last_code == SI_USER && last_pid == getpid());
	CHECK(5, raise(SIGUSR1) == 0 && hits == 2 && last_code == SI_LWP);
	/* The signal itself is masked while its handler runs, and only then. */
	CHECK(6, (mask_in_handler & bit(SIGUSR1)) && !(cur_mask() & bit(SIGUSR1)));
	return (0);
}

static int
nodefer_and_sa_mask(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK(1, sigaction(SIGUSR1, &sa, NULL) == 0);
	raise(SIGUSR1);
	CHECK(2, hits == 1 && !(mask_in_handler & bit(SIGUSR1)) &&
	    (mask_in_handler & bit(SIGUSR2)));
	CHECK(3, cur_mask() == 0);
	CHECK(4, sigaction(SIGUSR1, NULL, &sa) == 0 && (sa.sa_flags & SA_NODEFER) &&
	    sigismember(&sa.sa_mask, SIGUSR2) == 1 && sigismember(&sa.sa_mask, SIGUSR1) == 0);
	return (0);
}

static int
resethand(void)
{
	struct sigaction sa;

	CHECK(1, catch(SIGUSR1, SA_RESETHAND) == 0);
	raise(SIGUSR1);
	CHECK(2, hits == 1);
	CHECK(3, sigaction(SIGUSR1, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL);
	raise(SIGUSR1);		/* the default action now: this process ends */
	return (4);
}

static void
on_nest2(int sig)
{
	order[norder++] = sig;
}

static void
on_nest1(int sig)
{
	order[norder++] = sig;
	raise(SIGUSR2);		/* runs inside this one */
	order[norder++] = -sig;
}

static int
nested(void)
{
	signal(SIGUSR1, on_nest1);
	signal(SIGUSR2, on_nest2);
	raise(SIGUSR1);
	CHECK(1, norder == 3 && order[0] == SIGUSR1 && order[1] == SIGUSR2 &&
	    order[2] == -SIGUSR1);
	return (0);
}

/* Two signals pending when a mask lifts: both handlers run, lowest first. */
static int
two_pending(void)
{
	catch(SIGUSR1, 0);
	catch(SIGUSR2, 0);
	block(SIG_BLOCK, SIGUSR1);
	block(SIG_BLOCK, SIGUSR2);
	raise(SIGUSR2);
	raise(SIGUSR1);
	CHECK(1, hits == 0);
	sigset_t p;
	CHECK(2, sigpending(&p) == 0 && sigismember(&p, SIGUSR1) == 1 &&
	    sigismember(&p, SIGUSR2) == 1);
	sigemptyset(&p);
	sigprocmask(SIG_SETMASK, &p, NULL);
	CHECK(3, hits == 2 && norder == 2);
	/* Each handler saw the other signal (not yet taken) still masked or already run. */
	CHECK(4, sigpending(&p) == 0 && p.__bits[0] == 0);
	return (0);
}

static int
cantmask(void)
{
	sigset_t s;

	sigfillset(&s);
	CHECK(1, sigprocmask(SIG_SETMASK, &s, NULL) == 0);
	CHECK(2, !(cur_mask() & bit(SIGKILL)) && !(cur_mask() & bit(SIGSTOP)) &&
	    (cur_mask() & bit(SIGUSR1)));
	CHECK(3, sigprocmask(99, &s, NULL) == -1 && errno == EINVAL);
	CHECK(4, sigprocmask(SIG_BLOCK, (void *)8, NULL) == -1 && errno == EFAULT);
	return (0);
}

static int
sigaction_errors(void)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = SIG_IGN;
	CHECK(1, sigaction(0, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(2, sigaction(NSIG, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(3, sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(4, sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL);
	sa.sa_handler = SIG_DFL;
	CHECK(5, sigaction(SIGKILL, &sa, NULL) == 0);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0x10000;
	CHECK(6, sigaction(SIGUSR1, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(7, sigaction(SIGUSR1, (void *)8, NULL) == -1 && errno == EFAULT);
	CHECK(8, sigaction(SIGUSR1, NULL, (void *)8) == -1 && errno == EFAULT);
	/* A handler in the kernel's half is refused, not run. */
	sa.sa_flags = 0;
	sa.sa_handler = (void (*)(int))0xffffffff80000000ul;
	CHECK(9, sigaction(SIGUSR1, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(10, signal(SIGKILL, SIG_IGN) == SIG_ERR && errno == EINVAL);
	sigset_t s;
	CHECK(11, sigaddset(&s, 0) == -1 && errno == EINVAL && sigismember(&s, NSIG) == -1);
	return (0);
}

/* An ignored signal pending goes when ignored, and never comes when ignored. */
static int
ignore_discards(void)
{
	sigset_t p;

	catch(SIGUSR1, 0);
	block(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	CHECK(1, sigpending(&p) == 0 && sigismember(&p, SIGUSR1) == 0);
	block(SIG_UNBLOCK, SIGUSR1);
	raise(SIGUSR1);
	catch(SIGUSR1, 0);
	CHECK(2, hits == 0);
	return (0);
}

/* --- traps --- */

static volatile int *volatile bad_ptr = (int *)0x1000;

static void
on_segv_exit(int sig, siginfo_t *si, void *uc __unused)
{
	_exit(si->si_signo == sig && (uintptr_t)si->si_addr == (uintptr_t)bad_ptr &&
	    si->si_code == SEGV_MAPERR ? 42 : 1);
}

static int
segv_handler(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_segv_exit;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	*bad_ptr = 1;
	return (2);
}

static volatile char *ro_page;

static void
on_segv_acc(int sig __unused, siginfo_t *si, void *uc __unused)
{
	_exit((uintptr_t)si->si_addr == (uintptr_t)ro_page && si->si_code == SEGV_ACCERR ?
	    43 : 1);
}

static int
segv_accerr(void)
{
	struct sigaction sa = { 0 };

	ro_page = mmap(NULL, 4096, PROT_READ, MAP_ANON | MAP_PRIVATE, -1, 0);
	sa.sa_sigaction = on_segv_acc;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	*ro_page = 1;
	return (2);
}

/* A fault with SIGSEGV blocked ends the process: it cannot be put off. */
static int
segv_blocked(void)
{
	catch(SIGSEGV, 0);
	block(SIG_BLOCK, SIGSEGV);
	*bad_ptr = 1;
	return (1);
}

/*
 * The same exception is the same signal on every architecture: the
 * kernel decides it once from the kind of trap.  si_addr is the
 * instruction, or (x86_64's int3 is a trap, not a fault) just past it.
 */
extern char trap_insn[], ill_insn[];

static void __attribute__((noinline))
breakpoint_insn(void)
{
#if defined(__riscv)
	__asm__ volatile(".globl trap_insn\ntrap_insn: ebreak");
#elif defined(__aarch64__)
	__asm__ volatile(".globl trap_insn\ntrap_insn: brk #0");
#else
	__asm__ volatile(".globl trap_insn\ntrap_insn: int3");
#endif
}

static void __attribute__((noinline))
illegal_insn(void)
{
#if defined(__riscv)
	__asm__ volatile(".globl ill_insn\nill_insn: .word 0");
#elif defined(__aarch64__)
	__asm__ volatile(".globl ill_insn\nill_insn: udf #0");
#else
	__asm__ volatile(".globl ill_insn\nill_insn: ud2");
#endif
}

static void
on_trap_exit(int sig, siginfo_t *si, void *uc __unused)
{
	uintptr_t at = (uintptr_t)si->si_addr - (uintptr_t)trap_insn;

	_exit(sig == SIGTRAP && si->si_signo == SIGTRAP && si->si_code == TRAP_BRKPT &&
	    at <= 1 ? 44 : 1);
}

static int
breakpoint_caught(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_trap_exit;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	breakpoint_insn();
	return (2);
}

static int
breakpoint_uncaught(void)
{
	breakpoint_insn();
	return (1);
}

static void
on_ill_exit(int sig, siginfo_t *si, void *uc __unused)
{
	_exit(sig == SIGILL && si->si_code == ILL_ILLOPC &&
	    (uintptr_t)si->si_addr == (uintptr_t)ill_insn ? 45 : 1);
}

static int
illegal_caught(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_ill_exit;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);
	illegal_insn();
	return (2);
}

static volatile int zero, seven = 7;

static void
on_fpe_exit(int sig, siginfo_t *si, void *uc __unused)
{
	_exit(sig == SIGFPE && si->si_code == FPE_INTDIV ? 46 : 1);
}

/* x86_64 traps (#DE); RISC-V defines the quotient as all ones instead, AArch64 as 0. */
static int
divide_by_zero(void)
{
	struct sigaction sa = { 0 };
	volatile int q;

	sa.sa_sigaction = on_fpe_exit;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGFPE, &sa, NULL);
	q = seven / zero;
#if defined(__riscv)
	_exit(q == -1 ? 46 : 1);
#elif defined(__aarch64__)
	_exit(q == 0 ? 46 : 1);
#endif
	return (q == 0 ? 2 : 3);
}

/* --- SIGCHLD and its siginfo --- */

static int
sigchld_info(void)
{
	pid_t pid;
	int status;

	catch(SIGCHLD, 0);
	if ((pid = xfork()) == 0)
		_exit(7);
	while (hits == 0)
		nap(1);
	CHECK(1, last_sig == SIGCHLD && last_code == CLD_EXITED && last_pid == pid &&
	    last_status == 7);
	CHECK(2, waitpid(pid, &status, 0) == pid);
	hits = 0;
	if ((pid = xfork()) == 0) {
		for (;;)
			nap(100);
	}
	kill(pid, SIGTERM);
	while (hits == 0)
		nap(1);
	CHECK(3, last_code == CLD_KILLED && last_pid == pid && last_status == SIGTERM);
	waitpid(pid, &status, 0);
	return (0);
}

/* A SIGCHLD handler that reaps in a loop, with 20 children ending at once. */
static volatile int reaped;

static void
on_chld_reap(int sig __unused)
{
	int status, saved = errno;

	while (waitpid(-1, &status, WNOHANG) > 0)
		reaped++;
	errno = saved;
}

static int
sigchld_reaper(void)
{
	int fds[2], i;
	sigset_t none;
	char c;

	signal(SIGCHLD, on_chld_reap);
	pipe(fds);
	for (i = 0; i < 20; i++) {
		if (xfork() == 0) {
			close(fds[1]);
			read(fds[0], &c, 1);	/* all go when the pipe closes */
			_exit(0);
		}
	}
	close(fds[0]);
	block(SIG_BLOCK, SIGCHLD);
	close(fds[1]);
	sigemptyset(&none);
	while (reaped < 20)
		sigsuspend(&none);
	CHECK(1, reaped == 20);
	CHECK(2, waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return (0);
}

/* --- interrupted system calls --- */

static void
on_usr1(int sig __unused)
{
	hits++;
}

/* A child that signals its parent after a little while, then writes to fd. */
static pid_t
poke_later(int sig, int fd, long ms_to_write)
{
	pid_t pid, parent = getpid();

	if ((pid = xfork()) == 0) {
		nap(50);
		kill(parent, sig);
		if (fd >= 0) {
			nap(ms_to_write);
			write(fd, "x", 1);
		}
		_exit(0);
	}
	return (pid);
}

static int
eintr_read(void)
{
	struct sigaction sa = { 0 };
	int fds[2];
	char c;
	ssize_t n;

	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	pipe(fds);
	poke_later(SIGUSR1, fds[1], 50);
	n = read(fds[0], &c, 1);
	CHECK(1, n == -1 && errno == EINTR && hits == 1);
	CHECK(2, read(fds[0], &c, 1) == 1);
	reap_all();
	return (0);
}

static int
restart_read(void)
{
	struct sigaction sa = { 0 };
	int fds[2];
	char c = 0;

	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pipe(fds);
	poke_later(SIGUSR1, fds[1], 50);
	CHECK(1, read(fds[0], &c, 1) == 1 && c == 'x' && hits == 1);
	reap_all();
	return (0);
}

static int
wait_eintr_and_restart(void)
{
	struct sigaction sa = { 0 };
	pid_t pid;
	int status;

	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	pid = poke_later(SIGUSR1, -1, 0);
	/* The child exits right after its kill: either order ends the wait. */
	if (waitpid(pid, &status, 0) == -1)
		CHECK(1, errno == EINTR && hits == 1);
	reap_all();
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	hits = 0;
	int fds[2];
	pipe(fds);
	if ((pid = xfork()) == 0) {
		char c;

		read(fds[0], &c, 1);
		_exit(3);
	}
	pid_t poker = poke_later(SIGUSR1, fds[1], 50);
	CHECK(2, waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 3 && hits == 1);
	waitpid(poker, NULL, 0);
	return (0);
}

/* kevent is never restarted, even with SA_RESTART: its timeout would start over. */
static int
kevent_eintr(void)
{
	struct sigaction sa = { 0 };
	struct timespec ts = { 5, 0 };
	struct kevent ev;
	int kq = kqueue();

	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	poke_later(SIGUSR1, -1, 0);
	CHECK(1, kevent(kq, NULL, 0, &ev, 1, &ts) == -1 && errno == EINTR && hits == 1);
	reap_all();
	return (0);
}

/* A write a signal interrupts after some bytes went returns their count (POSIX). */
static int
short_write(void)
{
	static char big[256 * 1024];
	struct sigaction sa = { 0 };
	int fds[2];
	ssize_t n;

	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	pipe(fds);
	poke_later(SIGUSR1, -1, 0);
	n = write(fds[1], big, sizeof(big));	/* nobody reads: it fills the pipe and sleeps */
	CHECK(1, hits == 1 && n > 0 && n < (ssize_t)sizeof(big));
	reap_all();
	return (0);
}

/* sigsuspend: the handler runs with the suspend mask, the old one comes back after. */
static int
sigsuspend_mask(void)
{
	sigset_t none;

	catch(SIGUSR1, 0);
	block(SIG_BLOCK, SIGUSR1);
	block(SIG_BLOCK, SIGUSR2);
	poke_later(SIGUSR1, -1, 0);
	sigemptyset(&none);
	sigaddset(&none, SIGUSR2);
	CHECK(1, sigsuspend(&none) == -1 && errno == EINTR && hits == 1);
	CHECK(2, (mask_in_handler & bit(SIGUSR1)) && (mask_in_handler & bit(SIGUSR2)));
	CHECK(3, (cur_mask() & bit(SIGUSR1)) && (cur_mask() & bit(SIGUSR2)));
	reap_all();
	return (0);
}

static int
sigwait_takes(void)
{
	struct timespec zero = { 0, 0 }, short_wait = { 0, 30 * 1000 * 1000 };
	struct timespec bad = { 0, 1000000000 };
	sigset_t usr1, chld;
	siginfo_t si;
	pid_t pid;
	int sig = 0;

	catch(SIGUSR1, 0);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);	/* SIG_DFL ignores it, but a blocked one is kept for sigwait */
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	CHECK(1, sigtimedwait(&usr1, &si, &zero) == -1 && errno == EAGAIN);
	CHECK(2, sigtimedwait(&usr1, &si, &short_wait) == -1 && errno == EAGAIN);
	pid = poke_later(SIGUSR1, -1, 0);
	CHECK(3, sigwait(&usr1, &sig) == 0 && sig == SIGUSR1 && hits == 0);
	CHECK(4, sigwaitinfo(&chld, &si) == SIGCHLD && si.si_pid == pid &&
	    si.si_code == CLD_EXITED && si.si_signo == SIGCHLD);
	waitpid(pid, NULL, 0);
	raise(SIGUSR1);
	CHECK(5, sigtimedwait(&usr1, &si, &zero) == SIGUSR1 && si.si_code == SI_LWP);
	CHECK(6, sigtimedwait(&usr1, &si, &bad) == -1 && errno == EINVAL);
	CHECK(7, sigtimedwait((void *)8, &si, &zero) == -1 && errno == EFAULT);
	CHECK(8, hits == 0);
	return (0);
}

/* --- job control --- */

static volatile uint64_t *shared_counter(void)
{
	return (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1, 0));
}

static pid_t
spinner(volatile uint64_t *ctr)
{
	pid_t pid;

	if ((pid = xfork()) == 0) {
		for (;;)
			(*ctr)++;
	}
	while (*ctr == 0)
		sched_yield();
	return (pid);
}

static int
stop_continue(void)
{
	volatile uint64_t *ctr = shared_counter();
	uint64_t a, b;
	pid_t pid;
	int status;

	catch(SIGCHLD, 0);
	pid = spinner(ctr);
	CHECK(1, kill(pid, SIGSTOP) == 0);
	CHECK(2, waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
	    WSTOPSIG(status) == SIGSTOP && !WIFSIGNALED(status) && !WIFEXITED(status));
	nap(20);
	a = *ctr;
	nap(100);
	b = *ctr;
	CHECK(3, a == b);		/* stopped means not running */
	while (hits == 0)
		nap(1);
	CHECK(4, last_sig == SIGCHLD && last_code == CLD_STOPPED && last_pid == pid &&
	    last_status == SIGSTOP);
	CHECK(5, waitpid(pid, &status, WUNTRACED | WNOHANG) == 0);	/* reported once */
	hits = 0;
	CHECK(6, kill(pid, SIGCONT) == 0);
	CHECK(7, waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status) &&
	    !WIFSTOPPED(status) && !WIFSIGNALED(status));
	while (hits == 0)
		nap(1);
	CHECK(8, last_code == CLD_CONTINUED && last_pid == pid);
	a = *ctr;
	nap(100);
	CHECK(9, *ctr != a);
	/* SIGKILL ends a stopped process. */
	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	CHECK(10, kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid &&
	    WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	return (0);
}

/* A process asleep in the kernel stops at once, and its read goes on after. */
static int
stop_while_asleep(void)
{
	int fds[2], status;
	pid_t pid;
	char c;

	pipe(fds);
	if ((pid = xfork()) == 0) {
		if (read(fds[0], &c, 1) != 1 || c != 'y')
			_exit(1);
		_exit(5);
	}
	nap(30);
	kill(pid, SIGSTOP);
	CHECK(1, waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
	write(fds[1], "y", 1);
	nap(50);
	CHECK(2, waitpid(pid, &status, WNOHANG) == 0);	/* still stopped */
	kill(pid, SIGCONT);
	CHECK(3, waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 5);
	return (0);
}

static int
nocldstop(void)
{
	volatile uint64_t *ctr = shared_counter();
	struct sigaction sa = { 0 };
	pid_t pid;
	int status;

	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	pid = spinner(ctr);
	kill(pid, SIGSTOP);
	CHECK(1, waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
	kill(pid, SIGCONT);
	CHECK(2, waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status));
	nap(50);
	CHECK(3, hits == 0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CHECK(4, hits == 1 && last_code == CLD_KILLED);
	return (0);
}

/* SIGTSTP stops a child in a group of its own; in an orphaned group it is dropped. */
static int
tstp(void)
{
	volatile uint64_t *ctr = shared_counter();
	struct sigaction sa = { 0 };
	pid_t pid;
	int status;

	pid = spinner(ctr);
	CHECK(1, setpgid(pid, pid) == 0);
	kill(pid, SIGTSTP);
	CHECK(2, waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
	    WSTOPSIG(status) == SIGTSTP);
	kill(pid, SIGCONT);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	/* A caught SIGTSTP runs its handler instead. */
	sa.sa_handler = on_usr1;
	sigaction(SIGTSTP, &sa, NULL);
	raise(SIGTSTP);
	CHECK(3, hits == 1);
	/* Our own group (init's, whose parent is in no session) is orphaned. */
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);
	CHECK(4, true);		/* still running */
	return (0);
}

/* --- waitid and wait6 --- */

static int
waitid_forms(void)
{
	siginfo_t si;
	pid_t pid;
	int status;

	if ((pid = xfork()) == 0)
		_exit(9);
	CHECK(1, waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid &&
	    si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 9);
	/* WNOWAIT left it waitable, and a zombie ignores signals. */
	kill(pid, SIGKILL);
	CHECK(2, waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid &&
	    si.si_status == 9);
	CHECK(3, waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 9);
	CHECK(4, waitid(P_ALL, 0, &si, WEXITED) == -1 && errno == ECHILD);
	int fds[2];
	pipe(fds);
	if ((pid = xfork()) == 0) {
		char c;

		read(fds[0], &c, 1);
		_exit(0);
	}
	memset(&si, 0xff, sizeof(si));
	CHECK(5, waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0);
	CHECK(6, waitid(P_PID, pid, &si, 0) == -1 && errno == EINVAL);
	CHECK(7, waitid((idtype_t)42, pid, &si, WEXITED) == -1 && errno == EINVAL);
	CHECK(8, waitid(P_PID, pid, &si, WEXITED | 0x4000) == -1 && errno == EINVAL);
	kill(pid, SIGSTOP);
	CHECK(9, waitid(P_PGID, getpgrp(), &si, WSTOPPED) == 0 && si.si_pid == pid &&
	    si.si_code == CLD_STOPPED && si.si_status == SIGSTOP);
	kill(pid, SIGCONT);
	CHECK(10, waitid(P_PID, pid, &si, WCONTINUED) == 0 && si.si_code == CLD_CONTINUED);
	kill(pid, SIGTERM);
	CHECK(12, waitid(P_PID, pid, (void *)8, WEXITED | WNOWAIT) == -1 && errno == EFAULT);
	CHECK(11, waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_KILLED &&
	    si.si_status == SIGTERM);
	struct __wrusage wru;
	if ((pid = xfork()) == 0)
		_exit(4);
	CHECK(13, wait6(P_PID, pid, &status, WEXITED, &wru, &si) == pid &&
	    WEXITSTATUS(status) == 4 && si.si_status == 4);
	return (0);
}

/* SA_NOCLDWAIT, or SIGCHLD ignored: no zombies, and wait ends with ECHILD. */
static int
nocldwait_case(int how)
{
	struct sigaction sa = { 0 };
	int i, status;

	if (how == 0) {
		sa.sa_handler = SIG_DFL;
		sa.sa_flags = SA_NOCLDWAIT;
	} else
		sa.sa_handler = SIG_IGN;
	sigaction(SIGCHLD, &sa, NULL);
	for (i = 0; i < 3; i++)
		if (xfork() == 0) {
			nap(20 * i);
			_exit(0);
		}
	CHECK(1, wait(&status) == -1 && errno == ECHILD);
	return (0);
}

static int nocldwait_flag(void) { return (nocldwait_case(0)); }
static int nocldwait_ign(void) { return (nocldwait_case(1)); }

/* --- fork, exec, rfork --- */

static int
fork_inherits(void)
{
	sigset_t p;
	pid_t pid;
	int status;

	catch(SIGUSR1, 0);
	block(SIG_BLOCK, SIGUSR2);
	catch(SIGUSR2, 0);
	raise(SIGUSR2);			/* pending in the parent only */
	if ((pid = xfork()) == 0) {
		if (sigpending(&p) != 0 || p.__bits[0] != 0)
			_exit(1);
		if (!(cur_mask() & bit(SIGUSR2)))
			_exit(2);
		raise(SIGUSR1);		/* the parent's handler */
		_exit(hits == 1 && last_sig == SIGUSR1 ? 0 : 3);
	}
	CHECK(1, waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	CHECK(10 + WEXITSTATUS(status), WEXITSTATUS(status) == 0);
	sigpending(&p);
	CHECK(2, sigismember(&p, SIGUSR2) == 1);
	return (0);
}

/* A handler that forks: the child starts inside it, with its mask. */
static volatile int handler_fork_ok;

static void
on_usr1_fork(int sig __unused)
{
	pid_t pid;
	int status;

	if ((pid = xfork()) == 0)
		_exit((cur_mask() & bit(SIGUSR1)) ? 6 : 1);
	handler_fork_ok = waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 6;
}

static int
handler_forks(void)
{
	signal(SIGUSR1, on_usr1_fork);
	raise(SIGUSR1);
	CHECK(1, handler_fork_ok);
	CHECK(2, !(cur_mask() & bit(SIGUSR1)));
	return (0);
}

/* sigstate (a helper program) exits with bits describing what exec left it. */
static int
exec_resets(void)
{
	char *argv[] = { "sigstate", NULL };
	pid_t pid;
	int status;

	catch(SIGUSR1, 0);
	signal(SIGUSR2, SIG_IGN);
	block(SIG_BLOCK, SIGTERM);
	if ((pid = xfork()) == 0) {
		execv("sigstate", argv);
		_exit(99);
	}
	CHECK(1, waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	/* 1: USR1 back to SIG_DFL, 2: USR2 still ignored, 4: TERM still masked. */
	CHECK(20 + WEXITSTATUS(status), WEXITSTATUS(status) == 7);
	return (0);
}

static int
rfsigshare(void)
{
	struct sigaction sa;
	pid_t pid;
	int status;

	if ((pid = rfork(RFPROC | RFFDG | RFSIGSHARE)) == 0) {
		signal(SIGUSR1, SIG_IGN);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(1, sigaction(SIGUSR1, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN);
	if ((pid = rfork(RFPROC | RFFDG)) == 0) {
		signal(SIGUSR2, SIG_IGN);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(2, sigaction(SIGUSR2, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL);
	return (0);
}

static int
rftsig(void)
{
	pid_t pid;
	int status;

	catch(SIGUSR2, 0);
	catch(SIGCHLD, 0);
	if ((pid = rfork(RFPROC | RFFDG | RFTSIGZMB | RFTSIGFLAGS(SIGUSR2))) == 0)
		_exit(0);
	CHECK(1, pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(2, hits == 1 && last_sig == SIGUSR2 && last_code == CLD_EXITED);
	if ((pid = rfork(RFPROC | RFFDG | RFTSIGZMB | RFTSIGFLAGS(0))) == 0)
		_exit(0);
	CHECK(3, pid > 0 && waitpid(pid, &status, 0) == pid);
	nap(20);
	CHECK(4, hits == 1);		/* no signal at all */
	CHECK(5, rfork(RFPROC | RFFDG | RFTSIGZMB | RFTSIGFLAGS(NSIG)) == -1 &&
	    errno == EINVAL);
	CHECK(6, rfork(RFPROC | RFFDG | RFTSIGFLAGS(SIGUSR1)) == -1 && errno == EINVAL);
	return (0);
}

/* --- sigaltstack --- */

static char altstack[SIGSTKSZ] __attribute__((aligned(16)));

static int
altstack_case(void)
{
	stack_t ss = { altstack, sizeof(altstack), 0 }, oss;

	CHECK(1, sigaltstack(NULL, &oss) == 0 && (oss.ss_flags & SS_DISABLE));
	CHECK(2, sigaltstack(&ss, NULL) == 0);
	catch(SIGUSR1, SA_ONSTACK);
	raise(SIGUSR1);
	CHECK(3, hits == 1 && handler_sp >= (uintptr_t)altstack &&
	    handler_sp < (uintptr_t)altstack + sizeof(altstack));
	catch(SIGUSR2, 0);
	raise(SIGUSR2);
	CHECK(4, hits == 2 && (handler_sp < (uintptr_t)altstack ||
	    handler_sp >= (uintptr_t)altstack + sizeof(altstack)));
	ss.ss_size = MINSIGSTKSZ - 1;
	CHECK(5, sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
	ss.ss_flags = 0x100;
	CHECK(6, sigaltstack(&ss, NULL) == -1 && errno == EINVAL);
	CHECK(7, sigaltstack((void *)8, NULL) == -1 && errno == EFAULT);
	ss.ss_flags = SS_DISABLE;
	CHECK(8, sigaltstack(&ss, NULL) == 0 && sigaltstack(NULL, &oss) == 0 &&
	    (oss.ss_flags & SS_DISABLE));
	return (0);
}

static volatile int onstack_eperm;

static void
on_usr1_onstack(int sig __unused)
{
	stack_t ss = { altstack, sizeof(altstack), 0 }, oss;

	onstack_eperm = sigaltstack(NULL, &oss) == 0 && (oss.ss_flags & SS_ONSTACK) &&
	    sigaltstack(&ss, NULL) == -1 && errno == EPERM;
}

static int
altstack_eperm(void)
{
	stack_t ss = { altstack, sizeof(altstack), 0 };
	struct sigaction sa = { 0 };

	sigaltstack(&ss, NULL);
	sa.sa_handler = on_usr1_onstack;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	CHECK(1, onstack_eperm);
	return (0);
}

/* --- vfork and lwps --- */

static int
vfork_signal(void)
{
	pid_t pid;
	int status;

	catch(SIGUSR1, 0);
	if ((pid = vfork()) == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	CHECK(1, pid > 0 && hits == 1 && last_pid == pid);
	CHECK(2, waitpid(pid, &status, 0) == pid);
	return (0);
}

static volatile int lwp_tid_seen, lwp_ready, lwp_stop;
static volatile lwpid_t handler_tid;
static char lwp_stack[16384] __attribute__((aligned(16)));

static void
on_usr1_tid(int sig __unused)
{
	handler_tid = lwp_gettid();
}

static void
lwp_body(void *arg __unused)
{
	lwp_tid_seen = lwp_gettid();
	lwp_ready = 1;
	while (!lwp_stop)
		sched_yield();
}

/* A process-wide signal goes to the lwp that does not mask it. */
static int
lwp_masks(void)
{
	struct lwp_params lp = { lwp_body, NULL, lwp_stack + sizeof(lwp_stack), NULL, NULL };
	sigset_t p;

	signal(SIGUSR1, on_usr1_tid);
	block(SIG_BLOCK, SIGUSR1);	/* the new lwp inherits this mask... */
	CHECK(1, lwp_create(&lp) == 0);
	while (!lwp_ready)
		sched_yield();
	/* ...so for now nobody can take a process-wide one. */
	kill(getpid(), SIGUSR1);
	nap(20);
	CHECK(2, handler_tid == 0 && sigpending(&p) == 0 && sigismember(&p, SIGUSR1) == 1);
	block(SIG_UNBLOCK, SIGUSR1);
	CHECK(3, handler_tid == lwp_gettid());
	/* An lwp_kill to an lwp that masks it stays on that lwp. */
	handler_tid = 0;
	lwp_kill(getpid(), lwp_tid_seen, SIGUSR1);
	nap(20);
	CHECK(4, handler_tid == 0);
	lwp_stop = 1;
	return (0);
}

/* user/examples/posix_signals.c: handlers, threads and an alarm in an unchanged POSIX program. */
static int
example_program(void)
{
	char *argv[] = { "posix_signals", NULL };
	int status;
	pid_t pid;

	if ((pid = xfork()) == 0) {
		execv("posix_signals", argv);
		_exit(99);
	}
	CHECK(1, waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	CHECK(20 + WEXITSTATUS(status), WEXITSTATUS(status) == 0);
	return (0);
}

/*
 * A storm: 2000 SIGUSR1s at a child that forks, waits and reads a pipe
 * with an SA_RESTART handler; every fork is waited for, every byte
 * read, and the handler ran at least once and never broke a call.
 */
static volatile int storm_hits;

static void
on_storm(int sig __unused)
{
	storm_hits++;
}

static int
storm_worker(int ready)
{
	struct sigaction sa = { 0 };
	int fds[2], status, got = 0;
	char buf[64];
	pid_t pid;

	sa.sa_handler = on_storm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	write(ready, "r", 1);		/* the storm may start */
	pipe(fds);
	for (int i = 0; i < 100; i++) {
		if ((pid = xfork()) == 0) {
			write(fds[1], "0123456789", 10);
			_exit(i & 0x7f);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != (i & 0x7f))
			return (1);
		for (int n = 0; n < 10; ) {
			ssize_t r = read(fds[0], buf, 10 - (size_t)n);

			if (r <= 0)
				return (2);
			n += (int)r;
			got += (int)r;
		}
	}
	return (got == 1000 && storm_hits > 0 ? 0 : 3);
}

static int
signal_storm(void)
{
	pid_t pid;
	int status, sent = 0, ready[2];
	char c;

	pipe(ready);
	if ((pid = xfork()) == 0)
		_exit(storm_worker(ready[1]));
	CHECK(3, read(ready[0], &c, 1) == 1);
	for (int i = 0; i < 2000; i++)
		if (kill(pid, SIGUSR1) == 0)
			sent++;
	CHECK(1, waitpid(pid, &status, 0) == pid);
	CHECK(10 + (WIFEXITED(status) ? WEXITSTATUS(status) : 9), WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0);
	CHECK(2, sent > 0);
	return (0);
}

/* Stop and continue a process of three busy lwps 200 times: each time all of it stops. */
static char storm_stacks[2][16384] __attribute__((aligned(16)));

static void
storm_spin(void *arg)
{
	volatile uint64_t *ctr = arg;

	for (;;)
		(*ctr)++;
}

static int
stop_storm(void)
{
	volatile uint64_t *ctr = shared_counter();
	pid_t pid;
	int status, bad = 0;
	uint64_t a;

	if ((pid = xfork()) == 0) {
		for (int i = 0; i < 2; i++) {
			struct lwp_params lp = { storm_spin, (void *)&ctr[i + 1],
			    storm_stacks[i] + sizeof(storm_stacks[i]), NULL, NULL };

			lwp_create(&lp);
		}
		for (;;)
			ctr[0]++;
	}
	while (ctr[0] == 0 || ctr[1] == 0 || ctr[2] == 0)
		sched_yield();
	for (int i = 0; i < 200; i++) {
		kill(pid, SIGSTOP);
		if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
			bad++;
		if (i % 40 == 0) {
			/* Stopped means every lwp: no counter moves. */
			nap(10);
			a = ctr[0] + ctr[1] + ctr[2];
			nap(30);
			if (ctr[0] + ctr[1] + ctr[2] != a)
				bad++;
		}
		kill(pid, SIGCONT);
		if (waitpid(pid, &status, WCONTINUED) != pid || !WIFCONTINUED(status))
			bad++;
	}
	CHECK(1, bad == 0);
	kill(pid, SIGKILL);
	CHECK(2, waitpid(pid, &status, 0) == pid && WTERMSIG(status) == SIGKILL);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(handler_runs, "a handler runs with siginfo (SI_USER from kill, SI_LWP from raise), its signal masked"),
	TAP_CASE(nodefer_and_sa_mask, "SA_NODEFER leaves the signal unmasked, sa_mask adds signals"),
	TAP_CASE_STATUS(resethand, "SA_RESETHAND: the handler runs once, then the default action", W_EXITCODE(0, SIGUSR1)),
	TAP_CASE(nested, "a handler interrupted by another signal's handler"),
	TAP_CASE(two_pending, "two signals pending when the mask lifts both run"),
	TAP_CASE(cantmask, "SIGKILL and SIGSTOP cannot be masked; sigprocmask errors"),
	TAP_CASE(sigaction_errors, "sigaction refuses bad signals, flags, pointers and kernel handlers"),
	TAP_CASE(ignore_discards, "a pending signal goes when it becomes ignored"),
	TAP_CASE_STATUS(segv_handler, "a SIGSEGV handler gets si_addr and SEGV_MAPERR", W_EXITCODE(42, 0)),
	TAP_CASE_STATUS(segv_accerr, "a write to a read-only page is SEGV_ACCERR", W_EXITCODE(43, 0)),
	TAP_CASE_STATUS(segv_blocked, "a fault with SIGSEGV blocked ends the process", W_EXITCODE(0, SIGSEGV)),
	TAP_CASE_STATUS(breakpoint_caught, "a breakpoint (ebreak, int3) is SIGTRAP with TRAP_BRKPT at the instruction",
	    W_EXITCODE(44, 0)),
	TAP_CASE_STATUS(breakpoint_uncaught, "an uncaught breakpoint ends the process with SIGTRAP",
	    W_EXITCODE(0, SIGTRAP)),
	TAP_CASE_STATUS(illegal_caught, "an illegal instruction is SIGILL with ILL_ILLOPC at the instruction",
	    W_EXITCODE(45, 0)),
	TAP_CASE_STATUS(divide_by_zero, "an integer divide by zero is SIGFPE with FPE_INTDIV where it traps (x86_64)",
	    W_EXITCODE(46, 0)),
	TAP_CASE(sigchld_info, "SIGCHLD carries CLD_EXITED / CLD_KILLED, the pid and the status"),
	TAP_CASE(sigchld_reaper, "a SIGCHLD handler reaping in a loop collects 20 children ending at once"),
	TAP_CASE(eintr_read, "a pipe read interrupted by a handler without SA_RESTART: EINTR"),
	TAP_CASE(restart_read, "with SA_RESTART the read runs again and gets its data"),
	TAP_CASE(wait_eintr_and_restart, "waitpid: EINTR without SA_RESTART, restarted with it"),
	TAP_CASE(kevent_eintr, "kevent interrupted by an SA_RESTART handler: EINTR, not restarted"),
	TAP_CASE(short_write, "a pipe write interrupted after some bytes returns their count"),
	TAP_CASE(sigsuspend_mask, "sigsuspend: EINTR, handler under the suspend mask, old mask back"),
	TAP_CASE(sigwait_takes, "sigwait/sigtimedwait take blocked signals without their handler; timeouts"),
	TAP_CASE(stop_continue, "SIGSTOP stops (WUNTRACED, CLD_STOPPED), SIGCONT continues (WCONTINUED), SIGKILL ends a stopped child"),
	TAP_CASE(stop_while_asleep, "a child asleep in read stops at once and reads on after SIGCONT"),
	TAP_CASE(nocldstop, "SA_NOCLDSTOP: no SIGCHLD for stop and continue, still for exit"),
	TAP_CASE(tstp, "SIGTSTP stops a child in its own group, a handler catches it, an orphaned group drops it"),
	TAP_CASE(waitid_forms, "waitid: WNOWAIT, WNOHANG, P_PGID, WSTOPPED, WCONTINUED, errors; wait6"),
	TAP_CASE(nocldwait_flag, "SA_NOCLDWAIT: no zombies, wait reports ECHILD"),
	TAP_CASE(nocldwait_ign, "SIGCHLD set to SIG_IGN: no zombies, wait reports ECHILD"),
	TAP_CASE(fork_inherits, "fork: handlers and mask inherited, nothing pending"),
	TAP_CASE(handler_forks, "a handler that forks: the child has the handler's mask"),
	TAP_CASE(exec_resets, "exec: caught signals back to SIG_DFL, ignored ones and the mask kept"),
	TAP_CASE(rfsigshare, "RFSIGSHARE shares the handler table, a plain rfork copies it"),
	TAP_CASE(rftsig, "RFTSIGZMB picks the exit signal (0: none); bad ones are EINVAL"),
	TAP_CASE(altstack_case, "sigaltstack: SA_ONSTACK handlers run on it, others not; errors"),
	TAP_CASE(altstack_eperm, "sigaltstack cannot change the stack a handler runs on (EPERM)"),
	TAP_CASE(vfork_signal, "a signal sent during a vfork wait is taken after it"),
	TAP_CASE(example_program, "user/examples/posix_signals.c runs unchanged and gets every count right"),
	TAP_CASE(signal_storm, "2000 signals at a child that forks, waits and reads with SA_RESTART break none of its calls"),
	TAP_CASE(stop_storm, "200 stops and continues of a process of three busy lwps: each stop stops them all"),
	TAP_CASE(lwp_masks, "per-lwp masks: a process signal waits for an lwp that takes it; lwp_kill stays on its lwp"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
