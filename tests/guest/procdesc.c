/*
 * The procdesc suite: process descriptors (pdfork, pdrfork, pdgetpid,
 * pdkill, pdwait, EVFILT_PROCDESC) and what they change about wait,
 * SIGCHLD, close, fork, exec and pid reuse, with every error, and races
 * of a close or pdkill against the child's exit.
 *
 * Each case runs in a child of its own (run_child) and returns 0 when
 * every check held, else the number of the first that did not.  After
 * each, the harness waits for kern.nprocs to come back (init reaps what
 * a case left to it) and checks that every page and kernel object did.
 */
#include <pthread.h>
#include <sys/procdesc.h>

#include "tap.h"

static volatile int sigchld_hits;

static void
on_sigchld(int sig __attribute__((unused)))
{
	sigchld_hits++;
}

/* A pipe whose read end waits for the parent's go (a byte) or its end (EOF). */
static int gate[2];

static void
child_wait_gate(int code)
{
	char c;

	close(gate[1]);
	_exit(read(gate[0], &c, 1) == 1 ? code : 99);
}

/* Wait until pid is gone (kill says ESRCH); false after about 2 s. */
static bool
gone(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		if (kill(pid, 0) == -1 && errno == ESRCH)
			return (true);
		nap(10);
	}
	return (false);
}

/* --- the basics --- */

static int
basic(void)
{
	int fd = -1, status = 0;
	pid_t pid, got = 0;
	siginfo_t si;

	if ((pid = pdfork(&fd, 0)) == 0)
		_exit(fd == -1 ? 7 : 8);	/* the child's *fdp is not written */
	CHECK(1, pid > 0 && fd > 2);
	CHECK(2, pdgetpid(fd, &got) == 0 && got == pid);
	CHECK(3, pdwait(fd, &status, WEXITED, NULL, &si) == 0);
	CHECK(4, WIFEXITED(status) && WEXITSTATUS(status) == 7);
	CHECK(5, si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_pid == pid &&
	    si.si_status == 7);
	/* Collected: gone for pdwait and pdkill, but the pid is still the descriptor's. */
	CHECK(6, pdwait(fd, &status, WEXITED, NULL, NULL) == -1 && errno == ESRCH);
	CHECK(7, pdkill(fd, SIGTERM) == -1 && errno == ESRCH);
	got = 0;
	CHECK(8, pdgetpid(fd, &got) == 0 && got == pid);
	CHECK(9, kill(pid, 0) == -1 && errno == ESRCH);
	CHECK(10, close(fd) == 0);
	CHECK(11, pdgetpid(fd, &got) == -1 && errno == EBADF);
	return (0);
}

static int
no_sigchld(void)
{
	struct sigaction sa = { 0 };
	int fd, status;
	pid_t pid;

	sa.sa_handler = on_sigchld;
	CHECK(1, sigaction(SIGCHLD, &sa, NULL) == 0);
	if ((pid = pdfork(&fd, 0)) == 0)
		_exit(0);
	CHECK(2, pid > 0 && pdwait(fd, &status, WEXITED, NULL, NULL) == 0);
	nap(20);
	CHECK(3, sigchld_hits == 0);
	close(fd);
	/* A plain child still sends it: the handler works. */
	if ((pid = fork()) == 0)
		_exit(0);
	CHECK(4, waitpid(pid, &status, 0) == pid);
	CHECK(5, sigchld_hits == 1);
	return (0);
}

static int
wait_any_skips(void)
{
	int fd, status;
	pid_t pid, other;
	siginfo_t si;

	if ((pid = pdfork(&fd, 0)) == 0)
		_exit(3);
	CHECK(1, pid > 0);
	CHECK(2, pdwait(fd, &status, WEXITED | WNOWAIT, NULL, NULL) == 0);
	/* A zombie now, yet wait(-1) and waitid(P_ALL) do not see it. */
	CHECK(3, waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD);
	CHECK(4, wait(&status) == -1 && errno == ECHILD);
	CHECK(5, waitid(P_ALL, 0, &si, WEXITED | WNOHANG) == -1 && errno == ECHILD);
	if ((other = fork()) == 0)
		_exit(4);
	CHECK(6, wait(&status) == other && WEXITSTATUS(status) == 4);
	/* Its group does (FreeBSD leaves out P_ALL only), and its own pid. */
	memset(&si, 0, sizeof(si));
	CHECK(12, waitid(P_PGID, getpgrp(), &si, WEXITED | WNOWAIT | WNOHANG) == 0 &&
	    si.si_pid == pid);
	CHECK(13, waitpid(0, &status, WNOWAIT | WNOHANG) == pid);
	/* Then the descriptor has nothing left. */
	CHECK(7, waitpid(pid, &status, WEXITED | WNOWAIT) == pid && WEXITSTATUS(status) == 3);
	CHECK(8, waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 3);
	CHECK(9, pdwait(fd, &status, WEXITED, NULL, NULL) == -1 && errno == ESRCH);
	CHECK(10, pdkill(fd, 0) == -1 && errno == ESRCH);
	CHECK(11, close(fd) == 0);
	return (0);
}

