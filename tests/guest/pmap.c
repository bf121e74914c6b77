/*
 * The pmap suite: the contract of the kernel's pmap.h, checked against
 * each platform's real pmap (littlekernel's arch/test/mmu.cpp in spirit).
 *
 * The first cases run inside the kernel on scratch pmaps, one knob write
 * each (debug.pmap_contract, mm/pmap_contract.c): map and query, remove,
 * protect, ranges across leaf-table (2 MiB) and gigabyte boundaries,
 * pmap_copy's shared tables and what each side sees after writes to
 * them, pmap_destroy giving back every table page, and pmap_enter's
 * ENOMEM with every free page held, leaving the pmap as it was.  The
 * kernel prints the failed check's line on the console.
 *
 * The TLB cases use this process's own pmap (debug.pmap_tlb): the
 * kernel maps a page of its own into a PROT_NONE window here, and a
 * thread on each CPU, spinning in user mode so that the pmap stays
 * active there with the page in its TLB, reads or writes it before and
 * after each pmap call.  After pmap_enter of another page every CPU sees
 * the new one; after pmap_protect, pmap_enter of the page read-only or
 * pmap_copy (fork) a write faults, on every CPU; after pmap_remove (of
 * the page, or of its whole leaf table) a read faults.
 * A fault lands in a SIGSEGV handler that resumes the probe past it.
 *
 * The knobs exist in kernels built with the fail points (meson option
 * fail_points); without them every case skips.
 */
#include <pthread.h>

#include "tap.h"

#define MIB		(1024ul * 1024)
#define NCPU_MAX	8
#define PROBE_READ	1
#define PROBE_WRITE	2
#define PROBE_QUIT	3

/*
 * The probes: one load or store that may fault, and where the handler
 * resumes when it does (returning 1).
 */
int	pmap_probe_read(volatile const uint64_t *p, uint64_t *out);
int	pmap_probe_write(volatile uint64_t *p, uint64_t v);
extern char pmap_probe_read_insn[], pmap_probe_read_fault[];
extern char pmap_probe_write_insn[], pmap_probe_write_fault[];

#if defined(__riscv)
__asm__(
"	.text\n"
"	.globl	pmap_probe_read, pmap_probe_read_insn, pmap_probe_read_fault\n"
"	.globl	pmap_probe_write, pmap_probe_write_insn, pmap_probe_write_fault\n"
"pmap_probe_read:\n"
"pmap_probe_read_insn:\n"
"	ld	a2, 0(a0)\n"
"	sd	a2, 0(a1)\n"
"	li	a0, 0\n"
"	ret\n"
"pmap_probe_read_fault:\n"
"	li	a0, 1\n"
"	ret\n"
"pmap_probe_write:\n"
"pmap_probe_write_insn:\n"
"	sd	a1, 0(a0)\n"
"	li	a0, 0\n"
"	ret\n"
"pmap_probe_write_fault:\n"
"	li	a0, 1\n"
"	ret\n");
#define UC_PC(uc)	((uc)->uc_mcontext.mc_gpregs.gp_sepc)
#elif defined(__x86_64__)
__asm__(
"	.text\n"
"	.globl	pmap_probe_read, pmap_probe_read_insn, pmap_probe_read_fault\n"
"	.globl	pmap_probe_write, pmap_probe_write_insn, pmap_probe_write_fault\n"
"pmap_probe_read:\n"
"pmap_probe_read_insn:\n"
"	movq	(%rdi), %rdx\n"
"	movq	%rdx, (%rsi)\n"
"	xorl	%eax, %eax\n"
"	ret\n"
"pmap_probe_read_fault:\n"
"	movl	$1, %eax\n"
"	ret\n"
"pmap_probe_write:\n"
"pmap_probe_write_insn:\n"
"	movq	%rsi, (%rdi)\n"
"	xorl	%eax, %eax\n"
"	ret\n"
"pmap_probe_write_fault:\n"
"	movl	$1, %eax\n"
"	ret\n");
#define UC_PC(uc)	((uc)->uc_mcontext.mc_rip)
#elif defined(__aarch64__)
__asm__(
"	.text\n"
"	.globl	pmap_probe_read, pmap_probe_read_insn, pmap_probe_read_fault\n"
"	.globl	pmap_probe_write, pmap_probe_write_insn, pmap_probe_write_fault\n"
"pmap_probe_read:\n"
"pmap_probe_read_insn:\n"
"	ldr	x2, [x0]\n"
"	str	x2, [x1]\n"
"	mov	w0, #0\n"
"	ret\n"
"pmap_probe_read_fault:\n"
"	mov	w0, #1\n"
"	ret\n"
"pmap_probe_write:\n"
"pmap_probe_write_insn:\n"
"	str	x1, [x0]\n"
"	mov	w0, #0\n"
"	ret\n"
"pmap_probe_write_fault:\n"
"	mov	w0, #1\n"
"	ret\n");
#define UC_PC(uc)	(*(int64_t *)&(uc)->uc_mcontext.mc_gpregs.gp_elr)
#endif

