/*
 * The ssp suite: the stack protector in user programs (a smashed canary
 * ends the process with SIGABRT and says so on stderr; each exec gets a
 * canary of its own from the kernel, fork keeps it) and the kernel random
 * source it comes from (kern.random.hw_bytes, kern.randompid).  The
 * kernel's own protector panics, so its test boots on its own (the root
 * meson.build's stack_smash tests, program `stacksmash`).  Each case runs
 * in a child of its own (run_child) and returns 0, or the number of the
 * first check that did not hold.
 */
#include "hardprobe.h"

extern uintptr_t __stack_chk_guard;

static int
user_smash_aborts(void)
{
	char out[256];
	int status = probe_run("smash", 2, out, sizeof(out));

	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		printf("# wait status %#x, stderr \"%s\"\n", status, out);
	CHECK(1, status != -1 && WIFSIGNALED(status));
	CHECK(2, WTERMSIG(status) == SIGABRT);
	CHECK(3, strstr(out, "stack smashing detected") != NULL);
	return (0);
}

static int
canary_per_exec(void)
{
	struct probe a, b, c;

	CHECK(1, probe(&a) == 0 && probe(&b) == 0 && probe(&c) == 0);
	printf("# guards %#lx %#lx %#lx, this process %#lx\n", a.guard, b.guard,
	    c.guard, (unsigned long)__stack_chk_guard);
	CHECK(2, a.guard != 0 && b.guard != 0 && c.guard != 0);
	CHECK(3, a.guard != b.guard && b.guard != c.guard && a.guard != c.guard);
	CHECK(4, a.guard != __stack_chk_guard && b.guard != __stack_chk_guard);
	return (0);
}

static uintptr_t parent_guard;

static int
child_guard(void)
{
	return (__stack_chk_guard == parent_guard ? 0 : 1);
}

static int
fork_keeps_canary(void)
{
	int status;

	parent_guard = __stack_chk_guard;
	CHECK(1, parent_guard != 0);
	status = run_child(child_guard);
	CHECK(2, WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return (0);
}

static int
hw_bytes_reported(void)
{
	int n = sget("kern.random.hw_bytes");

	printf("# kern.random.hw_bytes = %d\n", n);
	/*
	 * The machines the tools boot have a hardware seed: x86_64's -cpu max
	 * has rdrand, riscv64's virt board a 32-byte /chosen/rng-seed (taken
	 * once: a second call to hal_entropy gets nothing, which once left
	 * riscv64 at 0 here).
	 */
	CHECK(1, n >= 32 && n <= 64);
	CHECK(2, sset("kern.random.hw_bytes", 1) == -1 && errno == EPERM);
	return (0);
}

/*
 * kern.randompid's steps come from the random source: with a modulus of
 * 1000, ten forks in a row do not step alike (the chance that they do is
 * 10^-27).
 */
static int
randompid_random(void)
{
	pid_t pids[10];
	int same = 0, status;

	CHECK(1, sset("kern.randompid", 1000) == 0);
	for (int i = 0; i < 10; i++) {
		if ((pids[i] = xfork()) == 0)
			_exit(0);
		if (pids[i] < 0 || waitpid(pids[i], &status, 0) != pids[i])
			return (2);
	}
	sset("kern.randompid", 0);
	for (int i = 2; i < 10; i++)
		same += pids[i] - pids[i - 1] == pids[1] - pids[0];
	CHECK(3, same < 8);
	return (0);
}

static const struct tap_case cases[] = {
	TAP_CASE(user_smash_aborts, "a char array overflowed in a user program: SIGABRT, \"stack smashing detected\" on stderr"),
	TAP_CASE(canary_per_exec, "each exec gets a canary of its own, never 0"),
	TAP_CASE(fork_keeps_canary, "a fork child keeps its parent's canary"),
	TAP_CASE(hw_bytes_reported, "kern.random.hw_bytes says how many seed bytes came from hardware, read-only"),
	TAP_CASE(randompid_random, "kern.randompid's steps are random"),
};

int
main(int argc, char **argv)
{
	return (RUN_CASES(cases, argc, argv));
}
