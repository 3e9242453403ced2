/*
 * zeropage64.S - a stand-in for Linux: what a boot loader gives a kernel.
 *
 * The file is a bzImage (Documentation/arch/x86/boot.rst): a boot sector
 * and four setup sectors that are only a setup header, then the payload
 * a loader puts at 1 MiB.  Its 32-bit entry (code32_start, the payload's
 * first byte) says so and halts; its 64-bit entry (payload + 0x200) prints
 * the state the 64-bit boot protocol promises (long mode, CS __BOOT_CS,
 * DS __BOOT_DS, RSI the zero page) and what vmm wrote in the zero page:
 * the setup header fields a loader fills, the command line, the initrd
 * and the e820 map (in the words Linux prints it), then looks for the
 * firmware tables' signatures, and halts (status 0).
 *
 * Linked so that the payload's addresses are right: the file starts
 * SETUP_LEN bytes below 1 MiB (Makefile: -Ttext=0xff600).
 */
#include "guest.h"

#define SETUP_SECTS	4
#define SETUP_LEN	((SETUP_SECTS + 1) * 512)
#define PAYLOAD_LEN	0x1000
#define LOADED_HIGH	0x01		/* loadflags: load at 1 MiB */
#define XLF_KERNEL_64	0x0001		/* xloadflags: has the 64-bit entry */

/* struct boot_params (Documentation/arch/x86/zero-page.rst) */
#define BP_E820_ENTRIES	0x1e8
#define BP_LOADER_TYPE	0x210
#define BP_LOADFLAGS	0x211
#define BP_RAMDISK	0x218
#define BP_RAMDISK_SIZE	0x21c
#define BP_HEAP_END	0x224
#define BP_CMDLINE	0x228
#define BP_E820_TABLE	0x2d0		/* 20 bytes each: addr, size, type */

	.text
	.globl	_start
_start:					/* the boot sector: never run */
	.org	0x1f1
	.byte	SETUP_SECTS
	.word	0			/* root_flags */
	.long	PAYLOAD_LEN / 16	/* syssize */
	.word	0, 0, 0			/* ram_size, vid_mode, root_dev */
	.word	0xaa55			/* boot_flag */
	.org	0x200
	.byte	0xeb, header_end - _start - 0x202	/* jump over the header */
	.ascii	"HdrS"
	.word	0x020a			/* protocol 2.10 */
	.org	0x211
	.byte	LOADED_HIGH
	.org	0x214
	.long	KERNEL_LOAD		/* code32_start */
	.org	0x22c
	.long	0x7fffffff		/* initrd_addr_max */
	.long	0x200000		/* kernel_alignment */
	.org	0x236
	.word	XLF_KERNEL_64
	.long	2048			/* cmdline_size */
	.org	0x258
	.quad	KERNEL_LOAD		/* pref_address */
	.long	PAYLOAD_LEN		/* init_size */
header_end:

/* --- the payload, at 1 MiB ---------------------------------------------- */
	.org	SETUP_LEN
	.code32
entry32:
	mov	$msg32, %esi
	serial_puts
	cli
	hlt

	.org	SETUP_LEN + 0x200
	.code64
entry64:
	mov	%rsi, %rbx		/* RBX: the zero page, from here on */
	lea	msg_mode(%rip), %rsi
	call	puts
	lea	entry64(%rip), %rax
	call	hex
	lea	msg_cs(%rip), %rsi
	call	puts
	mov	%cs, %ax
	movzwl	%ax, %eax
	call	hex
	lea	msg_ds(%rip), %rsi
	call	puts
	mov	%ds, %ax
	movzwl	%ax, %eax
	call	hex
	lea	msg_rsi(%rip), %rsi
	call	puts
	mov	%rbx, %rax
	call	hex
	call	newline

	lea	msg_hdr(%rip), %rsi	/* what the loader wrote in the header */
	call	puts
	movzbl	BP_LOADFLAGS(%rbx), %eax
	call	hex
	lea	msg_loader(%rip), %rsi
	call	puts
	movzbl	BP_LOADER_TYPE(%rbx), %eax
	call	hex
	lea	msg_heap(%rip), %rsi
	call	puts
	movzwl	BP_HEAP_END(%rbx), %eax
	call	hex
	call	newline

	lea	msg_cmdline(%rip), %rsi
	call	puts
	mov	BP_CMDLINE(%rbx), %eax
	call	hex
	lea	msg_colon(%rip), %rsi
	call	puts
	mov	BP_CMDLINE(%rbx), %esi
	call	puts
	call	newline

	mov	BP_RAMDISK_SIZE(%rbx), %eax
	test	%eax, %eax
	jz	e820
	lea	msg_initrd(%rip), %rsi
	call	puts
	mov	BP_RAMDISK(%rbx), %eax
	call	hex
	lea	msg_comma(%rip), %rsi
	call	puts
	mov	BP_RAMDISK_SIZE(%rbx), %eax
	call	hex
	lea	msg_bytes(%rip), %rsi
	call	puts