static void
on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	if (UC_PC(uc) == (int64_t)(uintptr_t)pmap_probe_read_insn)
		UC_PC(uc) = (int64_t)(uintptr_t)pmap_probe_read_fault;
	else if (UC_PC(uc) == (int64_t)(uintptr_t)pmap_probe_write_insn)
		UC_PC(uc) = (int64_t)(uintptr_t)pmap_probe_write_fault;
	else
		signal(SIGSEGV, SIG_DFL);	/* a real fault: end as it would */
}

static bool have_knobs;
static int ncpu;

/* Run kernel case n as test `name`. */
static void
kernel_case(int n, const char *name)
{
	int r;

	if (!have_knobs) {
		ok(1, "%s # SKIP no debug.pmap_contract (built without fail points)", name);
		return;
	}
	if (sset("debug.pmap_contract", n) != 0) {
		ok(0, "%s", name);
		diag("debug.pmap_contract=%d: errno %d", n, errno);
		return;
	}
	r = sget("debug.pmap_contract");
	if (!ok(r == 0, "%s", name))
		diag("the check at mm/pmap_contract.c:%d failed (the console has it)", r);
}

/* Kernel case n as a case of the table, with the name it is reported by. */
#define CONTRACT_CASE(fn, n, name)					\
static int								\
fn(void)								\
{									\
	kernel_case(n, name);						\
	return (0);							\
}

CONTRACT_CASE(contract_empty, 1,
    "a new pmap maps nothing in or out of the user range, and "
    "destroy gives back what create took")
CONTRACT_CASE(contract_enter_extract, 2,
    "pmap_extract gives what pmap_enter mapped (page, offset, rights); "
    "entering again replaces, VM_PROT_NONE removes")
CONTRACT_CASE(contract_remove, 3,
    "pmap_remove takes exactly [sva, eva) away and skips holes")
CONTRACT_CASE(contract_protect, 4,
    "pmap_protect sets the rights of exactly the mappings in "
    "[sva, eva), lowering or raising, and maps no hole")
CONTRACT_CASE(contract_span_2m, 5,
    "ranges across leaf-table (2 MiB) boundaries map, protect and "
    "remove, and a table a remove covers goes back at once")
CONTRACT_CASE(contract_span_1g, 6,
    "ranges across gigabytes and both ends of the user range map, "
    "protect and remove what is inside only")
CONTRACT_CASE(contract_copy, 7,
    "pmap_copy shares whole tables read-only; a write, remove or "
    "protect afterwards is seen by its own side only")
CONTRACT_CASE(contract_destroy, 8,
    "pmap_destroy gives back every table page, shared ones with "
    "their last holder")
