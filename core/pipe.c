/*
 * Pipes: a ring buffer of PIPE_SIZE bytes between a read end and a write
 * end, each end one struct file.
 *
 * A read sleeps while the pipe is empty and some write end is open, then
 * takes what is there; with no writer left an empty pipe reads as
 * end-of-file.  A write sleeps for room; one of at most PIPE_BUF bytes
 * waits until it fits whole, so that writers never interleave inside it.
 * A write with no reader is EPIPE (the syscall layer posts SIGPIPE).
 * An end with O_NONBLOCK (FNONBLOCK, set by pipe2 or fcntl on that open
 * file) never sleeps: a read of an empty pipe with a writer, or a write
 * that cannot move a byte (or not all of a PIPE_BUF-sized one), is EAGAIN;
 * a larger write takes what room there is and returns short.
 *
 * Sleeps are on the pipe's two channels and return EINTR when a signal
 * that ends the process is pending; the caller then reports what was
 * already moved.  One CPU and a kernel that is not preemptible make the
 * test-then-sleep sequences safe; the lock guards the indices for SMP,
 * where the sleeps will need an interlock (msleep).
 */
#include "fail.h"
#include "file.h"
#include "hal.h"
#include "page.h"
#include "proc.h"
#include "sched.h"
#include "vm.h"

#define PIPE_ORDER	1			/* 2 pages */
#define PIPE_SIZE	(PAGE_SIZE << PIPE_ORDER)

_Static_assert(PIPE_SIZE >= 4096 && PIPE_SIZE >= PIPE_BUF, "pipe buffer size");

/* Every field but the buffer pointer is under pipe_lock; sleeps give it up (msleep). */
struct pipe {
	char		*pipe_buf;	/* PIPE_SIZE bytes */
	size_t		pipe_in;	/* next byte written goes here */
	size_t		pipe_out;	/* next byte read is here */
	size_t		pipe_cnt;	/* bytes buffered */
	bool		pipe_rclosed;	/* the read end is gone */
	bool		pipe_wclosed;	/* the write end is gone */
	struct spinlock	pipe_lock;
	char		pipe_rchan;	/* readers sleep here */
	char		pipe_wchan;	/* writers sleep here */
};

static int	pipe_read(struct file *, vaddr_t, size_t, size_t *);
static int	pipe_write(struct file *, vaddr_t, size_t, size_t *);
static void	pipe_close(struct file *);

static const struct fileops pipe_ops = {
	.fo_read = pipe_read,
	.fo_write = pipe_write,
	.fo_close = pipe_close,
	.fo_flags = DFLAG_PASSABLE,
};

/*
 * Both ends of a new pipe, or ENOMEM with nothing kept.  Its fail point,
 * debug.fail_point.pipe_create, fails the last step (the write end's file),
 * whose way out undoes every other.
 */
int
pipe_create(struct file **rfp, struct file **wfp)
{
	struct pipe *pp;
	paddr_t pa;
	int error;

	if ((pp = kzalloc(sizeof(*pp))) == NULL)
		return (ENOMEM);
	if ((error = page_alloc_order(&pa, PIPE_ORDER, 0)) != 0)
		goto fail_pipe;
	pp->pipe_buf = phys_to_kva(pa);
	pp->pipe_lock = (struct spinlock)SPINLOCK_INIT("pipe");
	if ((error = falloc(FREAD, DTYPE_PIPE, &pipe_ops, pp, rfp)) != 0)
		goto fail_buf;
	if ((error = FAIL_POINT_ERROR(pipe_create, ENOMEM)) != 0 ||
	    (error = falloc(FWRITE, DTYPE_PIPE, &pipe_ops, pp, wfp)) != 0)
		goto fail_rfile;
	return (0);

fail_rfile:
	/* Not fdrop: pipe_close would free the pipe under the other end. */
	kfree(*rfp);
fail_buf:
	page_free(kva_to_phys(pp->pipe_buf));
fail_pipe:
	kfree(pp);
	return (error);
}

/* Move up to len bytes from the ring to user memory; 0 or EFAULT. */
static int
pipe_copyout(struct pipe *pp, struct vmspace *vm, vaddr_t ubuf, size_t len,
    size_t *moved)
{
	size_t n;
	int error;

	*moved = 0;
	while (len > 0 && pp->pipe_cnt > 0) {
		n = MIN(MIN(len, pp->pipe_cnt), PIPE_SIZE - pp->pipe_out);
		error = copyout(vm, pp->pipe_buf + pp->pipe_out, ubuf, n);
		if (error != 0)
			return (error);
		pp->pipe_out = (pp->pipe_out + n) % PIPE_SIZE;
		pp->pipe_cnt -= n;
		ubuf += n;
		len -= n;
		*moved += n;
	}
	return (0);
}