e820:					/* as Linux's e820__print_table() */
	movzbl	BP_E820_ENTRIES(%rbx), %r12d
	lea	BP_E820_TABLE(%rbx), %r13
1:	test	%r12d, %r12d
	jz	firmware
	lea	msg_e820(%rip), %rsi
	call	puts
	mov	(%r13), %rax		/* first byte */
	call	hex16
	mov	$'-', %al
	call	putc
	mov	(%r13), %rax		/* last byte */
	add	8(%r13), %rax
	dec	%rax
	call	hex16
	lea	msg_usable(%rip), %rsi
	cmpl	$1, 16(%r13)
	je	2f
	lea	msg_reserved(%rip), %rsi
2:	call	puts
	add	$20, %r13
	dec	%r12d
	jmp	1b

firmware:				/* where Linux looks for ACPI and MP tables */
	lea	msg_fw(%rip), %rsi
	call	puts
	mov	$ACPI_TABLES_ADDR, %esi
	mov	$8, %ecx
	call	putn
	lea	msg_fw_mp(%rip), %rsi
	call	puts
	mov	$MPTABLE_ADDR, %esi
	mov	$4, %ecx
	call	putn
	lea	msg_fw_end(%rip), %rsi
	call	puts
	cli
	hlt

/* puts: the NUL-terminated string at RSI. */
puts:
	serial_puts
	ret

/* putn: RCX bytes from RSI. */
putn:
	lodsb
	push	%rcx
	call	putc
	pop	%rcx
	loop	putn
	ret

putc:
	serial_putc_al
	ret

newline:
	lea	msg_eol(%rip), %rsi
	jmp	puts

/* hex: RAX as 0x and its hex digits, no leading zeros. */
hex:
	mov	%rax, %rdx
	mov	$60, %ecx
1:	mov	%rdx, %rax		/* skip leading zero digits, keep the last */
	shr	%cl, %rax
	test	$0xf, %al
	jnz	digits
	sub	$4, %ecx
	jnz	1b
	jmp	digits

/* hex16: RAX as 0x and 16 hex digits. */
hex16:
	mov	%rax, %rdx
	mov	$60, %ecx
digits:					/* RDX the number, CL the first digit's shift */
	push	%rdx
	push	%rcx
	mov	$'0', %al
	call	putc
	mov	$'x', %al
	call	putc
	pop	%rcx
	pop	%rdx
1:	mov	%rdx, %rax
	shr	%cl, %rax
	and	$0xf, %eax
	lea	hexdigits(%rip), %rsi
	mov	(%rsi,%rax), %al
	push	%rdx
	push	%rcx
	call	putc
	pop	%rcx
	pop	%rdx
	sub	$4, %ecx
	jge	1b
	ret

hexdigits:	.ascii	"0123456789abcdef"
msg32:		.asciz	"zeropage64: entered at the 32-bit entry: protected mode, paging off\r\n"
msg_mode:	.asciz	"zeropage64: long mode at "
msg_cs:		.asciz	", cs "
msg_ds:		.asciz	" ds "
msg_rsi:	.asciz	", rsi "
msg_hdr:	.asciz	"setup header: loadflags "
msg_loader:	.asciz	", type_of_loader "
msg_heap:	.asciz	", heap_end_ptr "
msg_cmdline:	.asciz	"cmd_line_ptr "
msg_colon:	.asciz	": "
msg_initrd:	.asciz	"initrd at "
msg_comma:	.asciz	", "
msg_bytes:	.asciz	" bytes\r\n"
msg_e820:	.asciz	"BIOS-e820: [mem "
msg_usable:	.asciz	"] usable\r\n"
msg_reserved:	.asciz	"] reserved\r\n"
msg_fw:		.asciz	"firmware tables: \""
msg_fw_mp:	.asciz	"\" at 0xe0000, \""
msg_fw_end:	.asciz	"\" at 0xf0000\r\n"
msg_eol:	.asciz	"\r\n"

	.org	SETUP_LEN + PAYLOAD_LEN
