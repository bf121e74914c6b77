/*
 * kmain: bring up the portable kernel on top of the platform and start
 * init.  The kernel command line names the program init runs and its
 * arguments; an empty one runs the built-in application.
 */
#include "hal.h"
#include "page.h"
#include "pmap.h"
#include "proc.h"
#include "trap.h"

#define CMDLINE_MAX	256
#define INIT_ARGS_MAX	32

extern int maxproc;

/* Split the command line into NUL-separated words after "init". */
static int
init_args(char *buf, size_t size, size_t *lenp)
{
	const char *s = hal_cmdline();
	size_t len;
	int argc = 1;

	len = strlcpy(buf, "init", size) + 1;
	while (*s != '\0' && argc < INIT_ARGS_MAX) {
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

	maxproc = (int)MIN(MAX(slots, 64), 100000);
}

__noreturn void
kmain(void)
{
	char args[CMDLINE_MAX];
	size_t argbytes;
	int argc;

	printf("forkrt: %s kernel, command line \"%s\"\n", hal_arch_name,
	    hal_cmdline());
	page_init();
	kmem_init();
	pmap_init();
	proc_init();
	size_maxproc();
	printf("forkrt: %lu of %lu pages free, maxproc %d\n",
	    (unsigned long)v_free_count, (unsigned long)v_page_count, maxproc);

	argc = init_args(args, sizeof(args), &argbytes);
	proc_spawn_init("init", args, argc, argbytes);
	sched_init();
	sched_idle_loop();
}
