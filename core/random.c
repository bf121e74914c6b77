/*
 * The kernel random source: OpenBSD's arc4random (lib/libc/crypt/
 * arc4random.c), ChaCha20 as a keystream generator with fast key erasure
 * (Bernstein, "Fast-key-erasure random-number generators", 2017).
 *
 * A buffer of RS_BUFSZ bytes of keystream is made at a time; its first 40
 * bytes become the next key and nonce at once and are wiped, and each
 * byte handed out is wiped as it goes, so that what the kernel's memory
 * holds at any moment tells nothing about numbers already given out.
 * Data is mixed in (rs_absorb) by XORing it into a fresh block before
 * that block becomes the key.
 *
 * The seed is the platform's hal_entropy() and, when that gives fewer
 * than RANDOM_SEED_HW_MIN trustworthy bytes, the jitter of the cycle
 * counter and the timer read around a data-dependent delay: under QEMU's
 * TCG both follow the host's clock, so the readings vary with how the
 * host schedules the emulator.  (Under -icount they are a function of
 * the instruction count and repeat from boot to boot: a benchmark
 * setting, not a secret.)  Each refill of the buffer also mixes in one
 * reading of each, so that a state that leaked does not stay predictable
 * forever once time has moved.
 */
#include "hal.h"
#include "kernel.h"
#include "random.h"
#include "sysctl.h"

#define RS_KEYSZ	32
#define RS_IVSZ		8
#define RS_BLOCKSZ	64
#define RS_BUFSZ	(8 * RS_BLOCKSZ)
#define JITTER_SAMPLES	512
#define HW_SEED_BYTES	64

_Static_assert(RS_KEYSZ + RS_IVSZ <= RS_BLOCKSZ, "rekey reads one block");

/*
 * Locking: (e) random_lock, a leaf; random_init runs before any other CPU
 * or lock exists and takes none.  (b) set by random_init, then constant.
 */
static struct spinlock random_lock = SPINLOCK_INIT("random");
/* (e) constants, key, counter, nonce; a valid (if known) state even before random_init. */
static uint32_t rs_state[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
static uint8_t rs_buf[RS_BUFSZ];	/* (e) keystream; what is handed out is wiped */
static size_t rs_have;			/* (e) bytes left at the end of rs_buf */
size_t random_hw_bytes;			/* (b) set by random_init */
SYSCTL_INT("kern.random.hw_bytes", random_hw_bytes);

#define ROTL32(v, n)	(((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d) do {						\
	a += b; d ^= a; d = ROTL32(d, 16);				\
	c += d; b ^= c; b = ROTL32(b, 12);				\
	a += b; d ^= a; d = ROTL32(d, 8);				\
	c += d; b ^= c; b = ROTL32(b, 7);				\
} while (0)