CONTRACT_CASE(contract_enomem, 9,
    "with no memory pmap_enter is ENOMEM and leaves the pmap as "
    "it was, pmap_copy ENOMEM, pmap_create NULL, nothing leaked")
CONTRACT_CASE(contract_copy_shared, 10,
    "a table three pmaps share: a remove, a write or a protect "
    "on one is seen by that one only, and copies the table only while shared")

static int
case_count(void)
{
	int n = sget("debug.pmap_contract_cases");

	if (!have_knobs) {
		ok(1, "the kernel has as many cases as this suite # SKIP");
		return (0);
	}
	if (!ok(n == 10, "the kernel has as many cases as this suite"))
		diag("debug.pmap_contract_cases is %d", n);
	return (0);
}

static int
knobs_as_user(void)
{
	if (setuid(1) != 0)
		return (1);
	if (sset("debug.pmap_contract", 1) == 0 || errno != EPERM)
		return (2);
	if (sset("debug.pmap_tlb", PMAP_TLB_SETUP) == 0 || errno != EPERM)
		return (3);
	return (0);
}

static int
root_only(void)
{
	int st;

	if (!have_knobs) {
		ok(1, "the knobs are root's # SKIP");
		return (0);
	}
	st = run_child(knobs_as_user);
	if (!ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the knobs are root's"))
		diag("wait status %#x", st);
	return (0);
}

/*
 * The TLB cases.  Thread i (1 .. ncpu - 1) runs on CPU i, the main
 * thread on CPU 0; each probes the window when `gen` moves on, and
 * leaves what it saw in res[i].
 */
static volatile uint64_t *win;
static char *reserved;		/* the 4 MiB the window is in */
static volatile int gen, kind;
static struct {
	volatile int	done;
	int		faulted;
	uint64_t	value;
} res[NCPU_MAX];
static pthread_t threads[NCPU_MAX];

static int
pin(int cpu)
{
	cpuset_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return (cpuset_setaffinity(CPU_LEVEL_WHICH, CPU_WHICH_TID, -1, sizeof(set), &set));
}

static void
probe(int i)
{
	uint64_t v = 0;

	if (kind == PROBE_READ)
		res[i].faulted = pmap_probe_read(win, &v);
	else
		res[i].faulted = pmap_probe_write(win, PMAP_TLB_MARK_A);
	res[i].value = v;
}

static void *
prober(void *arg)
{
	int i = (int)(intptr_t)arg, seen = 0;

	if (pin(i) != 0)
		res[i].faulted = -1;
	res[i].done = 0;
	__atomic_store_n(&res[i].done, -1, __ATOMIC_RELEASE);
	for (;;) {
		int g;

		while ((g = __atomic_load_n(&gen, __ATOMIC_ACQUIRE)) == seen)
			;
		seen = g;
		if (kind == PROBE_QUIT)
			break;
		probe(i);
		__atomic_store_n(&res[i].done, g, __ATOMIC_RELEASE);
	}
	return (NULL);
}

/* Every CPU probes once; false if a thread did not answer in 10 s. */
static bool
probe_all(int what)
{
	uint64_t t0 = now_ms();
	int g;

	kind = what;
	g = __atomic_add_fetch(&gen, 1, __ATOMIC_ACQ_REL);
	probe(0);
	for (int i = 1; i < ncpu; i++)
		while (__atomic_load_n(&res[i].done, __ATOMIC_ACQUIRE) != g)
			if (now_ms() - t0 > 10000)
				return (false);
	return (true);
}

/* Did every CPU see `value` (faulted false) or fault (faulted true)? */
static bool
all_saw(bool faulted, uint64_t value, const char *when)
{
	bool good = true;

	for (int i = 0; i < ncpu; i++) {
		if (faulted ? res[i].faulted == 1 :
		    res[i].faulted == 0 && (kind == PROBE_WRITE || res[i].value == value))
			continue;
		if (res[i].faulted == 1)
			diag("%s: cpu %d faulted", when, i);
		else if (kind == PROBE_WRITE)
			diag("%s: cpu %d wrote without a fault", when, i);
		else
			diag("%s: cpu %d read %#lx", when, i, (unsigned long)res[i].value);
		good = false;
	}
	return (good);
}

static bool
tlb_start(void)
{
	uint64_t t0 = now_ms();
	struct sigaction sa;
	char *p;

	reserved = NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0)
		return (false);
	/* 2 MiB aligned inside 4 MiB of nothing the VM will ever map. */
	if ((p = mmap(NULL, 4 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANON, -1, 0)) == MAP_FAILED)
		return (false);
	reserved = p;
	win = (volatile uint64_t *)(((uintptr_t)p + 2 * MIB - 1) & ~(2 * MIB - 1));
	if (sset("debug.pmap_tlb_page", (int)((uintptr_t)win >> 12)) != 0 || pin(0) != 0)
		return (false);
	gen = 0;
	for (int i = 1; i < ncpu; i++) {
		res[i].done = 0;
		if (pthread_create(&threads[i], NULL, prober, (void *)(intptr_t)i) != 0)
			return (false);
	}
	for (int i = 1; i < ncpu; i++)
		while (__atomic_load_n(&res[i].done, __ATOMIC_ACQUIRE) != -1)
			if (now_ms() - t0 > 10000 || res[i].faulted == -1)
				return (false);
	return (true);
}

