/*
 * core/backtrace.c's walk over frame chains built by hand on a fake
 * kernel stack, trap stack and boot stack: the return addresses in order,
 * the limit, and every way a chain must stop rather than be believed (a
 * frame on no known stack, a misaligned or downward link, a record
 * straddling a stack's end, a second change of stack), with the one
 * crossing allowed, off the trap stack.
 */
#include "host_libc.h"
#include "hal.h"
#include "kernel.h"
#include "proc.h"
#include "tap.h"

#define STACK_WORDS	512
#define KSTACK_WORDS	(KSTACK_SIZE / sizeof(uintptr_t))

static uintptr_t kstack[KSTACK_WORDS] __attribute__((aligned(16)));
static uintptr_t tstack[STACK_WORDS] __attribute__((aligned(16)));
static uintptr_t elsewhere[STACK_WORDS] __attribute__((aligned(16)));
static struct lwp test_lwp;

/* A boot stack as start.S and kernel.ld make one: two symbols around it. */
char boot_stack[STACK_WORDS * sizeof(uintptr_t)] __attribute__((aligned(16)));
__asm__(".globl boot_stack_top\n.set boot_stack_top, boot_stack + 4096");
_Static_assert(sizeof(boot_stack) == 4096, "boot_stack_top's offset");

void
hal_trap_stack(uintptr_t *lo, uintptr_t *hi)
{
	*lo = (uintptr_t)tstack;
	*hi = (uintptr_t)&tstack[STACK_WORDS];
}

/*
 * Write a frame record at word i of stack s (linking to frame pointer
 * prev, returning to ra); the frame pointer that leads to it.
 */
static uintptr_t
frame(uintptr_t *s, unsigned i, uintptr_t prev, uintptr_t ra)
{
	s[i] = prev;
	s[i + 1] = ra;
	return ((uintptr_t)&s[i] - HAL_FRAME_RECORD);
}

static bool
pcs_are(const uintptr_t *pcs, unsigned n, const uintptr_t *want, unsigned nwant)
{
	if (n != nwant) {
		printf("# %u return addresses, wanted %u\n", n, nwant);
		return (false);
	}
	for (unsigned i = 0; i < n; i++)
		if (pcs[i] != want[i]) {
			printf("# #%u is %#lx, wanted %#lx\n", i,
			    (unsigned long)pcs[i], (unsigned long)want[i]);
			return (false);
		}
	return (true);
}

/* Five frames up curlwp's kernel stack, the outermost returning to 0. */
static uintptr_t
kstack_chain(void)
{
	uintptr_t fp = frame(kstack, 400, 0, 0);

	fp = frame(kstack, 300, fp, 0x1005);
	fp = frame(kstack, 200, fp, 0x1004);
	fp = frame(kstack, 100, fp, 0x1003);
	fp = frame(kstack, 50, fp, 0x1002);
	return (frame(kstack, 10, fp, 0x1001));
}

int
main(void)
{
	static const uintptr_t five[] = { 0x1001, 0x1002, 0x1003, 0x1004, 0x1005 };
	uintptr_t pcs[32], fp, top;
	unsigned n;

	test_lwp.l_md.md_kstack = (uintptr_t)kstack;
	curlwp = &test_lwp;

	fp = kstack_chain();
	n = backtrace_collect(fp, pcs, nitems(pcs));
	ok(pcs_are(pcs, n, five, 5),
	    "the walk gives each return address up curlwp's kernel stack, innermost first");
	n = backtrace_collect(fp, pcs, 3);
	ok(pcs_are(pcs, n, five, 3), "and stops at the number asked for");

	fp = frame(elsewhere, 10, frame(elsewhere, 20, 0, 0x2), 0x1);
	ok(backtrace_collect(fp, pcs, nitems(pcs)) == 0,
	    "a frame on no stack the kernel runs on gives nothing");

	fp = frame(kstack, 10, frame(kstack, 50, 0, 0x1002) + 4, 0x1001);
	n = backtrace_collect(fp, pcs, nitems(pcs));
	ok(pcs_are(pcs, n, five, 1), "a misaligned link ends the walk");

	fp = frame(kstack, 100, frame(kstack, 10, 0, 0x1002), 0x1001);
	n = backtrace_collect(fp, pcs, nitems(pcs));
	ok(pcs_are(pcs, n, five, 1), "a link down the stack ends the walk");

	fp = frame(kstack, 100, 0, 0x1001);
	kstack[100] = fp;
	n = backtrace_collect(fp, pcs, nitems(pcs));
	ok(pcs_are(pcs, n, five, 1), "a frame linking to itself ends the walk");

	top = (uintptr_t)&kstack[KSTACK_WORDS - 1] - HAL_FRAME_RECORD;
	fp = frame(kstack, 10, top, 0x1001);
	kstack[KSTACK_WORDS - 1] = 0x7777;
	n = backtrace_collect(fp, pcs, nitems(pcs));
	ok(pcs_are(pcs, n, five, 1), "a record straddling the top of its stack is not read");

	fp = frame(tstack, 10, frame(tstack, 30, kstack_chain(), 0xa2), 0xa1);
	n = backtrace_collect(fp, pcs, nitems(pcs));
	{
		static const uintptr_t want[] = {
			0xa1, 0xa2, 0x1001, 0x1002, 0x1003, 0x1004, 0x1005,
		};

		ok(pcs_are(pcs, n, want, nitems(want)),
		    "from the trap stack the walk crosses to the stack the trap came from");
	}

	fp = frame(kstack, 10, frame(tstack, 10, 0, 0xa1), 0x1001);
	n = backtrace_collect(fp, pcs, nitems(pcs));
	ok(pcs_are(pcs, n, five, 1), "but from no other stack");

	fp = frame(tstack, 10, frame(kstack, 10,
	    frame((uintptr_t *)boot_stack, 10, 0, 0xb1), 0x1001), 0xa1);
	n = backtrace_collect(fp, pcs, nitems(pcs));
	{
		static const uintptr_t want[] = { 0xa1, 0x1001 };

		ok(pcs_are(pcs, n, want, nitems(want)), "and only once");
	}

	fp = frame(tstack, 100, frame(tstack, 10, 0, 0xa2), 0xa1);
	n = backtrace_collect(fp, pcs, nitems(pcs));
	ok(n == 1, "a link down the trap stack is no crossing (%u)", n);

	curlwp = NULL;
	fp = frame((uintptr_t *)boot_stack, 10,
	    frame((uintptr_t *)boot_stack, 20, 0, 0xb2), 0xb1);
	n = backtrace_collect(fp, pcs, nitems(pcs));
	{
		static const uintptr_t want[] = { 0xb1, 0xb2 };

		ok(pcs_are(pcs, n, want, nitems(want)),
		    "with no curlwp (early boot) the boot stack is walked");
	}
	fp = frame(kstack, 10, 0, 0x1001);
	ok(backtrace_collect(fp, pcs, nitems(pcs)) == 0,
	    "and a kernel stack is no known stack without its lwp");
	return (done());
}