void
chacha20_block(uint32_t out[16], const uint32_t in[16])
{
	uint32_t x[16];
	int i;

	for (i = 0; i < 16; i++)
		x[i] = in[i];
	for (i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

static uint32_t
le32(const uint8_t *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/* "expand 32-byte k", a new key and nonce from kv, the block counter at 0. */
static void
rs_setkey(const uint8_t *kv)
{
	static const uint32_t sigma[4] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574
	};
	int i;

	for (i = 0; i < 4; i++)
		rs_state[i] = sigma[i];
	for (i = 0; i < 8; i++)
		rs_state[4 + i] = le32(kv + 4 * i);
	rs_state[12] = rs_state[13] = 0;
	rs_state[14] = le32(kv + RS_KEYSZ);
	rs_state[15] = le32(kv + RS_KEYSZ + 4);
}

/* nblocks blocks of keystream into out, little-endian, advancing the counter. */
static void
rs_keystream(uint8_t *out, size_t nblocks)
{
	uint32_t w[16];

	for (size_t b = 0; b < nblocks; b++) {
		chacha20_block(w, rs_state);
		for (int i = 0; i < 16; i++) {
			out[4 * i] = (uint8_t)w[i];
			out[4 * i + 1] = (uint8_t)(w[i] >> 8);
			out[4 * i + 2] = (uint8_t)(w[i] >> 16);
			out[4 * i + 3] = (uint8_t)(w[i] >> 24);
		}
		out += RS_BLOCKSZ;
		if (++rs_state[12] == 0)
			rs_state[13]++;
	}
	memset(w, 0, sizeof(w));
}

/*
 * Mix len bytes of data into the key: one block of keystream, the data
 * XORed into its start (40 bytes at a time), its first 40 bytes the next
 * key and nonce.  What was left in the buffer came from the old key: it
 * goes.
 */
static void
rs_absorb(const void *data, size_t len)
{
	const uint8_t *d = data;
	uint8_t blk[RS_BLOCKSZ];

	do {
		size_t n = MIN(len, (size_t)(RS_KEYSZ + RS_IVSZ));

		rs_keystream(blk, 1);
		for (size_t i = 0; i < n; i++)
			blk[i] ^= d[i];
		rs_setkey(blk);
		d += n;
		len -= n;
	} while (len > 0);
	memset(blk, 0, sizeof(blk));
	memset(rs_buf, 0, sizeof(rs_buf));
	rs_have = 0;
}

/* A new buffer: its head becomes the next key at once (fast key erasure). */
static void
rs_refill(void)
{
	uint64_t t[2] = { hal_cycles(), hal_time_ns() };

	rs_keystream(rs_buf, RS_BUFSZ / RS_BLOCKSZ);
	for (size_t i = 0; i < sizeof(t); i++)
		rs_buf[i] ^= ((const uint8_t *)t)[i];
	rs_setkey(rs_buf);
	memset(rs_buf, 0, RS_KEYSZ + RS_IVSZ);
	rs_have = RS_BUFSZ - RS_KEYSZ - RS_IVSZ;
}

/*
 * Readings of the cycle counter and the timer, each after a delay that
 * depends on the previous reading, so that each folds in how long the
 * last took.  Five 8-byte samples fill one absorb.
 */
static void
random_jitter(void)
{
	uint64_t chunk[5];
	uint64_t ns, t = hal_cycles();
	unsigned k = 0;

	for (unsigned i = 0; i < JITTER_SAMPLES; i++) {
		for (volatile unsigned j = (unsigned)(t % 61) + 1; j > 0; j--)
			continue;
		t = hal_cycles();
		ns = hal_time_ns();
		chunk[k++] = t ^ (ns << 32 | ns >> 32);
		if (k == nitems(chunk)) {
			rs_absorb(chunk, sizeof(chunk));
			k = 0;
		}
	}
	memset(chunk, 0, sizeof(chunk));
}

void
random_init(void)
{
	uint8_t hw[HW_SEED_BYTES];
	uint64_t t[2];
	size_t got;

	memset(hw, 0, sizeof(hw));
	/* Once: MIN would call it twice, and a boot seed is handed out once (hal.h). */
	got = hal_entropy(hw, sizeof(hw));
	random_hw_bytes = MIN(got, sizeof(hw));
	rs_setkey(hw);
	rs_absorb(hw, sizeof(hw));
	memset(hw, 0, sizeof(hw));
	if (random_hw_bytes < RANDOM_SEED_HW_MIN)
		random_jitter();
	t[0] = hal_cycles();
	t[1] = hal_time_ns();
	rs_absorb(t, sizeof(t));
}

void
kern_random_bytes(void *buf, size_t len)
{
	uint8_t *out = buf;

	spin_lock(&random_lock);
	while (len > 0) {
		size_t n;
		uint8_t *ks;

		if (rs_have == 0)
			rs_refill();
		n = MIN(len, rs_have);
		ks = rs_buf + RS_BUFSZ - rs_have;
		memcpy(out, ks, n);
		memset(ks, 0, n);
		out += n;
		len -= n;
		rs_have -= n;
	}
	spin_unlock(&random_lock);
}

uint64_t
kern_random(void)
{
	uint64_t v;

	kern_random_bytes(&v, sizeof(v));
	return (v);
}
