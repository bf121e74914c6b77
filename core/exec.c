/*
 * Replacing a process image with an embedded program, and starting init.
 *
 * The new image is built completely in a fresh vmspace (segments, heap
 * base, stack with the arguments) before the old one is touched, so a
 * failed execv returns to an intact caller.
 *
 * User ASLR, as FreeBSD-current's kern.elf64.aslr.enable: with it on (the
 * default), each exec moves three bases by a random number of pages,
 *   the top of the stack	down from USRSTACK by less than 1 GiB	(18 bits)
 *   the break		up from the image's end by less than 1 GiB	(18 bits)
 *   the mmap base	up from 1 GiB above the break by less than 16 GiB (22 bits)
 * so that all three stay apart in the 256 GiB user range whatever is
 * drawn: the heap keeps its 1 GiB of room below the mmap base, and the
 * highest mmap base (under 19 GiB) is far below the lowest stack.  fork
 * copies the vmspace and with it the layout (vm_fork).  With it off the
 * layout is the fixed one: the stack's top at USRSTACK, the break at the
 * image's end, mmap from 1 GiB above it.  The kernel command line can set
 * it (kern.elf64.aslr.enable=0, core/main.c); the benchmarks do.
 *
 * Each exec also leaves 16 random bytes at the top of the new stack for
 * the program's stack-protector canary, named by the auxiliary vector's
 * AT_CANARY, as FreeBSD does; libc's start-up installs them.
 */
#include "elf.h"
#include "exec.h"
#include "file.h"
#include "fork.h"
#include "hal.h"
#include "lwp.h"
#include "pmap.h"
#include "proc.h"
#include "progs.h"
#include "random.h"
#include "reaper.h"
#include "sched.h"
#include "session.h"
#include "signalvar.h"
#include "sysctl.h"
#include "vm.h"

#define USTACK_SIZE	(1024 * 1024)
#define HEAP_ROOM	(1ul << 30)	/* between the break's start and the mmap base */
#define ASLR_STACK_GAP	(1ul << 30)
#define ASLR_BRK_GAP	(1ul << 30)
#define ASLR_MMAP_GAP	(16ul << 30)
#define CANARY_LEN	16

_Static_assert(ASLR_BRK_GAP + HEAP_ROOM + ASLR_MMAP_GAP < (64ul << 30) &&
    USRSTACK - ASLR_STACK_GAP - USTACK_SIZE > (64ul << 30),
    "ASLR's ranges keep the heap, the mmap base and the stack apart");

int aslr_enable = 1;		/* (a) kern.elf64.aslr.enable */

/* Where exec_build puts the stack, the break and the mmap base. */
struct exec_layout {
	vaddr_t		stack_top;
	vaddr_t		brk_gap;	/* from the image's end to the break */
	vaddr_t		mmap_gap;	/* from HEAP_ROOM above the break to the mmap base */
};

static int
aslr_enable_set(int v)
{
	if (v != 0 && v != 1)
		return (EINVAL);
	__atomic_store_n(&aslr_enable, v, __ATOMIC_RELAXED);
	return (0);
}
SYSCTL_INT_RW("kern.elf64.aslr.enable", aslr_enable, aslr_enable_set);

/* A random page-aligned offset below range, a power of two. */
static vaddr_t
aslr_gap(vaddr_t range)
{
	return ((vaddr_t)kern_random_pow2(range >> PAGE_SHIFT) << PAGE_SHIFT);
}

static void
exec_layout(struct exec_layout *lo)
{
	lo->stack_top = USRSTACK;
	lo->brk_gap = lo->mmap_gap = 0;
	if (__atomic_load_n(&aslr_enable, __ATOMIC_RELAXED) == 0)
		return;
	lo->stack_top -= aslr_gap(ASLR_STACK_GAP);
	lo->brk_gap = aslr_gap(ASLR_BRK_GAP);
	lo->mmap_gap = aslr_gap(ASLR_MMAP_GAP);
}

const struct embedded_prog *
prog_lookup(const char *name)
{
	for (uint64_t i = 0; i < embedded_nprogs; i++)
		if (strcmp(embedded_progs[i].name, name) == 0)
			return (&embedded_progs[i]);
	return (NULL);
}