static int
close_kills(void)
{
	int fd, status;
	pid_t pid;

	CHECK(1, pipe(gate) == 0);
	if ((pid = pdfork(&fd, 0)) == 0)
		child_wait_gate(0);
	close(gate[0]);
	CHECK(2, pid > 0 && kill(pid, 0) == 0);
	CHECK(3, close(fd) == 0);
	/* SIGKILL: our write end is its only writer, and it never read a byte. */
	CHECK(4, gone(pid));
	/* It went to init, which reaps it: not our child any more. */
	CHECK(5, waitpid(pid, &status, WNOHANG) == -1 && errno == ECHILD);
	return (0);
}

static int
daemon_survives(void)
{
	int fd, back[2];
	pid_t pid;
	char c;

	CHECK(1, pipe(gate) == 0 && pipe(back) == 0);
	if ((pid = pdfork(&fd, PD_DAEMON)) == 0) {
		close(gate[1]);
		close(back[0]);
		if (read(gate[0], &c, 1) == 1)
			write(back[1], "a", 1);
		_exit(0);
	}
	close(gate[0]);
	close(back[1]);
	CHECK(2, pid > 0 && close(fd) == 0);
	nap(50);
	CHECK(3, kill(pid, 0) == 0);
	CHECK(4, write(gate[1], "x", 1) == 1);
	CHECK(5, read(back[0], &c, 1) == 1 && c == 'a');
	CHECK(6, gone(pid));
	return (0);
}

static int
close_reaps_zombie(void)
{
	int fd, status, before = sget("kern.nprocs");
	pid_t pid;

	if ((pid = pdfork(&fd, 0)) == 0)
		_exit(0);
	CHECK(1, pdwait(fd, &status, WEXITED | WNOWAIT, NULL, NULL) == 0);
	CHECK(2, sget("kern.nprocs") == before + 1);
	CHECK(3, close(fd) == 0);
	/* Reaped by the close itself, at once. */
	CHECK(4, sget("kern.nprocs") == before);
	CHECK(5, kill(pid, 0) == -1 && errno == ESRCH);
	CHECK(6, waitpid(pid, &status, WNOHANG) == -1 && errno == ECHILD);
	return (0);
}

/* --- the pid stays the descriptor's --- */

static int
pid_not_reused(void)
{
	int fd, status, old = sget("kern.pid_max"), bad = 0, found = 0;
	pid_t pid, held;

	CHECK(1, sset("kern.pid_max", 300) == 0);
	/* Pids restart at 100 after a wrap: the held one must be above. */
	do {
		if ((held = pdfork(&fd, 0)) == 0)
			_exit(0);
		if (held > 0 && held < 100) {
			pdwait(fd, &status, WEXITED, NULL, NULL);
			close(fd);
		}
	} while (held > 0 && held < 100);
	CHECK(2, held > 0 && pdwait(fd, &status, WEXITED, NULL, NULL) == 0);
	/* More forks than there are pids below 300: none is the held one. */
	for (int i = 0; i < 220; i++) {
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid == held)
			bad++;
		waitpid(pid, &status, 0);
	}
	CHECK(3, bad == 0);
	/* Closed, it comes round again. */
	close(fd);
	for (int i = 0; i < 220 && !found; i++) {
		if ((pid = fork()) == 0)
			_exit(0);
		found = pid == held;
		waitpid(pid, &status, 0);
	}
	sset("kern.pid_max", old);
	CHECK(4, found);
	return (0);
}

/* --- sharing: fork and exec --- */

static int
fork_shares(void)
{
	int fd, status;
	pid_t pid, b, got;

	CHECK(1, pipe(gate) == 0);
	if ((pid = pdfork(&fd, 0)) == 0)
		child_wait_gate(5);
	close(gate[0]);
	/* The copy refers to the same process; closing it does not kill. */
	if ((b = fork()) == 0)
		_exit(pdgetpid(fd, &got) == 0 && got == pid && close(fd) == 0 ? 0 : 1);
	CHECK(2, b > 0 && waitpid(b, &status, 0) == b && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0);
	nap(30);
	CHECK(3, kill(pid, 0) == 0);
	/* The copy in a child may signal and collect it, as the parent may. */
	if ((b = fork()) == 0)
		_exit(pdkill(fd, 0) == 0 ? 0 : 1);
	CHECK(4, waitpid(b, &status, 0) == b && WEXITSTATUS(status) == 0);
	CHECK(5, write(gate[1], "x", 1) == 1);
	CHECK(6, pdwait(fd, &status, WEXITED, NULL, NULL) == 0 && WEXITSTATUS(status) == 5);
	close(fd);
	return (0);
}

/* fdstat's verdict on descriptor fd after an exec: bit 0 open, 0x80 still close-on-exec. */
static int
exec_sees(int fd)
{
	char num[12];
	char *argv[] = { "fdstat", num, NULL };
	int status;
	pid_t pid;

	snprintf(num, sizeof(num), "%d", fd);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		execv("fdstat", argv);
		_exit(126);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return (-1);
	return (WEXITSTATUS(status));
}

