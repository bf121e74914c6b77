/*
 * core/random.c against the fake HAL: ChaCha20's block function against
 * the published vectors (RFC 8439 2.3.2, and the all-zero key's first
 * blocks, RFC 8439 A.1), the seed's sources (hardware bytes counted, the
 * jitter gathered only when they are too few, each source changing what
 * comes out), and the output across buffer refills: no repeated word,
 * balanced bits, kern_random_pow2 in range.
 */
#include "fake_hal.h"
#include "host_libc.h"
#include "kernel.h"
#include "random.h"
#include "tap.h"

static int
hexbytes(const char *hex, uint8_t *out)
{
	int n = 0;

	for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2) {
		int hi = hex[0] <= '9' ? hex[0] - '0' : hex[0] - 'a' + 10;
		int lo = hex[1] <= '9' ? hex[1] - '0' : hex[1] - 'a' + 10;

		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	return (n);
}

/* The 64 keystream bytes of a state, little-endian as they are used. */
static void
block_bytes(const uint32_t in[16], uint8_t out[64])
{
	uint32_t w[16];

	chacha20_block(w, in);
	for (int i = 0; i < 16; i++)
		for (int b = 0; b < 4; b++)
			out[4 * i + b] = (uint8_t)(w[i] >> (8 * b));
}

static void
test_vectors(void)
{
	uint32_t st[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	uint8_t got[64], want[64];

	/* RFC 8439 2.3.2: key 00..1f, counter 1, nonce 000000090000004a00000000. */
	for (int i = 0; i < 8; i++)
		st[4 + i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
		    (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
	st[12] = 1;
	st[13] = 0x09000000;
	st[14] = 0x4a000000;
	st[15] = 0;
	block_bytes(st, got);
	hexbytes("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e", want);
	ok(memcmp(got, want, 64) == 0, "chacha20_block gives RFC 8439 2.3.2's keystream");

	/* The zero key and nonce, blocks 0 and 1. */
	for (int i = 4; i < 16; i++)
		st[i] = 0;
	block_bytes(st, got);
	hexbytes("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586", want);
	ok(memcmp(got, want, 64) == 0, "chacha20_block of the zero key, block 0");
	st[12] = 1;
	block_bytes(st, got);
	hexbytes("9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
	    "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f", want);
	ok(memcmp(got, want, 64) == 0, "chacha20_block of the zero key, block 1 (the counter)");
}

/* Seed with hw bytes of hardware entropy and the clock at clock; the first output. */
static uint64_t
seeded(const uint8_t *hw, size_t hwlen, uint64_t clock, uint64_t *readings)
{
	fake_entropy = hw;
	fake_entropy_len = hwlen;
	fake_clock = clock;
	random_init();
	*readings = fake_clock - clock;
	return (kern_random());
}

static void
test_seed(void)
{
	uint8_t hw[64], hw2[64];
	uint64_t a, b, c, d, r0, r1;

	for (int i = 0; i < 64; i++) {
		hw[i] = (uint8_t)(i * 37 + 1);
		hw2[i] = hw[i];
	}
	hw2[63] ^= 1;
	a = seeded(NULL, 0, 1000, &r0);
	ok(random_hw_bytes == 0 && r0 > 512 * 10,
	    "without hardware bytes the seed gathers jitter (%lu clock steps)",
	    (unsigned long)r0);
	b = seeded(hw, 64, 1000, &r1);
	ok(random_hw_bytes == 64 && r1 < 100,
	    "with 64 hardware bytes hw_bytes says 64 and no jitter is gathered (%lu steps)",
	    (unsigned long)r1);
	c = seeded(hw2, 64, 1000, &r1);
	d = seeded(hw, 64, 1001, &r1);
	ok(a != b && b != c && b != d && c != d,
	    "one bit of hardware seed, or one tick of the clock, changes the output");
	seeded(hw, 16, 1000, &r1);
	ok(random_hw_bytes == 16 && r1 > 512 * 10,
	    "with 16 hardware bytes (below %d) the jitter is gathered too", RANDOM_SEED_HW_MIN);
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static void
test_output(void)
{
	enum { NWORDS = 16384 };
	uint64_t *w = calloc(NWORDS, sizeof(*w)), r;
	uint8_t odd[13];
	size_t ones = 0, dups = 0, n = 0;
	int bad = 0;

	fake_entropy_len = 0;
	random_init();
	/* Odd-sized requests straddle the buffer's refills. */
	while (n + 2 <= NWORDS) {
		kern_random_bytes(odd, sizeof(odd));
		memcpy(&w[n++], odd, 8);
		w[n++] = kern_random();
	}
	for (size_t i = 0; i < n; i++)
		ones += (size_t)__builtin_popcountll(w[i]);
	qsort(w, n, sizeof(*w), cmp64);
	for (size_t i = 1; i < n; i++)
		dups += w[i] == w[i - 1];
	ok(dups == 0, "%zu words across many refills, none repeated", n);
	ok(ones > n * 32 - n * 32 / 100 && ones < n * 32 + n * 32 / 100,
	    "their bits are balanced within 1 %% (%zu ones of %zu)", ones, n * 64);
	for (int i = 0; i < 10000; i++) {
		r = kern_random_pow2(1ul << 18);
		if (r >= 1ul << 18)
			bad++;
	}
	ok(bad == 0, "kern_random_pow2(2^18) stays below 2^18");
	free(w);
}

int
main(void)
{
	test_vectors();
	test_seed();
	test_output();
	return (done());
}
