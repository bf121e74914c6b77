/*
 * The stack protector's two symbols (programs and libc are built with
 * -fstack-protector-strong): the guard every protected frame keeps a copy
 * of, one per process as FreeBSD's, set from the exec's AT_CANARY bytes
 * by __libc_start; and what a protected function calls when its copy
 * changed.  Threads and fork children share it; exec chooses a new one.
 */
#include <forkrt.h>

#include "sys.h"

uintptr_t __stack_chk_guard;

/*
 * The caller's frame is corrupt: say so on stderr and end with SIGABRT,
 * as abort() would (unblocked, at its default action), but as FreeBSD's
 * __stack_chk_fail does, through the system calls themselves: stdio or
 * the signal wrappers may be what was overwritten, and every protected
 * function calls this, so whatever it uses is linked into every program
 * (abort() would bring the signal code and fork's locks into `true`).
 */
__attribute__((noreturn, no_stack_protector)) void
__stack_chk_fail(void)
{
	/*
	 * In the text segment: a program that needs no other read-only data
	 * (`true`) then has no read-only segment for exec to map and copy.
	 */
	static const char msg[] __attribute__((section(".text.stack_chk_msg"))) =
	    "stack smashing detected; terminated\n";
	struct sigaction sa = { 0 };
	sigset_t set = { { 0 } };

	__syscall6(SYS_write, STDERR_FILENO, (long)msg, sizeof(msg) - 1, 0, 0, 0);
	sa.sa_handler = SIG_DFL;
	__syscall6(SYS_sigaction, SIGABRT, (long)&sa, 0, 0, 0, 0);
	set.__bits[0] = 1u << (SIGABRT - 1);
	__syscall6(SYS_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 0, 0, 0);
	__syscall6(SYS_lwp_kill, __syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0),
	    __syscall6(SYS_lwp_gettid, 0, 0, 0, 0, 0, 0), SIGABRT, 0, 0, 0);
	for (;;)
		__syscall6(SYS_exit, 127, 0, 0, 0, 0, 0);
}