static void
tlb_stop(void)
{
	kind = PROBE_QUIT;
	__atomic_add_fetch(&gen, 1, __ATOMIC_ACQ_REL);
	for (int i = 1; i < ncpu; i++)
		if (threads[i] != 0)
			pthread_join(threads[i], NULL);
	memset(threads, 0, sizeof(threads));
	signal(SIGSEGV, SIG_DFL);
	if (reserved != NULL)
		munmap(reserved, 4 * MIB);
}

/*
 * One TLB case: set the page up, let every CPU touch it (`warm`), run
 * `step`, then probe `after`: a fault everywhere, or `value` everywhere.
 * Each lowering step must also have reached the other CPUs by IPI when
 * there are any (one round), and cost none with one CPU.
 */
static bool
tlb_case(int warm, int step, int after, bool faults, uint64_t value)
{
	int s0, s1;
	bool good = true;

	if (sset("debug.pmap_tlb", PMAP_TLB_SETUP) != 0) {
		diag("PMAP_TLB_SETUP: errno %d", errno);
		return (false);
	}
	if (!probe_all(PROBE_READ) || !all_saw(false, PMAP_TLB_MARK_A, "after setup") ||
	    !probe_all(warm) || !all_saw(false, PMAP_TLB_MARK_A, "warming up"))
		good = false;
	s0 = sget("vm.stats.sys.v_ipi_shootdown");
	if (sset("debug.pmap_tlb", step) != 0) {
		diag("step %d: errno %d", step, errno);
		good = false;
	}
	s1 = sget("vm.stats.sys.v_ipi_shootdown");
	if (!probe_all(after) || !all_saw(faults, value, "after the step"))
		good = false;
	if (ncpu > 1 ? s1 - s0 < 1 : s1 != s0) {
		diag("%d shootdown rounds for the step on %d CPUs", s1 - s0, ncpu);
		good = false;
	}
	if (sset("debug.pmap_tlb", PMAP_TLB_TEARDOWN) != 0) {
		diag("PMAP_TLB_TEARDOWN: errno %d", errno);
		good = false;
	}
	return (good);
}

static void
tlb_run(const char *name, int warm, int step, int after, bool faults, uint64_t value)
{
	if (!have_knobs) {
		ok(1, "%s # SKIP no debug.pmap_tlb", name);
		return;
	}
	if (!tlb_start()) {
		ok(0, "%s", name);
		diag("could not start the probing threads (errno %d)", errno);
		tlb_stop();
		return;
	}
	ok(tlb_case(warm, step, after, faults, value), "%s", name);
	tlb_stop();
}

