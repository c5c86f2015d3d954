/*
 * serial.c: COM1 (16550 UART at 0x3f8), 115200 8N1, polled output.
 *
 * QEMU's -serial stdio puts these bytes on the runner's stdout.  '\n'
 * becomes "\r\n" so a terminal shows lines; TAP readers ignore the '\r'.
 */
#include "../lib/libc.h"
#include "arch.h"
#include "serial.h"

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding (DLAB=0) */
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7
#define LSR_THRE	0x20	/* transmitter ready */

static bool serial_ready;

/* => returns true if a UART answered (the scratch register holds a byte) */
bool
serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);	/* no interrupts: we poll */
	outb(COM1 + UART_LCR, 0x80);	/* DLAB on: set the divisor */
	outb(COM1 + 0, 0x01);		/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xc7);	/* FIFO on, cleared */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
	outb(COM1 + UART_SCR, 0x5a);
	serial_ready = inb(COM1 + UART_SCR) == 0x5a;
	return serial_ready;
}

bool
serial_present(void)
{
	return serial_ready;
}

static void
serial_putbyte(uint8_t b)
{
	/* bounded wait: a wedged UART must not hang the run */
	for (int spin = 0; spin < 100000; spin++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, b);
}

void
arch_putchar(int c)
{
	if (c == '\n')
		serial_putbyte('\r');
	serial_putbyte((uint8_t)c);
}
