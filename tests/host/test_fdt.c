/*
 * platform/fdt/fdt.c: the device tree reader riscv64 and aarch64 boot
 * with, on blobs built here the way QEMU's virt boards lay them out:
 * what fdt_parse takes from each node (and what it must not: a disabled
 * CPU, cpu-map beside the cpu@N nodes, a blob that is no device tree),
 * the RAM and holes fdt_physmem gives physmem, and the seed handed out
 * once and wiped from the tree.
 */
#include "fake_hal.h"
#include "host_libc.h"
#include "kernel.h"
#include "hal.h"
#include "physmem.h"
#include "tap.h"

#include "fdt.h"
#include "free_list.h"

#define FDT_MAGIC	0xd00dfeed
#define BEGIN_NODE	1
#define END_NODE	2
#define PROP		3
#define END		9

/* A blob under construction: the structure block and the strings apart. */
static struct {
	uint8_t		strct[4096], strings[1024];
	size_t		nstrct, nstrings;
	uint64_t	rsv[8][2];
	unsigned	nrsv;
} b;
static uint8_t blob[8192] __attribute__((aligned(8)));

static void
be32_at(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put(const void *data, size_t len)
{
	memcpy(b.strct + b.nstrct, data, len);
	b.nstrct += len;
	while (b.nstrct & 3)
		b.strct[b.nstrct++] = 0;
}

static void
put32(uint32_t v)
{
	be32_at(b.strct + b.nstrct, v);
	b.nstrct += 4;
}

static uint32_t
string_off(const char *s)
{
	size_t n = strlen(s) + 1;

	for (size_t off = 0; off < b.nstrings; off += strlen((char *)b.strings + off) + 1)
		if (strcmp((char *)b.strings + off, s) == 0)
			return ((uint32_t)off);
	memcpy(b.strings + b.nstrings, s, n);
	b.nstrings += n;
	return ((uint32_t)(b.nstrings - n));
}

static void
node(const char *name)
{
	put32(BEGIN_NODE);
	put(name, strlen(name) + 1);
}

static void
end(void)
{
	put32(END_NODE);
}

static void
prop(const char *name, const void *v, size_t len)
{
	put32(PROP);
	put32((uint32_t)len);
	put32(string_off(name));
	put(v, len);
}

static void
prop_str(const char *name, const char *s)
{
	prop(name, s, strlen(s) + 1);
}

/* A property of n 32-bit cells. */
static void
prop_cells(const char *name, const uint32_t *c, size_t n)
{
	uint8_t v[64];

	for (size_t i = 0; i < n; i++)
		be32_at(v + 4 * i, c[i]);
	prop(name, v, 4 * n);
}

#define CELLS(name, ...)						\
	do {								\
		const uint32_t c_[] = { __VA_ARGS__ };			\
		prop_cells(name, c_, nitems(c_));			\
	} while (0)

/* Header, reservation block, structure, strings: the blob, at what paddr. */
static paddr_t
finish(void)
{
	size_t off_rsv = 40, off_struct, off_strings, total;

	put32(END);
	off_struct = off_rsv + 16 * (b.nrsv + 1);
	off_strings = off_struct + b.nstrct;
	total = off_strings + b.nstrings;
	memset(blob, 0, sizeof(blob));
	be32_at(blob, FDT_MAGIC);
	be32_at(blob + 4, (uint32_t)total);
	be32_at(blob + 8, (uint32_t)off_struct);
	be32_at(blob + 12, (uint32_t)off_strings);
	be32_at(blob + 16, (uint32_t)off_rsv);
	be32_at(blob + 20, 17);
	be32_at(blob + 24, 16);
	be32_at(blob + 32, (uint32_t)b.nstrings);
	be32_at(blob + 36, (uint32_t)b.nstrct);
	for (unsigned i = 0; i < b.nrsv; i++) {
		be32_at(blob + off_rsv + 16 * i, (uint32_t)(b.rsv[i][0] >> 32));
		be32_at(blob + off_rsv + 16 * i + 4, (uint32_t)b.rsv[i][0]);
		be32_at(blob + off_rsv + 16 * i + 8, (uint32_t)(b.rsv[i][1] >> 32));
		be32_at(blob + off_rsv + 16 * i + 12, (uint32_t)b.rsv[i][1]);
	}
	memcpy(blob + off_struct, b.strct, b.nstrct);
	memcpy(blob + off_strings, b.strings, b.nstrings);
	memset(&b, 0, sizeof(b));
	return (kva_to_phys(blob));
}

static uint8_t seed_in[32];

/*
 * riscv64's virt board, near enough: two cells of address and size, RAM
 * in two ranges, OpenSBI's region under /reserved-memory and one in the
 * reservation block, four CPUs of which one is disabled, a cpu-map.
 */
static paddr_t
virt_tree(const char *psci_method)
{
	b.rsv[b.nrsv][0] = 0x87000000;
	b.rsv[b.nrsv++][1] = 0x1000;
	node("");
	CELLS("#address-cells", 2);
	CELLS("#size-cells", 2);
	node("memory@80000000");
	prop_str("device_type", "memory");
	CELLS("reg", 0, 0x80000000, 0, 0x8000000, 0, 0x90000000, 0, 0x1000000);
	end();
	node("reserved-memory");
	CELLS("#address-cells", 2);
	CELLS("#size-cells", 2);
	node("mmode_resv0@80000000");
	CELLS("reg", 0, 0x80000000, 0, 0x40000);
	end();
	end();
	node("cpus");
	CELLS("#address-cells", 1);
	CELLS("#size-cells", 0);
	CELLS("timebase-frequency", 10000000);
	node("cpu@0");
	CELLS("reg", 0);
	prop_str("status", "okay");
	end();
	node("cpu@1");
	CELLS("reg", 1);
	prop_str("status", "disabled");
	end();
	node("cpu@2");
	CELLS("reg", 2);
	prop_str("status", "ok");
	end();
	node("cpu@3");
	CELLS("reg", 3);
	end();
	node("cpu-map");
	node("cluster0");
	node("core0");
	CELLS("cpu", 1);
	end();
	end();
	CELLS("reg", 99);
	end();
	end();
	if (psci_method != NULL) {
		node("psci");
		prop_str("method", psci_method);
		end();
	}
	node("chosen");
	prop_str("bootargs", "smoke --iterations 3");
	for (unsigned i = 0; i < sizeof(seed_in); i++)
		seed_in[i] = (uint8_t)(0xa0 + i);
	prop("rng-seed", seed_in, sizeof(seed_in));
	end();
	end();
	return (finish());
}

static struct fdt_info fi;

static void
parse_tree(void)
{
	int error = fdt_parse(virt_tree("smc"), &fi);

	ok(error == 0, "a device tree parses (%d)", error);
	ok(fi.nmem == 2 && fi.mem[0].base == 0x80000000 && fi.mem[0].len == 0x8000000 &&
	    fi.mem[1].base == 0x90000000 && fi.mem[1].len == 0x1000000,
	    "both ranges of /memory's reg, in two cells each");
	ok(fi.nresv == 2 && fi.resv[0].base == 0x87000000 && fi.resv[0].len == 0x1000 &&
	    fi.resv[1].base == 0x80000000 && fi.resv[1].len == 0x40000,
	    "the reservation block's entry and /reserved-memory's child");
	ok(fi.ncpus == 3 && fi.cpus[0] == 0 && fi.cpus[1] == 2 && fi.cpus[2] == 3,
	    "the CPUs whose status is okay, ok or absent, not the disabled one nor cpu-map "
	    "(%u)", fi.ncpus);
	ok(fi.timebase_hz == 10000000, "the timebase from /cpus");
	ok(fi.psci_smc, "PSCI's method smc");
	ok(fi.bootargs != NULL && strcmp(fi.bootargs, "smoke --iterations 3") == 0,
	    "the command line from /chosen/bootargs");
	ok(fi.rng_seed != NULL && fi.rng_seed_len == sizeof(seed_in) &&
	    memcmp(fi.rng_seed, seed_in, sizeof(seed_in)) == 0,
	    "the seed from /chosen/rng-seed, in place");
	ok(fi.dtb_pa == kva_to_phys(blob) && fi.dtb_size > 40 && fi.dtb_size < sizeof(blob),
	    "where the blob is and how long");
}

static void
seed_once(void)
{
	uint8_t out[64];
	bool wiped = true;
	size_t n1, n2, n3;

	fdt_seed_take(&fi);
	for (size_t i = 0; i < fi.rng_seed_len; i++)
		wiped &= fi.rng_seed[i] == 0;
	ok(wiped, "taking the seed wipes the tree's copy");
	n1 = fdt_seed_read(out, 16);
	ok(n1 == 16 && memcmp(out, seed_in, 16) == 0, "the first read gets its first bytes");
	n2 = fdt_seed_read(out, sizeof(out));
	ok(n2 == 16 && memcmp(out, seed_in + 16, 16) == 0,
	    "a longer read gets only what is left (%zu)", n2);
	n3 = fdt_seed_read(out, sizeof(out));
	ok(n3 == 0, "then nothing: a seed is handed out once");
}

/*
 * The direct map ends at 0x90000000 (2 MiB units), so the second RAM
 * range is left out; the image's [0x80000000, 0x80400000) and the two
 * reservations come off the first.
 */
static void
physmem_from_tree(void)
{
	static const struct want want[] = {
		{ 0x80400000, 0x87000000 }, { 0x87001000, 0x88000000 },
	};
	paddr_t dmap_end;

	dmap_end = fdt_physmem(&fi, 0x80000000, 0x80400000, 2 << 20, 0x90000000);
	ok(dmap_end == 0x90000000, "RAM past dmap_max is left out: the map ends there (%#lx)",
	    (unsigned long)dmap_end);
	ok(free_is(want, nitems(want)), "physmem has the RAM less the image and both reservations");
}

static void
other_trees(void)
{
	struct fdt_info f2;
	paddr_t pa;

	pa = virt_tree("hvc");
	ok(fdt_parse(pa, &f2) == 0 && !f2.psci_smc, "PSCI's method hvc");
	pa = virt_tree(NULL);
	ok(fdt_parse(pa, &f2) == 0 && !f2.psci_smc, "no /psci node: hvc, the default");
	/* The spec's defaults, 2 cells of address and 1 of size, and no /chosen. */
	node("");
	node("memory");
	CELLS("reg", 0, 0x40000000, 0x10000000);
	end();
	end();
	ok(fdt_parse(finish(), &f2) == 0 && f2.nmem == 1 && f2.mem[0].base == 0x40000000 &&
	    f2.mem[0].len == 0x10000000 && f2.bootargs == NULL && f2.rng_seed == NULL &&
	    f2.ncpus == 0 && f2.timebase_hz == 0,
	    "default cells; no /chosen or /cpus leaves their fields empty");
	memset(blob, 0, sizeof(blob));
	ok(fdt_parse(kva_to_phys(blob), &f2) == EINVAL, "a blob without the magic is EINVAL");
}

int
main(void)
{
	parse_tree();
	seed_once();
	physmem_from_tree();
	other_trees();
	return (done());
}
