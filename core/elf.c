/*
 * ELF64 header and program-header validation.  Pure: no allocation, no
 * mapping, so the host tests can feed it every kind of broken file.
 */
#include "elf.h"
#include "kernel.h"
#include "vmparam.h"

#define EI_NIDENT	16
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1
#define ET_EXEC		2
#define PT_LOAD		1
#define PF_X		0x1
#define PF_W		0x2
#define PF_R		0x4

struct elf64_ehdr {
	uint8_t		e_ident[EI_NIDENT];
	uint16_t	e_type;
	uint16_t	e_machine;
	uint32_t	e_version;
	uint64_t	e_entry;
	uint64_t	e_phoff;
	uint64_t	e_shoff;
	uint32_t	e_flags;
	uint16_t	e_ehsize;
	uint16_t	e_phentsize;
	uint16_t	e_phnum;
	uint16_t	e_shentsize;
	uint16_t	e_shnum;
	uint16_t	e_shstrndx;
};

struct elf64_phdr {
	uint32_t	p_type;
	uint32_t	p_flags;
	uint64_t	p_offset;
	uint64_t	p_vaddr;
	uint64_t	p_paddr;
	uint64_t	p_filesz;
	uint64_t	p_memsz;
	uint64_t	p_align;
};

/* [off, off + n) lies inside a file of len bytes, without overflow. */
static bool
in_file(uint64_t off, uint64_t n, size_t len)
{
	return (off <= len && n <= len - off);
}

static bool
seg_ok(const struct elf64_phdr *ph, size_t len)
{
	if (ph->p_filesz > ph->p_memsz || ph->p_memsz == 0)
		return (false);
	if (!in_file(ph->p_offset, ph->p_filesz, len))
		return (false);
	if (ph->p_vaddr < VM_MIN_USER || ph->p_vaddr >= VM_MAX_USER ||
	    ph->p_memsz > VM_MAX_USER - ph->p_vaddr)
		return (false);
	/* The file bytes are copied, so offset and address need not agree on alignment. */
	return (true);
}

int
elf_parse(const void *img, size_t len, uint16_t machine, struct elf_image *out)
{
	const struct elf64_ehdr *eh = img;
	bool entry_ok = false;

	if (img == NULL || len < sizeof(*eh) || ((uintptr_t)img & 7) != 0)
		return (ENOEXEC);
	if (memcmp(eh->e_ident, "\177ELF", 4) != 0 ||
	    eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB ||
	    eh->e_ident[6] != EV_CURRENT || eh->e_version != EV_CURRENT ||
	    eh->e_type != ET_EXEC || eh->e_machine != machine)
		return (ENOEXEC);
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    (eh->e_phoff & 7) != 0 ||
	    !in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), len))
		return (ENOEXEC);

	out->nsegs = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = (const void *)((const char *)img +
		    eh->e_phoff + i * sizeof(*ph));
		struct elf_seg *s;

		if (ph->p_type != PT_LOAD)
			continue;
		if (!seg_ok(ph, len) || out->nsegs == ELF_MAX_SEGS)
			return (ENOEXEC);
		/* Segments come in address order and never share a page. */
		if (out->nsegs > 0) {
			const struct elf_seg *prev = &out->segs[out->nsegs - 1];

			if (trunc_page(ph->p_vaddr) < round_page(prev->vaddr + prev->memsz))
				return (ENOEXEC);
		}
		s = &out->segs[out->nsegs++];
		s->vaddr = ph->p_vaddr;
		s->memsz = ph->p_memsz;
		s->filesz = ph->p_filesz;
		s->offset = ph->p_offset;
		s->prot = ((ph->p_flags & PF_R) ? VM_PROT_READ : 0) |
		    ((ph->p_flags & PF_W) ? VM_PROT_WRITE : 0) |
		    ((ph->p_flags & PF_X) ? VM_PROT_EXEC : 0);
		if ((s->prot & VM_PROT_EXEC) && eh->e_entry >= s->vaddr &&
		    eh->e_entry < s->vaddr + s->memsz)
			entry_ok = true;
	}
	if (out->nsegs == 0 || !entry_ok)
		return (ENOEXEC);
	out->entry = eh->e_entry;
	return (0);
}