static int
load_segments(struct vmspace *vm, const struct embedded_prog *prog,
    const struct elf_image *img, const struct exec_layout *lo)
{
	vaddr_t top = 0;
	int error;

	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->segs[i];
		vaddr_t start = trunc_page(s->vaddr);
		vaddr_t end = round_page(s->vaddr + s->memsz);

		error = vm_map_anon(vm, start, end - start,
		    VM_PROT_READ | VM_PROT_WRITE, 0);
		if (error == 0 && s->filesz > 0)
			error = copyout(vm, (const char *)prog->image + s->offset,
			    s->vaddr, s->filesz);
		if (error == 0)
			error = vm_map_setprot(vm, start, s->prot);
		if (error != 0)
			return (error);
		top = MAX(top, end);
	}
	vm->brk_base = vm->brk = top + lo->brk_gap;
	vm->mmap_base = vm->brk_base + HEAP_ROOM + lo->mmap_gap;
	return (0);
}

/*
 * Lay out argc, argv[], the auxiliary vector, the strings and the canary
 * at the top of the new stack, in the form crt0 expects: sp -> argc,
 * argv[0], ..., NULL, NULL (no environment), then FreeBSD's auxiliary
 * vector: AT_CANARY and its address, AT_CANARYLEN and 16, AT_NULL.  args
 * holds argc NUL-terminated strings back to back, argbytes in all.
 */
static int
setup_stack(struct vmspace *vm, const char *args, int argc, size_t argbytes,
    vaddr_t top, vaddr_t *spp)
{
	size_t nauxw = 6, nwords = 1 + (size_t)argc + 2 + nauxw;
	vaddr_t canary = top - CANARY_LEN;
	vaddr_t strings = (canary - argbytes) & ~(vaddr_t)15;
	vaddr_t sp = (strings - nwords * sizeof(uint64_t)) & ~(vaddr_t)15;
	uint8_t bytes[CANARY_LEN];
	uint64_t *words, *aux;
	int error;

	error = vm_map_anon(vm, top - USTACK_SIZE, USTACK_SIZE,
	    VM_PROT_READ | VM_PROT_WRITE, 0);
	if (error != 0)
		return (error);
	if ((words = kzalloc(nwords * sizeof(uint64_t))) == NULL)
		return (ENOMEM);
	words[0] = (uint64_t)argc;
	for (int i = 0, off = 0; i < argc; i++) {
		words[1 + i] = strings + (uint64_t)off;
		off += (int)strlen(args + off) + 1;
	}
	aux = &words[1 + argc + 2];
	aux[0] = AT_CANARY;
	aux[1] = canary;
	aux[2] = AT_CANARYLEN;
	aux[3] = CANARY_LEN;
	aux[4] = AT_NULL;
	aux[5] = 0;
	kern_random_bytes(bytes, sizeof(bytes));
	error = copyout(vm, bytes, canary, sizeof(bytes));
	memset(bytes, 0, sizeof(bytes));
	if (error == 0)
		error = copyout(vm, args, strings, argbytes);
	if (error == 0)
		error = copyout(vm, words, sp, nwords * sizeof(uint64_t));
	kfree(words);
	*spp = sp;
	return (error);
}

/* Build a complete new image of program `name` in a new vmspace. */
static int
exec_build(const char *name, const char *args, int argc, size_t argbytes,
    struct vmspace **vmp, vaddr_t *entryp, vaddr_t *spp)
{
	const struct embedded_prog *prog;
	struct exec_layout lo;
	struct elf_image img;
	struct vmspace *vm;
	int error;

	if ((prog = prog_lookup(name)) == NULL)
		return (ENOENT);
	if ((error = elf_parse(prog->image, prog->size, hal_elf_machine, &img)) != 0)
		return (error);
	if ((vm = vmspace_alloc()) == NULL)
		return (ENOMEM);
	exec_layout(&lo);
	/* The image is built while the caller's pmap stays active. */
	error = load_segments(vm, prog, &img, &lo);
	if (error == 0)
		error = setup_stack(vm, args, argc, argbytes, lo.stack_top, spp);
	if (error != 0) {
		vmspace_release(vm);
		return (error);
	}
	*vmp = vm;
	*entryp = img.entry;
	return (0);
}