/*
 * Move len bytes (which fit) from user memory into the ring.  Each piece
 * counts only once copyin has taken it whole, so an EFAULT leaves no
 * half-written piece behind.
 */
static int
pipe_copyin(struct pipe *pp, struct vmspace *vm, vaddr_t ubuf, size_t len,
    size_t *moved)
{
	size_t n;
	int error;

	KASSERT(len <= PIPE_SIZE - pp->pipe_cnt, "pipe_copyin overflow");
	*moved = 0;
	while (len > 0) {
		n = MIN(len, PIPE_SIZE - pp->pipe_in);
		error = copyin(vm, ubuf, pp->pipe_buf + pp->pipe_in, n);
		if (error != 0)
			return (error);
		pp->pipe_in = (pp->pipe_in + n) % PIPE_SIZE;
		pp->pipe_cnt += n;
		ubuf += n;
		len -= n;
		*moved += n;
	}
	return (0);
}

static int
pipe_read(struct file *fp, vaddr_t ubuf, size_t len, size_t *done)
{
	struct pipe *pp = fp->f_data;
	struct vmspace *vm = curproc()->p_vmspace;
	int error;

	*done = 0;
	if (len == 0)
		return (0);
	spin_lock(&pp->pipe_lock);
	while (pp->pipe_cnt == 0) {
		if (pp->pipe_wclosed) {
			spin_unlock(&pp->pipe_lock);
			return (0);
		}
		if (__atomic_load_n(&fp->f_flag, __ATOMIC_RELAXED) & FNONBLOCK) {
			spin_unlock(&pp->pipe_lock);
			return (EAGAIN);
		}
		if ((error = msleep(&pp->pipe_rchan, &pp->pipe_lock, PCATCH | PDROP,
		    "piperd", 0)) != 0)
			return (error);
		spin_lock(&pp->pipe_lock);
	}
	error = pipe_copyout(pp, vm, ubuf, len, done);
	if (*done > 0)
		wakeup(&pp->pipe_wchan);
	spin_unlock(&pp->pipe_lock);
	return (*done > 0 ? 0 : error);
}

static int
pipe_write(struct file *fp, vaddr_t ubuf, size_t len, size_t *done)
{
	struct pipe *pp = fp->f_data;
	struct vmspace *vm = curproc()->p_vmspace;
	size_t room, n, moved;
	int error = 0;

	*done = 0;
	spin_lock(&pp->pipe_lock);
	while (*done < len) {
		if (pp->pipe_rclosed) {
			error = EPIPE;
			break;
		}
		room = PIPE_SIZE - pp->pipe_cnt;
		/* Small writes go in whole or wait; others take any room. */
		if (room == 0 || (len <= PIPE_BUF && room < len)) {
			if (__atomic_load_n(&fp->f_flag, __ATOMIC_RELAXED) &
			    FNONBLOCK) {
				error = *done > 0 ? 0 : EAGAIN;
				break;
			}
			error = msleep(&pp->pipe_wchan, &pp->pipe_lock, PCATCH,
			    "pipewr", 0);
			if (error != 0) {
				/* A signal after some bytes went: a short write, not EINTR (POSIX). */
				if (*done > 0)
					error = 0;
				break;
			}
			continue;
		}
		n = MIN(room, len - *done);
		error = pipe_copyin(pp, vm, ubuf + *done, n, &moved);
		*done += moved;
		if (moved > 0)
			wakeup(&pp->pipe_rchan);
		if (error != 0)
			break;
	}
	spin_unlock(&pp->pipe_lock);
	return (error);
}

/* One end's last reference went: wake the other side; the second frees. */
static void
pipe_close(struct file *fp)
{
	struct pipe *pp = fp->f_data;
	bool both;

	spin_lock(&pp->pipe_lock);
	if (fp->f_flag & FREAD)
		pp->pipe_rclosed = true;
	else
		pp->pipe_wclosed = true;
	both = pp->pipe_rclosed && pp->pipe_wclosed;
	if (!both) {
		wakeup(&pp->pipe_rchan);
		wakeup(&pp->pipe_wchan);
	}
	spin_unlock(&pp->pipe_lock);
	if (both) {
		page_free(kva_to_phys(pp->pipe_buf));
		kfree(pp);
	}
}
