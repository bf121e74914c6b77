/*
 * kmain: bring up the portable kernel on top of the platform and start
 * init.  The kernel command line names the program init runs and its
 * arguments; an empty one runs the built-in application.
 */
#include "exec.h"
#include "fail.h"
#include "file.h"
#include "fork.h"
#include "hal.h"
#include "kstack.h"
#include "page.h"
#include "pmap.h"
#include "proc.h"
#include "random.h"
#include "resource.h"
#include "sched.h"
#include "session.h"
#include "signalvar.h"
#include "smp.h"
#include "trap.h"
#include "vm.h"

#define INIT_ARGS_MAX	32
#define INIT_ARGS_SIZE	(sizeof("init") + HAL_CMDLINE_MAX)	/* init_args's buf */


/* s starts with the word w, ended by a space or the string's end. */
static bool
option_is(const char *s, const char *w)
{
	size_t n = strlen(w);

	return (strncmp(s, w, n) == 0 && (s[n] == ' ' || s[n] == '\0'));
}

/*
 * Kernel options lead the command line as kern.NAME=VALUE words; the
 * rest is init's.  kern.witness=0 turns the lock-order checker off (the
 * benchmarks do: it costs every lock acquisition a few dozen
 * instructions); kern.elf64.aslr.enable=0 gives every exec the fixed
 * layout (the benchmarks do, for figures that repeat), =1 the default.
 */
static const char *
kernel_options(const char *s)
{
	for (;;) {
		while (*s == ' ')
			s++;
		if (strncmp(s, "kern.", 5) != 0)
			return (s);
		if (option_is(s, "kern.witness=0"))
			witness_on = false;
		else if (option_is(s, "kern.elf64.aslr.enable=0"))
			aslr_enable = 0;
		else if (option_is(s, "kern.elf64.aslr.enable=1"))
			aslr_enable = 1;
		else
			printf("forkrt: unknown kernel option ignored: %.*s\n",
			    (int)(strchr(s, ' ') != NULL ? strchr(s, ' ') - s : (long)strlen(s)), s);
		while (*s != ' ' && *s != '\0')
			s++;
	}
}

/*
 * Split what follows the kernel options into NUL-separated words after
 * "init".  A buf of INIT_ARGS_SIZE bytes holds any command line whole;
 * a smaller one gets the words that fit, the last cut short.
 */
static int
init_args(const char *s, char *buf, size_t size, size_t *lenp)
{
	size_t len;
	int argc = 1;

	len = strlcpy(buf, "init", size) + 1;
	while (*s != '\0' && argc < INIT_ARGS_MAX && len < size) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		while (*s != '\0' && *s != ' ' && len < size - 1)
			buf[len++] = *s++;
		buf[len++] = '\0';
		argc++;
	}
	*lenp = len;
	return (argc);
}

/*
 * Enough process slots that a fork bomb meets the limit before it runs
 * out of memory: a minimal process (kernel stack, page tables, a stack
 * page, structures) takes well under 128 KiB.
 */
static void
size_maxproc(void)
{
	uint64_t slots = (v_free_count * PAGE_SIZE) / (128 * 1024);

	maxproc = (int)MIN(MAX(slots, 64), PID_MAX);
	maxprocperuid = maxproc * 9 / 10;
}

/* NOTE_FORK reaches the parent's watchers through an at_fork callout. */
static void
knote_fork_callout(struct proc *parent, struct proc *child, int flags __unused)
{
	knote_fork(parent, child->p_pid);
}

/* What proc0 passes on to everything forked from it: init and kernel threads. */
static void
proc0_init(void)
{
	proc_init();
	session_init();
	if (fd_init_console(&proc0) != 0 ||
	    (proc0.p_limit = lim_alloc()) == NULL)
		panic("proc0_init: out of memory");
	spin_lock(&proctree_lock);
	if ((proc0.p_uidinfo = uifind(0)) == NULL)
		panic("proc0_init: out of memory");
	chgproccnt(proc0.p_uidinfo, 1, 0);
	spin_unlock(&proctree_lock);
	proc0.p_leader = &proc0;
	proc0.p_sigparent = SIGCHLD;
	if (at_fork(knote_fork_callout) != 0)
		panic("proc0_init: at_fork");
}

/*
 * Built without the stack protector: the guard changes under this frame
 * (stack_protector_init), which must therefore never check it.
 */
__noreturn __no_stack_protector void
kmain(void)
{
	/* Static: lwp0 goes on to idle on this stack. */
	static char args[INIT_ARGS_SIZE];
	size_t argbytes;
	int argc;

	/* First, before any lock or any protected function that could return. */
	random_init();
	stack_protector_init();
	printf("forkrt: %s kernel, command line \"%s\"\n", hal_arch_name,
	    hal_cmdline());
	page_init();
	kmem_init();
	kstack_init();
	sysctl_init();
	vm_fault_init();
	size_maxproc();
	proc0_init();
	printf("forkrt: %lu of %lu pages free, maxproc %d\n",
	    (unsigned long)v_free_count, (unsigned long)v_page_count, maxproc);

	argc = init_args(kernel_options(hal_cmdline()), args, sizeof(args), &argbytes);
	sched_init();
	/* Every CPU is up before init can run on any of them. */
	smp_boot();
	proc_spawn_init("init", args, argc, argbytes);
	sched_idle_loop();
}
