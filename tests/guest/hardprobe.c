/*
 * hardprobe: an execv target for the ssp and aslr suites.  With no
 * argument it prints, on one line, where exec put it: the address of a
 * local of main (the stack), the first anonymous mmap, the break, and
 * the stack protector's guard, read before anything else could move the
 * break or map memory.  With "smash" it overflows a char array on its
 * stack, which the stack protector must end with SIGABRT.
 */
#include <forkrt.h>

extern uintptr_t __stack_chk_guard;

/* n bytes into a 16-byte array: past it when n > 16.  noinline keeps the frame its own. */
static __attribute__((noinline)) void
overflow(const char *src, size_t n)
{
	char buf[16];

	memcpy(buf, src, n);
	__asm__ volatile("" : : "r"(buf) : "memory");
}

int
main(int argc, char **argv)
{
	volatile size_t n = 48;
	char big[64];
	void *brk = sbrk(0);
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);

	if (argc > 1 && strcmp(argv[1], "smash") == 0) {
		memset(big, 'A', sizeof(big));
		overflow(big, n);
		printf("hardprobe: the overflow went unnoticed\n");
		return (1);
	}
	printf("stack=%#lx mmap=%#lx brk=%#lx guard=%#lx\n", (unsigned long)(uintptr_t)big,
	    (unsigned long)(uintptr_t)m, (unsigned long)(uintptr_t)brk,
	    (unsigned long)__stack_chk_guard);
	return (0);
}
