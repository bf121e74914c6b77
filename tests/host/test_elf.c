/*
 * The ELF loader's validation: a good image parses, and every truncated
 * or malformed variant is ENOEXEC, never a crash (run this under ASan).
 */

#include "elf.h"
#include "host_libc.h"
#include "kernel.h"
#include "tap.h"

#define EM_TEST		EM_X86_64	/* EM_RISCV is "another machine" */
#define BASE		0x400000ul

struct image {
	struct {
		uint8_t ident[16];
		uint16_t type, machine;
		uint32_t version;
		uint64_t entry, phoff, shoff;
		uint32_t flags;
		uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	} eh;
	struct {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;
	} ph[2];
	uint8_t text[64];
	uint8_t data[32];
};

static void
good_image(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.ident, "\177ELF\2\1\1", 7);
	im->eh.type = 2;
	im->eh.machine = EM_TEST;
	im->eh.version = 1;
	im->eh.entry = BASE + 8;
	im->eh.phoff = offsetof(struct image, ph);
	im->eh.ehsize = sizeof(im->eh);
	im->eh.phentsize = sizeof(im->ph[0]);
	im->eh.phnum = 2;
	im->ph[0].type = 1;
	im->ph[0].flags = 5;	/* r-x */
	im->ph[0].offset = offsetof(struct image, text);
	im->ph[0].vaddr = BASE;
	im->ph[0].filesz = sizeof(im->text);
	im->ph[0].memsz = sizeof(im->text);
	im->ph[1].type = 1;
	im->ph[1].flags = 6;	/* rw- */
	im->ph[1].offset = offsetof(struct image, data);
	im->ph[1].vaddr = BASE + 0x1000;
	im->ph[1].filesz = sizeof(im->data);
	im->ph[1].memsz = 0x3000;
}

/* Parse a heap copy of exactly len bytes, so ASan sees any overread. */
static int
parse(const struct image *im, size_t len, struct elf_image *out)
{
	void *copy = aligned_alloc(8, len == 0 ? 8 : (len + 7) & ~7ul);
	int r;

	memcpy(copy, im, len);
	r = elf_parse(copy, len, EM_TEST, out);
	free(copy);
	return (r);
}

#define BAD(what, mutation) do {					\
	good_image(&im);						\
	mutation;							\
	ok(parse(&im, sizeof(im), &out) == ENOEXEC, "%s is ENOEXEC", what);	\
} while (0)

int
main(void)
{
	struct image im;
	struct elf_image out;
	bool trunc_ok = true;
	size_t need;

	good_image(&im);
	ok(parse(&im, sizeof(im), &out) == 0, "a well-formed executable parses");
	ok(out.entry == BASE + 8 && out.nsegs == 2, "entry and segment count are read");
	ok(out.segs[0].prot == (VM_PROT_READ | VM_PROT_EXEC) &&
	    out.segs[1].prot == (VM_PROT_READ | VM_PROT_WRITE),
	    "segment flags become protections");
	ok(out.segs[1].filesz == 32 && out.segs[1].memsz == 0x3000,
	    "a bss tail is kept as memsz past filesz");

	need = offsetof(struct image, data) + sizeof(im.data);
	for (size_t len = 0; len < need; len++)
		if (parse(&im, len, &out) != ENOEXEC)
			trunc_ok = false;
	ok(trunc_ok, "every truncation of the file (0..%zu bytes) is ENOEXEC", need - 1);
	ok(elf_parse(NULL, 100, EM_TEST, &out) == ENOEXEC, "a NULL image is ENOEXEC");

	BAD("a bad magic number", im.eh.ident[1] = 'X');
	BAD("a 32-bit class", im.eh.ident[4] = 1);
	BAD("big-endian data", im.eh.ident[5] = 2);
	BAD("a shared object (ET_DYN)", im.eh.type = 3);
	BAD("another machine", im.eh.machine = EM_RISCV);
	BAD("a wrong program header size", im.eh.phentsize = 40);
	BAD("no program headers", im.eh.phnum = 0);
	BAD("program headers past the end", im.eh.phoff = sizeof(im));
	BAD("a program header count that overflows", im.eh.phnum = 0xffff);
	BAD("a huge program header offset", im.eh.phoff = ~0ul - 8);
	BAD("segment data past the end of the file", im.ph[1].filesz = 4096);
	BAD("a segment offset that wraps around",
	    (im.ph[1].offset = ~0ul - 4, im.ph[1].filesz = 16));
	BAD("filesz larger than memsz", im.ph[1].memsz = 8);
	BAD("a segment in kernel space", im.ph[1].vaddr = 0xffffffff80000000ul);
	BAD("a segment below the user range", im.ph[0].vaddr = 0x1000);
	BAD("a segment whose end wraps", im.ph[1].memsz = ~0ul - 0x1000);
	BAD("segments sharing a page", im.ph[1].vaddr = BASE + 0x40);
	BAD("segments out of order", im.ph[1].vaddr = BASE - 0x10000);
	BAD("an entry point outside every segment", im.eh.entry = BASE + 0x10000);
	BAD("an entry point in a non-executable segment", im.eh.entry = BASE + 0x1000);
	BAD("no loadable segment", (im.ph[0].type = 0, im.ph[1].type = 0));
	BAD("an empty segment", im.ph[0].memsz = 0);
	return (done());
}
