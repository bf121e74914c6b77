/*
 * Just enough of a flattened device tree (devicetree specification v0.3,
 * chapter 5) reader for start-up, shared by the platforms a boot loader
 * hands one (riscv64 from OpenSBI, aarch64 from QEMU): RAM from /memory*,
 * firmware holes from /reserved-memory/ * and the memory reservation
 * block, the CPUs and the timebase from /cpus, the PSCI conduit from
 * /psci, the command line and the boot loader's random seed from /chosen.
 * The blob is read in place through the direct map and stays mapped and
 * out of the page allocator for good (fdt_physmem), so bootargs may point
 * into it.
 */
#include "kernel.h"
#include "hal.h"
#include "physmem.h"

#include "fdt.h"

#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

struct fdt_header {
	uint32_t	magic;
	uint32_t	totalsize;
	uint32_t	off_dt_struct;
	uint32_t	off_dt_strings;
	uint32_t	off_mem_rsvmap;
	uint32_t	version;
	uint32_t	last_comp_version;
	uint32_t	boot_cpuid_phys;
	uint32_t	size_dt_strings;
	uint32_t	size_dt_struct;
};

static uint32_t
be32(const void *p)
{
	const uint8_t *b = p;

	return ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3]);
}

static uint64_t
be64(const void *p)
{
	return ((uint64_t)be32(p) << 32 | be32((const uint8_t *)p + 4));
}

/* A number of `cells` 32-bit cells (1 or 2) at p. */
static uint64_t
cells(const uint8_t *p, uint32_t n)
{
	return (n == 2 ? be64(p) : be32(p));
}

static bool
name_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return (strncmp(name, want, n) == 0 &&
	    (name[n] == '\0' || name[n] == '@'));
}

/* Append the (address, size) pairs of a reg property. */
static void
add_reg(const uint8_t *v, uint32_t len, uint32_t ac, uint32_t sc,
    unsigned *count, unsigned max, struct mem_range *out)
{
	uint32_t step = 4 * (ac + sc);

	for (; len >= step && *count < max; v += step, len -= step) {
		out[*count].base = cells(v, ac);
		out[*count].len = cells(v + 4 * ac, sc);
		if (out[*count].len != 0)
			(*count)++;
	}
}

/* The status of a usable device: "okay", or the older "ok" (spec 2.3.4). */
static bool
status_ok(const uint8_t *v, uint32_t len)
{
	return (len > 0 && (strcmp((const char *)v, "okay") == 0 ||
	    strcmp((const char *)v, "ok") == 0));
}

/*
 * Fill *info from the blob at dtb_pa.  Returns 0, or EINVAL if the blob
 * is not a device tree.
 */
int
fdt_parse(paddr_t dtb_pa, struct fdt_info *info)
{
	const struct fdt_header *h = phys_to_kva(dtb_pa);
	const uint8_t *base = (const uint8_t *)h, *p, *end, *strings, *rsv;
	uint32_t root_ac = 2, root_sc = 1, resv_ac = 2, resv_sc = 1;
	uint32_t cpus_ac = 1;
	const char *node[4] = { "", "", "", "" };
	int depth = -1;
	/* The cpu@N node being read: its reg and whether it may be used. */
	uint64_t cpu = 0;
	bool cpu_reg = false, cpu_ok = true;

	memset(info, 0, sizeof(*info));
	if (be32(&h->magic) != FDT_MAGIC)
		return (EINVAL);
	info->dtb_pa = dtb_pa;
	info->dtb_size = be32(&h->totalsize);

	for (rsv = base + be32(&h->off_mem_rsvmap);
	    info->nresv < nitems(info->resv); rsv += 16) {
		if (be64(rsv) == 0 && be64(rsv + 8) == 0)
			break;
		info->resv[info->nresv].base = be64(rsv);
		info->resv[info->nresv].len = be64(rsv + 8);
		info->nresv++;
	}

	strings = base + be32(&h->off_dt_strings);
	p = base + be32(&h->off_dt_struct);
	end = p + be32(&h->size_dt_struct);
	while (p < end) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			depth++;
			if (depth < (int)nitems(node))
				node[depth] = name;
			p += (strlen(name) + 1 + 3) & ~3ul;
			if (depth == 2) {
				cpu_reg = false;
				cpu_ok = true;
			}
		} else if (tok == FDT_END_NODE) {
			if (depth == 2 && name_is(node[1], "cpus") &&
			    name_is(node[2], "cpu") && cpu_reg && cpu_ok &&
			    info->ncpus < nitems(info->cpus))
				info->cpus[info->ncpus++] = cpu;
			depth--;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(p);
			const char *pname = (const char *)strings + be32(p + 4);
			const uint8_t *v = p + 8;
			p += 8 + ((len + 3) & ~3u);

			if (depth == 0) {
				if (strcmp(pname, "#address-cells") == 0)
					root_ac = be32(v);
				else if (strcmp(pname, "#size-cells") == 0)
					root_sc = be32(v);
			} else if (depth == 1 && name_is(node[1], "memory")) {
				if (strcmp(pname, "reg") == 0)
					add_reg(v, len, root_ac, root_sc,
					    &info->nmem, nitems(info->mem),
					    info->mem);
			} else if (depth == 1 &&
			    name_is(node[1], "reserved-memory")) {
				if (strcmp(pname, "#address-cells") == 0)
					resv_ac = be32(v);
				else if (strcmp(pname, "#size-cells") == 0)
					resv_sc = be32(v);
			} else if (depth == 2 &&
			    name_is(node[1], "reserved-memory")) {
				if (strcmp(pname, "reg") == 0)
					add_reg(v, len, resv_ac, resv_sc,
					    &info->nresv, nitems(info->resv),
					    info->resv);
			} else if (depth == 1 && name_is(node[1], "cpus")) {
				if (strcmp(pname, "timebase-frequency") == 0)
					info->timebase_hz = cells(v,
					    len >= 8 ? 2 : 1);
				else if (strcmp(pname, "#address-cells") == 0)
					cpus_ac = be32(v);
			} else if (depth == 2 && name_is(node[1], "cpus") &&
			    name_is(node[2], "cpu")) {
				if (strcmp(pname, "reg") == 0 &&
				    len >= 4 * cpus_ac) {
					cpu = cells(v, cpus_ac);
					cpu_reg = true;
				} else if (strcmp(pname, "status") == 0)
					cpu_ok = status_ok(v, len);
			} else if (depth == 1 && name_is(node[1], "psci")) {
				if (strcmp(pname, "method") == 0)
					info->psci_smc = strcmp((const char *)v, "smc") == 0;
			} else if (depth == 1 && name_is(node[1], "chosen")) {
				if (strcmp(pname, "bootargs") == 0 && len > 0)
					info->bootargs = (const char *)v;
				else if (strcmp(pname, "rng-seed") == 0) {
					/* Writable: the taker wipes it. */
					info->rng_seed = (uint8_t *)(uintptr_t)v;
					info->rng_seed_len = len;
				}
			}
		} else if (tok == FDT_NOP) {
			continue;
		} else {
			break;	/* FDT_END or garbage */
		}
	}
	return (0);
}

