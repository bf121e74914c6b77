/*
 * Console: the 16550 UART at COM1, polled, 115200 8N1, no interrupts.
 * Bytes go out exactly as given (no "\n" -> "\r\n"): the tools read them.
 */
#include "hal.h"
#include "x86.h"

#define COM_DATA	0	/* transmit holding / divisor low with DLAB */
#define COM_IER		1	/* interrupt enable / divisor high with DLAB */
#define COM_FCR		2
#define COM_LCR		3
#define COM_MCR		4
#define COM_LSR		5
#define LCR_DLAB	0x80
#define LCR_8N1		0x03
#define FCR_ENABLE	0x07	/* enable and clear both FIFOs */
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20	/* transmit holding register empty */

void
x86_console_init(void)
{
	outb(IO_COM1 + COM_IER, 0);
	outb(IO_COM1 + COM_LCR, LCR_DLAB);
	outb(IO_COM1 + COM_DATA, 1);		/* 115200 baud */
	outb(IO_COM1 + COM_IER, 0);
	outb(IO_COM1 + COM_LCR, LCR_8N1);
	outb(IO_COM1 + COM_FCR, FCR_ENABLE);
	outb(IO_COM1 + COM_MCR, MCR_DTR_RTS);
}

/*
 * Bounded wait: a missing or wedged UART must not hang panic().
 */
void
hal_putc(int c)
{
	int spin;

	for (spin = 0; spin < 100000; spin++)
		if (inb(IO_COM1 + COM_LSR) & LSR_THRE)
			break;
	outb(IO_COM1 + COM_DATA, (uint8_t)c);
}