/* A TLB case of the table: tlb_run with these arguments. */
#define TLB_CASE(fn, ...)						\
static int								\
fn(void)								\
{									\
	tlb_run(__VA_ARGS__);						\
	return (0);							\
}

TLB_CASE(tlb_replace,
    "TLB: after pmap_enter puts another page in, every CPU reads the new one",
    PROBE_READ, PMAP_TLB_REPLACE, PROBE_READ, false, PMAP_TLB_MARK_B)
TLB_CASE(tlb_protect,
    "TLB: after pmap_protect takes the write right, a write faults on every CPU",
    PROBE_WRITE, PMAP_TLB_PROTECT, PROBE_WRITE, true, 0)
TLB_CASE(tlb_protect_read,
    "TLB: after pmap_protect takes the write right, every CPU still reads the page",
    PROBE_WRITE, PMAP_TLB_PROTECT, PROBE_READ, false, PMAP_TLB_MARK_A)
TLB_CASE(tlb_remove,
    "TLB: after pmap_remove of the page, a read faults on every CPU",
    PROBE_READ, PMAP_TLB_REMOVE, PROBE_READ, true, 0)
TLB_CASE(tlb_remove_table,
    "TLB: after pmap_remove of its whole leaf table, a read faults on every CPU",
    PROBE_READ, PMAP_TLB_REMOVE_TABLE, PROBE_READ, true, 0)
TLB_CASE(tlb_enter_ro,
    "TLB: after pmap_enter maps the page again read-only, a write faults on every CPU",
    PROBE_WRITE, PMAP_TLB_ENTER_RO, PROBE_WRITE, true, 0)
TLB_CASE(tlb_copy,
    "TLB: after pmap_copy (fork) takes the source's write right, a write faults "
    "on every CPU", PROBE_WRITE, PMAP_TLB_COPY, PROBE_WRITE, true, 0)

static const struct tap_case cases[] = {
	TAP_CASE(case_count, "the kernel has as many contract cases as this suite"),
	TAP_CASE(contract_empty, "pmap contract: a new pmap, destroyed"),
	TAP_CASE(contract_enter_extract, "pmap contract: enter and extract"),
	TAP_CASE(contract_remove, "pmap contract: remove"),
	TAP_CASE(contract_protect, "pmap contract: protect"),
	TAP_CASE(contract_span_2m, "pmap contract: ranges across 2 MiB"),
	TAP_CASE(contract_span_1g, "pmap contract: ranges across gigabytes"),
	TAP_CASE(contract_copy, "pmap contract: copy"),
	TAP_CASE(contract_destroy, "pmap contract: destroy"),
	TAP_CASE(contract_enomem, "pmap contract: ENOMEM"),
	TAP_CASE(contract_copy_shared, "pmap contract: a table three pmaps share"),
	TAP_CASE(root_only, "the knobs are root's"),
	TAP_CASE(tlb_replace, "TLB: pmap_enter of another page"),
	TAP_CASE(tlb_protect, "TLB: pmap_protect, then a write"),
	TAP_CASE(tlb_protect_read, "TLB: pmap_protect, then a read"),
	TAP_CASE(tlb_remove, "TLB: pmap_remove of the page"),
	TAP_CASE(tlb_remove_table, "TLB: pmap_remove of the leaf table"),
	TAP_CASE(tlb_enter_ro, "TLB: pmap_enter read-only"),
	TAP_CASE(tlb_copy, "TLB: pmap_copy"),
};

int
main(int argc, char **argv)
{
	ncpu = sget("kern.smp.cpus");
	if (ncpu < 1 || ncpu > NCPU_MAX)
		ncpu = 1;
	have_knobs = sget("debug.pmap_contract_cases") != -1;
	return (RUN_CASES(cases, argc, argv));
}