/*
 * Register with physmem the device tree's RAM and what of it is taken:
 * the memory reservation block and /reserved-memory, [taken_start,
 * taken_end) (the platform's firmware and image), and the blob itself,
 * which stays mapped for good.  Returns where the direct map must end:
 * past the highest RAM address, in whole dmap_unit, at most dmap_max;
 * RAM beyond that is left out, and said so.
 */
paddr_t
fdt_physmem(const struct fdt_info *fi, paddr_t taken_start, paddr_t taken_end,
    paddr_t dmap_unit, paddr_t dmap_max)
{
	paddr_t ram_end = 0, dmap_end, e;
	unsigned i;

	for (i = 0; i < fi->nmem; i++)
		ram_end = MAX(ram_end, fi->mem[i].base + fi->mem[i].len);
	dmap_end = (ram_end + dmap_unit - 1) & ~(dmap_unit - 1);
	if (dmap_end > dmap_max || dmap_end < ram_end) {
		printf("fdt: RAM above %lu MiB (up to %#lx) left unused\n",
		    (unsigned long)(dmap_max >> 20), (unsigned long)ram_end);
		dmap_end = dmap_max;
	}
	for (i = 0; i < fi->nmem; i++) {
		e = MIN(fi->mem[i].base + fi->mem[i].len, dmap_end);
		if (fi->mem[i].base < e)
			physmem_add_ram(fi->mem[i].base, e - fi->mem[i].base);
	}
	for (i = 0; i < fi->nresv; i++)
		physmem_exclude(fi->resv[i].base, fi->resv[i].len);
	physmem_exclude(taken_start, taken_end - taken_start);
	physmem_exclude(fi->dtb_pa, fi->dtb_size);
	return (dmap_end);
}

/*
 * The boot loader's seed (QEMU's virt boards put 32 random bytes in
 * /chosen/rng-seed), kept here until the platform's hal_entropy() hands
 * it out.  The device tree stays mapped for good, so its copy is wiped
 * at once, and ours as it is handed out: a seed is secret, and given out
 * once (a second caller must not count the same bytes as fresh entropy).
 */
static uint8_t boot_seed[64];
static size_t boot_seed_len, boot_seed_taken;

void
fdt_seed_take(const struct fdt_info *fi)
{
	volatile uint8_t *v = fi->rng_seed;
	size_t i;

	if (v == NULL)
		return;
	boot_seed_len = MIN(fi->rng_seed_len, sizeof(boot_seed));
	for (i = 0; i < fi->rng_seed_len; i++) {
		if (i < boot_seed_len)
			boot_seed[i] = v[i];
		v[i] = 0;
	}
}

size_t
fdt_seed_read(void *buf, size_t len)
{
	volatile uint8_t *seed = boot_seed;
	uint8_t *b = buf;
	size_t n = MIN(len, boot_seed_len - boot_seed_taken), i;

	for (i = 0; i < n; i++) {
		b[i] = seed[boot_seed_taken + i];
		seed[boot_seed_taken + i] = 0;
	}
	boot_seed_taken += n;
	return (n);
}
