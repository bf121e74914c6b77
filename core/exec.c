/*
 * Replacing a process image with an embedded program, and starting init.
 *
 * The new image is built completely in a fresh vmspace (segments, heap
 * base, stack with the arguments) before the old one is touched, so a
 * failed execv returns to an intact caller.
 */
#include "elf.h"
#include "file.h"
#include "hal.h"
#include "pmap.h"
#include "proc.h"
#include "progs.h"
#include "session.h"
#include "signalvar.h"
#include "vm.h"

#define USTACK_SIZE	(1024 * 1024)

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
    const struct elf_image *img)
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
	vm->brk_base = vm->brk = top;
	return (0);
}

/*
 * Lay out argc, argv[] and the strings at the top of the new stack, in the
 * form crt0 expects: sp -> argc, argv[0], ..., NULL, NULL (no environment).
 * args holds argc NUL-terminated strings back to back, argbytes in all.
 */
static int
setup_stack(struct vmspace *vm, const char *args, int argc, size_t argbytes,
    vaddr_t *spp)
{
	size_t nwords = 1 + (size_t)argc + 2;
	vaddr_t strings = (USRSTACK - argbytes) & ~(vaddr_t)15;
	vaddr_t sp = (strings - nwords * sizeof(uint64_t)) & ~(vaddr_t)15;
	uint64_t *words;
	int error;

	error = vm_map_anon(vm, USRSTACK - USTACK_SIZE, USTACK_SIZE,
	    VM_PROT_READ | VM_PROT_WRITE, ME_STACK);
	if (error != 0)
		return (error);
	if ((words = kzalloc(nwords * sizeof(uint64_t))) == NULL)
		return (ENOMEM);
	words[0] = (uint64_t)argc;
	for (int i = 0, off = 0; i < argc; i++) {
		words[1 + i] = strings + (uint64_t)off;
		off += (int)strlen(args + off) + 1;
	}
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
	struct elf_image img;
	struct vmspace *vm;
	int error;

	if ((prog = prog_lookup(name)) == NULL)
		return (ENOENT);
	if ((error = elf_parse(prog->image, prog->size, hal_elf_machine, &img)) != 0)
		return (error);
	if ((vm = vmspace_alloc()) == NULL)
		return (ENOMEM);
	/* The image is built while the caller's pmap stays active. */
	error = load_segments(vm, prog, &img);
	if (error == 0)
		error = setup_stack(vm, args, argc, argbytes, spp);
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