static int
exec_and_cloexec(void)
{
	int fd, cfd, status;
	pid_t pid, cpid;

	CHECK(1, pipe(gate) == 0);
	if ((pid = pdfork(&fd, 0)) == 0)
		child_wait_gate(0);
	if ((cpid = pdfork(&cfd, PD_CLOEXEC)) == 0)
		child_wait_gate(0);
	close(gate[0]);
	CHECK(2, pid > 0 && cpid > 0);
	CHECK(3, fcntl(fd, F_GETFD) == 0 && fcntl(cfd, F_GETFD) == FD_CLOEXEC);
	CHECK(4, exec_sees(fd) == 1);
	CHECK(5, exec_sees(cfd) == 0);
	/* Neither exec's end of a copy killed them. */
	CHECK(6, kill(pid, 0) == 0 && kill(cpid, 0) == 0);
	CHECK(7, write(gate[1], "xx", 2) == 2);
	CHECK(8, pdwait(fd, &status, WEXITED, NULL, NULL) == 0 && WEXITSTATUS(status) == 0);
	CHECK(9, pdwait(cfd, &status, WEXITED, NULL, NULL) == 0 && WEXITSTATUS(status) == 0);
	return (0);
}

/* --- pdkill, pdwait's options --- */

static int
pdkill_cases(void)
{
	int fd, pfd[2], status;
	pid_t pid;

	CHECK(1, pipe(pfd) == 0);
	if ((pid = pdfork(&fd, 0)) == 0) {
		pause();
		_exit(0);
	}
	CHECK(2, pid > 0 && pdkill(fd, 0) == 0);
	CHECK(3, pdkill(fd, NSIG) == -1 && errno == EINVAL);
	CHECK(4, pdkill(fd, -1) == -1 && errno == EINVAL);
	CHECK(5, pdkill(pfd[0], SIGTERM) == -1 && errno == EBADF);
	CHECK(6, pdkill(99, SIGTERM) == -1 && errno == EBADF);
	CHECK(7, pdkill(-1, SIGTERM) == -1 && errno == EBADF);
	CHECK(8, pdkill(fd, SIGTERM) == 0);
	CHECK(9, pdwait(fd, &status, WEXITED | WNOWAIT, NULL, NULL) == 0);
	CHECK(10, WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	/* A zombie takes the signal as nothing (FreeBSD); reaped, it is ESRCH. */
	CHECK(11, pdkill(fd, SIGTERM) == 0);
	CHECK(12, pdwait(fd, &status, WEXITED, NULL, NULL) == 0 && WTERMSIG(status) == SIGTERM);
	CHECK(13, pdkill(fd, SIGTERM) == -1 && errno == ESRCH);
	/* Root may signal anyone; a process of another uid may not signal ours. */
	if ((pid = pdfork(&fd, 0)) == 0) {
		pause();
		_exit(0);
	}
	if (fork() == 0)
		_exit(setuid(1000) == 0 && pdkill(fd, SIGKILL) == -1 && errno == EPERM ? 0 : 1);
	CHECK(14, wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(15, kill(pid, 0) == 0);
	close(fd);
	return (0);
}

static int
pdwait_options(void)
{
	struct __wrusage wru;
	int fd, status = 12345;
	siginfo_t si;
	pid_t pid;

	CHECK(1, pipe(gate) == 0);
	if ((pid = pdfork(&fd, 0)) == 0)
		child_wait_gate(9);
	close(gate[0]);
	/* WNOHANG with nothing yet: 0, status untouched, si_pid 0. */
	memset(&si, 0xff, sizeof(si));
	CHECK(2, pdwait(fd, &status, WEXITED | WNOHANG, NULL, &si) == 0);
	CHECK(3, status == 12345 && si.si_pid == 0 && si.si_signo == 0);
	/* Stops and continues, as wait6 reports them. */
	CHECK(4, pdkill(fd, SIGSTOP) == 0);
	CHECK(5, pdwait(fd, &status, WUNTRACED, NULL, &si) == 0);
	CHECK(6, WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP && si.si_code == CLD_STOPPED);
	CHECK(7, pdwait(fd, &status, WUNTRACED | WNOHANG, NULL, &si) == 0 && si.si_pid == 0);
	CHECK(8, pdkill(fd, SIGCONT) == 0);
	CHECK(9, pdwait(fd, &status, WCONTINUED, NULL, &si) == 0);
	CHECK(10, WIFCONTINUED(status) && si.si_code == CLD_CONTINUED && si.si_pid == pid);
	CHECK(11, write(gate[1], "x", 1) == 1);
	/* A blocking wait for the exit, WNOWAIT leaving it there, then the reap with usage. */
	CHECK(12, pdwait(fd, &status, WEXITED | WNOWAIT, NULL, NULL) == 0 &&
	    WEXITSTATUS(status) == 9);
	memset(&wru, 0xff, sizeof(wru));
	CHECK(13, pdwait(fd, &status, WEXITED, &wru, &si) == 0 && WEXITSTATUS(status) == 9);
	/* Written (it was all ones): the child's own time, and no children of its own. */
	CHECK(14, wru.wru_self.ru_utime.tv_sec >= 0 && wru.wru_self.ru_utime.tv_usec >= 0 &&
	    wru.wru_self.ru_utime.tv_usec < 1000000 && wru.wru_children.ru_utime.tv_sec == 0 &&
	    wru.wru_children.ru_utime.tv_usec == 0 && wru.wru_children.ru_minflt == 0);
	CHECK(15, si.si_pid == pid && si.si_code == CLD_EXITED);
	close(fd);
	return (0);
}

/* --- errors --- */

static int
errors(void)
{
	int fd = -1, pfd[2], status, n = sget("kern.nprocs");
	int *unmapped;
	siginfo_t si;
	pid_t pid;

	unmapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
	CHECK(1, unmapped != MAP_FAILED && munmap(unmapped, 4096) == 0);
	CHECK(2, pipe(pfd) == 0);
	CHECK(3, pdfork(&fd, 4) == -1 && errno == EINVAL);
	CHECK(4, pdfork(&fd, -1) == -1 && errno == EINVAL);
	/* A bad place for the number: no child, no descriptor. */
	CHECK(5, pdfork(NULL, 0) == -1 && errno == EFAULT);
	CHECK(6, pdfork(unmapped, 0) == -1 && errno == EFAULT);
	CHECK(7, sget("kern.nprocs") == n && fcntl(pfd[1] + 1, F_GETFD) == -1);
	/* rfork cannot make one (nowhere to put it); pdrfork's rules are FreeBSD's. */
	CHECK(8, rfork(RFPROC | RFPROCDESC) == -1 && errno == EINVAL);
	CHECK(9, rfork(RFPROCDESC) == -1 && errno == EINVAL);
	CHECK(10, pdrfork(&fd, -1, RFSPAWN) == -1 && errno == EINVAL);
	CHECK(11, pdrfork(&fd, 0, -1) == -1 && errno == EINVAL);
	CHECK(12, pdrfork(&fd, 0, (int)(RFSPAWN | RFNOWAIT)) == -1 && errno == EINVAL);
	CHECK(13, pdrfork(&fd, 0, RFPROC | RFPROCDESC | RFFDG | RFCFDG) == -1 && errno == EINVAL);
	CHECK(14, pdrfork(&fd, 0, RFPROCDESC) == -1 && errno == EINVAL);
	CHECK(15, pdrfork(&fd, 0, RFPROC) == -1 && errno == EINVAL);
	CHECK(16, pdrfork(&fd, 0, 0) == -1 && errno == EINVAL);
	CHECK(17, pdrfork(&fd, 0, RFPROC | RFPROCDESC | RFHIGHPID) == -1 && errno == EINVAL);
	CHECK(18, pdrfork(&fd, 0, RFPROC | RFPROCDESC | RFTSIGFLAGS(SIGUSR1)) == -1 &&
	    errno == EINVAL);
	CHECK(19, pdrfork(unmapped, 0, RFPROC | RFPROCDESC) == -1 && errno == EFAULT);
	CHECK(20, fd == -1 && sget("kern.nprocs") == n);
	/* Not a descriptor, not a process's, a bad pointer. */
	CHECK(21, pdgetpid(99, &pid) == -1 && errno == EBADF);
	CHECK(22, pdgetpid(pfd[0], &pid) == -1 && errno == EBADF);
	CHECK(23, pdwait(99, &status, WEXITED, NULL, NULL) == -1 && errno == EBADF);
	CHECK(24, pdwait(-1, &status, WEXITED, NULL, NULL) == -1 && errno == EBADF);
	CHECK(25, pdwait(pfd[0], &status, WEXITED, NULL, NULL) == -1 && errno == EINVAL);
	if ((pid = pdfork(&fd, 0)) == 0)
		_exit(2);
	CHECK(26, pid > 0);
	CHECK(27, pdgetpid(fd, NULL) == -1 && errno == EFAULT);
	CHECK(28, pdwait(fd, &status, 0, NULL, NULL) == -1 && errno == EINVAL);
	CHECK(29, pdwait(fd, &status, WEXITED | 0x1000, NULL, NULL) == -1 && errno == EINVAL);
	/* EFAULT before anything is collected: the status is still there after. */
	CHECK(30, pdwait(fd, unmapped, WEXITED, NULL, NULL) == -1 && errno == EFAULT);
	CHECK(31, pdwait(fd, &status, WEXITED, (struct __wrusage *)unmapped, NULL) == -1 &&
	    errno == EFAULT);
	CHECK(32, pdwait(fd, &status, WEXITED, NULL, (siginfo_t *)unmapped) == -1 &&
	    errno == EFAULT);
	CHECK(33, pdwait(fd, &status, WEXITED, NULL, &si) == 0 && WEXITSTATUS(status) == 2);
	close(fd);
	/* No free slot: EMFILE, and no child. */
	for (int i = 0; i < 64; i++)
		if (dup(0) == -1)
			break;
	CHECK(34, pdfork(&fd, 0) == -1 && errno == EMFILE);
	CHECK(35, sget("kern.nprocs") == n);
	return (0);
}

/* --- pdrfork --- */

static int
pdrfork_cases(void)
{
	int fd = -1, status;
	pid_t pid, got;

	/* A clean table: the child has no descriptors at all, and still exits to us. */
	if ((pid = pdrfork(&fd, 0, RFPROC | RFPROCDESC | RFCFDG)) == 0)
		_exit(fcntl(0, F_GETFD) == -1 ? 6 : 1);
	CHECK(1, pid > 0 && fd > 2 && pdgetpid(fd, &got) == 0 && got == pid);
	CHECK(2, pdwait(fd, &status, WEXITED, NULL, NULL) == 0 && WEXITSTATUS(status) == 6);
	close(fd);
	/* RFTSIGZMB's exit signal is suppressed too while the descriptor is open. */
	signal(SIGUSR1, on_sigchld);
	if ((pid = pdrfork(&fd, 0, RFPROC | RFPROCDESC | RFFDG | RFTSIGZMB |
	    RFTSIGFLAGS(SIGUSR1))) == 0)
		_exit(0);
	CHECK(3, pid > 0 && pdwait(fd, &status, WEXITED, NULL, NULL) == 0);
	nap(20);
	CHECK(4, sigchld_hits == 0);
	close(fd);
	/* RFNOWAIT: init is the parent, which does not reap what the descriptor waits for. */
	if ((pid = pdrfork(&fd, 0, RFPROC | RFPROCDESC | RFFDG | RFNOWAIT)) == 0)
		_exit(8);
	CHECK(5, pid > 0);
	nap(50);
	CHECK(6, pdwait(fd, &status, WEXITED, NULL, NULL) == 0 && WEXITSTATUS(status) == 8);
	close(fd);
	/* A shared table: the child has the descriptor too, and it is the same one. */
	if ((pid = pdrfork(&fd, 0, RFPROC | RFPROCDESC)) == 0) {
		nap(30);
		_exit(0);
	}
	CHECK(7, pid > 0 && pdwait(fd, &status, WEXITED, NULL, NULL) == 0);
	close(fd);
	return (0);
}

/*
 * pdrfork(fdp, 0, RFSPAWN) straight to the kernel: the child shares our
 * stack, so it must not return through C (FreeBSD skips this on amd64
 * for that reason); here it makes the exit call with code 42 without
 * touching memory.  The parent resumes once the child has exited.
 */
static long
raw_pdrfork_spawn_exit42(int *fdp)
{
#if defined(__riscv)
	register long a0 __asm__("a0") = (long)fdp;
	register long a1 __asm__("a1") = 0;
	register long a2 __asm__("a2") = (long)RFSPAWN;
	register long a7 __asm__("a7") = SYS_pdrfork;

	__asm__ volatile(
	    "ecall\n"
	    "bnez a0, 1f\n"
	    "li a7, %[sysexit]\n"
	    "li a0, 42\n"
	    "ecall\n"
	    "1:\n"
	    : "+r"(a0), "+r"(a7)
	    : "r"(a1), "r"(a2), [sysexit] "i"(SYS_exit)
	    : "memory");
	return (a0);
#elif defined(__x86_64__)
	long rax = SYS_pdrfork;

	__asm__ volatile(
	    "syscall\n"
	    "testq %%rax, %%rax\n"
	    "jnz 1f\n"
	    "movl %[sysexit], %%eax\n"
	    "movl $42, %%edi\n"
	    "syscall\n"
	    "1:\n"
	    : "+a"(rax)
	    : "D"(fdp), "S"(0L), "d"((long)RFSPAWN), [sysexit] "i"(SYS_exit)
	    : "rcx", "r11", "memory");
	return (rax);
#elif defined(__aarch64__)
	register long x0 __asm__("x0") = (long)fdp;
	register long x1 __asm__("x1") = 0;
	register long x2 __asm__("x2") = (long)RFSPAWN;
	register long x8 __asm__("x8") = SYS_pdrfork;

	__asm__ volatile(
	    "svc #0\n"
	    "cbnz x0, 1f\n"
	    "mov x8, %[sysexit]\n"
	    "mov x0, #42\n"
	    "svc #0\n"
	    "1:\n"
	    : "+r"(x0), "+r"(x8)
	    : "r"(x1), "r"(x2), [sysexit] "i"(SYS_exit)
	    : "memory");
	return (x0);
#endif
}

static int
pdrfork_spawn(void)
{
	int fd = -1, status;
	pid_t got;
	long pid;

	pid = raw_pdrfork_spawn_exit42(&fd);
	CHECK(1, pid > 0 && fd > 2);
	CHECK(2, pdgetpid(fd, &got) == 0 && got == pid);
	/* Exited before we went on (RFPPWAIT): a zombie for the descriptor. */
	CHECK(3, pdwait(fd, &status, WEXITED | WNOHANG, NULL, NULL) == 0 &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 42);
	CHECK(4, close(fd) == 0);
	return (0);
}

/* --- kqueue --- */

static int
kqueue_procdesc(void)
{
	struct timespec zero = { 0, 0 };
	struct kevent ev, out[2];
	int fd, fd2, kq, pfd[2], status;
	pid_t pid;

	CHECK(1, (kq = kqueue()) >= 0 && pipe(pfd) == 0 && pipe(gate) == 0);
	if ((pid = pdfork(&fd, 0)) == 0)
		child_wait_gate(5);
	EV_SET(&ev, fd, EVFILT_PROCDESC, EV_ADD, NOTE_EXIT, 0, (void *)0x1234);
	CHECK(2, kevent(kq, &ev, 1, NULL, 0, NULL) == 0);
	CHECK(3, kevent(kq, NULL, 0, out, 2, &zero) == 0);
	CHECK(4, write(gate[1], "x", 1) == 1);
	CHECK(5, kevent(kq, NULL, 0, out, 2, NULL) == 1);
	CHECK(6, out[0].ident == (uintptr_t)fd && out[0].filter == EVFILT_PROCDESC &&
	    (out[0].fflags & NOTE_EXIT) && (out[0].flags & EV_EOF) &&
	    out[0].data == W_EXITCODE(5, 0) && out[0].udata == (void *)0x1234);
	/* Oneshot: reported once.  Added after the exit, it fires at once. */
	CHECK(7, kevent(kq, NULL, 0, out, 2, &zero) == 0);
	CHECK(8, kevent(kq, &ev, 1, out, 2, &zero) == 1 && out[0].data == W_EXITCODE(5, 0));
	CHECK(9, pdwait(fd, &status, WEXITED, NULL, NULL) == 0);
	/* Reaped, the descriptor still knows the exit. */
	CHECK(10, kevent(kq, &ev, 1, out, 2, &zero) == 1 && out[0].data == W_EXITCODE(5, 0));
	close(fd);
	/* Errors: not open, not a process descriptor. */
	EV_SET(&ev, 99, EVFILT_PROCDESC, EV_ADD, NOTE_EXIT, 0, NULL);
	CHECK(11, kevent(kq, &ev, 1, out, 1, &zero) == 1 && (out[0].flags & EV_ERROR) &&
	    out[0].data == EBADF);
	EV_SET(&ev, pfd[0], EVFILT_PROCDESC, EV_ADD, NOTE_EXIT, 0, NULL);
	CHECK(12, kevent(kq, &ev, 1, out, 1, &zero) == 1 && (out[0].flags & EV_ERROR) &&
	    out[0].data == EINVAL);
	/* A knote on a descriptor closed while its process runs goes with it. */
	if ((pid = pdfork(&fd2, 0)) == 0) {
		pause();
		_exit(0);
	}
	EV_SET(&ev, fd2, EVFILT_PROCDESC, EV_ADD, NOTE_EXIT, 0, NULL);
	CHECK(13, kevent(kq, &ev, 1, NULL, 0, NULL) == 0);
	CHECK(14, close(fd2) == 0 && gone(pid));
	CHECK(15, kevent(kq, NULL, 0, out, 2, &zero) == 0);
	EV_SET(&ev, fd2, EVFILT_PROCDESC, EV_DELETE, 0, 0, NULL);
	CHECK(16, kevent(kq, &ev, 1, out, 1, &zero) == 1 && out[0].data == EBADF);
	/* EV_DELETE of a live one; the kqueue closed with one still attached. */
	if ((pid = pdfork(&fd2, 0)) == 0)
		child_wait_gate(0);
	EV_SET(&ev, fd2, EVFILT_PROCDESC, EV_ADD, NOTE_EXIT, 0, NULL);
	CHECK(17, kevent(kq, &ev, 1, NULL, 0, NULL) == 0);
	ev.flags = EV_DELETE;
	CHECK(18, kevent(kq, &ev, 1, NULL, 0, NULL) == 0);
	ev.flags = EV_ADD;
	CHECK(19, kevent(kq, &ev, 1, NULL, 0, NULL) == 0);
	CHECK(20, close(kq) == 0);
	close(gate[1]);
	CHECK(21, pdwait(fd2, &status, WEXITED, NULL, NULL) == 0 && WEXITSTATUS(status) == 99);
	close(fd2);
	return (0);
}

/* --- a grandchild holding the descriptor outlives the parent --- */

static int
grandchild_outlives(void)
{
	int res[2], status, fd;
	pid_t c, a;
	char r = 0;

	CHECK(1, pipe(res) == 0 && pipe(gate) == 0);
	fflush(stdout);
	if ((c = fork()) == 0) {
		/* C: A waits on the gate; B gets the descriptor; C leaves. */
		if ((a = pdfork(&fd, 0)) == 0)
			child_wait_gate(3);
		if (fork() == 0) {
			pid_t got = 0;

			nap(50);	/* C has exited: A is init's now */
			r = pdgetpid(fd, &got) == 0 && got == a && pdkill(fd, 0) == 0 &&
			    getppid() == 1 ? 'k' : 'K';
			write(gate[1], "x", 1);
			/* Collected by B, which is not A's parent. */
			if (pdwait(fd, &status, WEXITED, NULL, NULL) == 0 &&
			    WEXITSTATUS(status) == 3 && kill(a, 0) == -1)
				r = r == 'k' ? 'w' : r;
			write(res[1], &r, 1);
			/* A second one: B closes after it exits, which reaps it. */
			if ((a = pdfork(&fd, 0)) == 0)
				_exit(0);
			int n = 0;

			r = pdwait(fd, &status, WEXITED | WNOWAIT, NULL, NULL) == 0 &&
			    (n = sget("kern.nprocs")) > 0 ? 'z' : 'Z';	/* a zombie still */
			close(fd);
			r = r == 'z' && sget("kern.nprocs") == n - 1 ? 'c' : 'C';
			write(res[1], &r, 1);
			_exit(0);
		}
		_exit(0);
	}
	close(res[1]);
	CHECK(2, c > 0 && waitpid(c, &status, 0) == c);
	CHECK(3, read(res[0], &r, 1) == 1 && r == 'w');
	CHECK(4, read(res[0], &r, 1) == 1 && r == 'c');
	CHECK(5, read(res[0], &r, 1) == 0);
	return (0);
}

/* --- races --- */

/* The last close and the child's exit, at once: either way it is reaped, by us or by init. */
static int
race_close_exit(void)
{
	int fd[32];
	pid_t pid[32];

	for (int i = 0; i < 32; i++) {
		if ((pid[i] = pdfork(&fd[i], i % 3 == 0 ? PD_DAEMON : 0)) == 0)
			_exit(0);
		CHECK(1, pid[i] > 0);
		if (i % 2)
			sched_yield();
		CHECK(2, close(fd[i]) == 0);
	}
	for (int i = 0; i < 32; i++)
		CHECK(3, gone(pid[i]));
	CHECK(4, waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return (0);
}

/* pdkill as the child exits: a kill or an exit, never both lost nor an error. */
static int
race_pdkill_exit(void)
{
	int fd, status, killed = 0;
	pid_t pid;

	for (int i = 0; i < 32; i++) {
		if ((pid = pdfork(&fd, 0)) == 0)
			_exit(0);
		CHECK(1, pid > 0);
		if (i % 2)
			sched_yield();
		CHECK(2, pdkill(fd, SIGTERM) == 0);
		CHECK(3, pdwait(fd, &status, WEXITED, NULL, NULL) == 0);
		CHECK(4, (WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
		    (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM));
		killed += WIFSIGNALED(status);
		CHECK(5, pdkill(fd, SIGTERM) == -1 && errno == ESRCH);
		close(fd);
	}
	diag("race_pdkill_exit: %d of 32 killed before they exited", killed);
	return (0);
}

/* Two collectors: the parent's waitpid and a sibling's pdwait; exactly one wins. */
static int
race_two_collectors(void)
{
	int fd, status, bs, wins = 0;
	pid_t pid, b, w;

	for (int i = 0; i < 8; i++) {
		CHECK(1, pipe(gate) == 0);
		if ((pid = pdfork(&fd, 0)) == 0)
			child_wait_gate(1);
		close(gate[0]);
		if ((b = fork()) == 0) {
			int r;

			close(gate[1]);
			r = pdwait(fd, &status, WEXITED, NULL, NULL);

			_exit(r == 0 && WEXITSTATUS(status) == 1 ? 0 :
			    r == -1 && errno == ESRCH ? 1 : 2);
		}
		nap(10);
		write(gate[1], "x", 1);
		close(gate[1]);
		w = waitpid(pid, &status, 0);
		CHECK(2, waitpid(b, &bs, 0) == b && WIFEXITED(bs) && WEXITSTATUS(bs) < 2);
		CHECK(3, (w == pid) != (WEXITSTATUS(bs) == 0));
		wins += w == pid;
		close(fd);
	}
	diag("race_two_collectors: waitpid won %d of 8", wins);
	return (0);
}

/* An lwp blocked in pdwait holds the file: a close by another lwp neither kills nor breaks it. */
static int pw_fd, pw_status, pw_ret;

static void *
pdwait_thread(void *arg __attribute__((unused)))
{
	pw_ret = pdwait(pw_fd, &pw_status, WEXITED, NULL, NULL);
	return (NULL);
}

static int
close_during_pdwait(void)
{
	pthread_t t;
	pid_t pid;

	CHECK(1, pipe(gate) == 0);
	if ((pid = pdfork(&pw_fd, 0)) == 0)
		child_wait_gate(4);
	close(gate[0]);
	CHECK(2, pthread_create(&t, NULL, pdwait_thread, NULL) == 0);
	nap(30);
	CHECK(3, close(pw_fd) == 0);
	nap(30);
	CHECK(4, kill(pid, 0) == 0);
	CHECK(5, write(gate[1], "x", 1) == 1);
	CHECK(6, pthread_join(t, NULL) == 0);
	CHECK(7, pw_ret == 0 && WIFEXITED(pw_status) && WEXITSTATUS(pw_status) == 4);
	CHECK(8, kill(pid, 0) == -1 && errno == ESRCH);
	return (0);
}

/* Parent exits with a running pdfork child and its descriptor: the child is killed. */
static int
parent_exit_kills(void)
{
	int res[2], status;
	pid_t c, a = 0;

	CHECK(1, pipe(res) == 0 && pipe(gate) == 0);
	fflush(stdout);
	if ((c = fork()) == 0) {
		if ((a = pdfork(&status, 0)) == 0)
			child_wait_gate(0);
		write(res[1], &a, sizeof(a));
		_exit(0);
	}
	close(res[1]);
	close(gate[0]);
	CHECK(2, c > 0 && read(res[0], &a, sizeof(a)) == sizeof(a) && a > 0);
	CHECK(3, waitpid(c, &status, 0) == c);
	CHECK(4, gone(a));
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(basic, "pdfork, pdgetpid, pdwait with siginfo; after the reap ESRCH, the pid still pdgetpid's"),
	TAP_CASE(no_sigchld, "a pdfork child sends no SIGCHLD"),
	TAP_CASE(wait_any_skips, "wait(-1), waitid(P_ALL) skip it; waitpid(pid) with WEXITED|WNOWAIT sees it"),
	TAP_CASE(close_kills, "the last close of a running child kills it; init reaps it"),
	TAP_CASE(daemon_survives, "PD_DAEMON: the last close leaves it running"),
	TAP_CASE(close_reaps_zombie, "the last close after the exit reaps it at once"),
	TAP_CASE(pid_not_reused, "the pid of a reaped child is not reused while its descriptor is open"),
	TAP_CASE(fork_shares, "fork shares the descriptor: the copy names the same process, its close does not kill"),
	TAP_CASE(exec_and_cloexec, "exec keeps the descriptor, PD_CLOEXEC closes it; neither kills"),
	TAP_CASE(pdkill_cases, "pdkill: signals, errors, a zombie, ESRCH once reaped, EPERM across uids"),
	TAP_CASE(pdwait_options, "pdwait: WNOHANG, WUNTRACED, WCONTINUED, WNOWAIT, the usage"),
	TAP_CASE(errors, "EINVAL, EFAULT, EBADF, EMFILE of every call, with no child left behind"),
	TAP_CASE(pdrfork_cases, "pdrfork: RFCFDG, RFTSIGZMB, RFNOWAIT, a shared table"),
	TAP_CASE(pdrfork_spawn, "pdrfork(RFSPAWN): a vfork-like child with a descriptor"),
	TAP_CASE(kqueue_procdesc, "EVFILT_PROCDESC: NOTE_EXIT with the status, after the exit too, cleaned up at close"),
	TAP_CASE(grandchild_outlives, "a grandchild holding the descriptor outlives the parent, collects or reaps by close"),
	TAP_CASE(race_close_exit, "the last close racing the child's exit"),
	TAP_CASE(race_pdkill_exit, "pdkill racing the child's exit"),
	TAP_CASE(race_two_collectors, "waitpid and another process's pdwait racing: exactly one collects"),
	TAP_CASE(close_during_pdwait, "a close while another lwp sleeps in pdwait: no kill, the wait completes"),
	TAP_CASE(parent_exit_kills, "a parent's exit closes its descriptor: its running child is killed"),
};

/* kern.nprocs back to n (init reaps what a case left it), within about 2 s. */
static bool
nprocs_back(int n)
{
	for (int i = 0; i < 100; i++) {
		if (sget("kern.nprocs") == n)
			return (true);
		nap(20);
	}
	return (false);
}

static int nprocs0, pages_before;

static void
count_before(const struct tap_case *c __attribute__((unused)))
{
	pages_before = settled_unleaked();
}

/* After each case: every process slot, page and kernel object is back. */
static void
count_after(const struct tap_case *c, int status __attribute__((unused)))
{
	bool back = nprocs_back(nprocs0);
	int after = settled_unleaked();

	ok(back && after == pages_before,
	    "%s: every process slot, page and kernel object is back (nprocs %d, %d; "
	    "pages %d, %d)", c->name, nprocs0, sget("kern.nprocs"), pages_before, after);
}

int
main(int argc, char **argv)
{
	diag("procdesc: each case in a child of its own, then a count of what came back");
	run_child(basic);	/* warm-up: lazily allocated kernel structures */
	nprocs0 = sget("kern.nprocs");
	tap_before_case = count_before;
	tap_after_case = count_after;
	return (RUN_CASES(cases, argc, argv));
}