static void
set_comm(struct proc *p, const char *name)
{
	strlcpy(p->p_comm, name, sizeof(p->p_comm));
}

/*
 * execv for the running lwp l: on success the caller's image is gone and
 * the syscall returns EJUSTRETURN into the new program.
 */
int
kern_execv(struct lwp *l, const char *name, const char *args, int argc,
    size_t argbytes)
{
	struct proc *p = l->l_proc;
	struct vmspace *vm, *old;
	struct sigacts *fresh;
	struct filedesc *fdspare;
	vaddr_t entry, sp;
	int error;

	if ((error = exec_build(name, args, argc, argbytes, &vm, &entry, &sp)) != 0)
		return (error);
	/* Nothing may fail past the point of no return: the copies are made now. */
	if ((error = sigacts_exec_prepare(p, &fresh)) != 0) {
		vmspace_release(vm);
		return (error);
	}
	if ((error = fd_exec_prepare(p, &fdspare)) != 0) {
		sigacts_drop(fresh);
		vmspace_release(vm);
		return (error);
	}
	/* The other lwps run the old image: they go first (DragonFly). */
	spin_lock(&p->p_lock);
	if (p->p_flags & (P_WEXIT | P_SINGLE)) {
		/* An exit or another exec got there first: ours is void. */
		spin_unlock(&p->p_lock);
		fd_exec_abandon(fdspare);
		vmspace_release(vm);
		sigacts_drop(fresh);
		return (EINTR);
	}
	if ((p->p_nthreads > 1 || p->p_ndying > 0) &&
	    proc_single_lwp(p, l, P_SINGLE) != 0) {
		/* An exit of another lwp took the process over meanwhile. */
		spin_unlock(&p->p_lock);
		fd_exec_abandon(fdspare);
		vmspace_release(vm);
		sigacts_drop(fresh);
		return (EINTR);
	}
	spin_unlock(&p->p_lock);
	old = p->p_vmspace;
	p->p_vmspace = vm;
	pmap_activate(vm->pmap);
	vmspace_release(old);
	/* Committed: close-on-exec descriptors go now, never on a failed exec. */
	fd_exec(p, fdspare);
	set_comm(p, name);
	sigacts_exec(p, l, fresh);
	cpu_set_user(l, entry, sp, sp);
	spin_lock(&p->p_lock);
	p->p_flags |= P_EXEC;
	/* A vfork parent may run again now that we no longer share its memory. */
	if (p->p_flags & P_PPWAIT) {
		p->p_flags &= ~P_PPWAIT;
		wakeup(&p->p_flags);
	}
	spin_unlock(&p->p_lock);
	return (EJUSTRETURN);
}

/*
 * Create pid 1 running program `name`: forked from proc0 like any kernel
 * process, then given a user image and a session of its own.
 */
int
proc_spawn_init(const char *name, const char *args, int argc, size_t argbytes)
{
	struct proc *p;
	struct lwp *l;
	vaddr_t entry, sp;
	int error;

	if ((error = fork1(&lwp0, RFFDG | RFPROC | RFSTOPPED, &p)) != 0)
		panic("proc_spawn_init: fork1: error %d", error);
	if (p->p_pid != 1)
		panic("proc_spawn_init: init got pid %d", p->p_pid);
	l = lwp_first(p);
	error = exec_build(name, args, argc, argbytes, &p->p_vmspace, &entry, &sp);
	if (error != 0)
		panic("proc_spawn_init: cannot load %s: error %d", name, error);
	spin_lock(&proctree_lock);
	error = session_create(p);
	/* The reaper of last resort: orphans with no reaper of their own come here. */
	reaper_make_init(p);
	spin_unlock(&proctree_lock);
	if (error != 0)
		panic("proc_spawn_init: no session for init: error %d", error);
	spin_lock(&p->p_lock);
	p->p_flags &= ~P_SYSTEM;
	spin_unlock(&p->p_lock);
	set_comm(p, name);
	cpu_set_user(l, entry, sp, sp);
	initproc = p;
	start_forked_proc(p, 0);
	return (0);
}
