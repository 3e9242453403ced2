/*
 * mbelf.S - a multiboot v1 kernel (Multiboot Specification 0.6.96).
 *
 * Built as an ELF32 i386 executable linked at 1 MiB (guests/mb.ld): the
 * .elf is the guest, loaded by its PT_LOAD segments.  mbaout.S builds
 * the same code as a flat binary with the a.out kludge (MB_AOUT).
 *
 * Entered in 32-bit protected mode, paging off, EAX = 0x2BADB002 and
 * EBX = the multiboot information.  Prints on COM1, one line each:
 *   magic 2badb002
 *   entry cs 0010 ds 0018 es 0018 fs 0018 gs 0018 ss 0018 esp 00008000
 *   flags 0000024d
 *   mem_lower 639             mem_upper 130048       (KiB, decimal)
 *   cmdline '...'             mods 2
 *   mod 0 'file args' len 13 data 'first 16 bytes'  (unprintable: '.')
 *   mmap BASE LENGTH TYPE     (64-bit hex, 64-bit hex, decimal)
 *   loader 'vmm'
 *   mptable cpus N            madt cpus N        (firmware tables, or "none")
 *   placed above kernel       (or "placed below kernel end": lowest
 *                              address of the info, strings, modules, map)
 *   ok
 * The fields after "flags" are read only once check 2 found their info
 * flags; the loader name only with flag 9.  The run ends with a write
 * to the debug exit port (status (V << 1) | 1):
 *   0  every check passed (status 1)
 *   1  EAX is not the multiboot magic (status 3)
 *   2  info flags lack memory, cmdline, modules or memory map (status 5)
 *   3  a module is not page-aligned or ends before it starts (status 7)
 *   4  a memory map entry's size field is not 20 (status 9)
 *   5  .bss was not zeroed (status 11)
 *   6  the entry state breaks the spec (section 3.2): interrupts on,
 *      paging on, protected mode off or a segment not flat 4 GiB (status 13)
 * The checks hold under any multiboot loader (QEMU's too), so a status
 * compares across loaders; the addresses printed do not.
 */
#include "guest.h"

#ifdef MB_AOUT
#define MB_FLAGS	(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_AOUT_KLUDGE)
#else
#define MB_FLAGS	(MB_PAGE_ALIGN | MB_MEMORY_INFO)
#endif

/* struct multiboot_info: flag bits and field offsets. */
#define MBI_NEEDED	(MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP)
#define MBI_FLAGS	0
#define MBI_MEM_LOWER	4
#define MBI_MEM_UPPER	8
#define MBI_CMDLINE_PTR	16
#define MBI_MODS_COUNT	20
#define MBI_MODS_ADDR	24
#define MBI_MMAP_LENGTH	44
#define MBI_MMAP_ADDR	48
#define MBI_LOADER_PTR	64

#define BSS_SIZE	1024		/* checked for zeros, then the stack */
#define DATA_SHOWN	16		/* bytes of each module printed */

/* say "text": print a constant string.  Clobbers EAX, EDX, ESI. */
.macro say str:req
	.pushsection .text, 1
.Lsay\@:
	.asciz	"\str"
	.popsection
	mov	$.Lsay\@, %esi
	call	puts
.endm

/* fail_if cc, code: end the run with code when the condition holds. */
.macro fail_if cc:req, code:req
	mov	$\code, %al
	j\cc	fail
.endm

/* segment reg: print " reg SELECTOR"; fail unless it is flat.
 * Clobbers EAX, ECX, EDX, ESI, EDI. */
.macro segment reg:req
	say	" \reg "
	mov	%\reg, %edi
	movzwl	%di, %edi
	call	flat_descriptor
	mov	%edi, %eax
	shl	$16, %eax
	mov	$4, %ecx
	call	hex_digits
.endm

	.code32
	.text
	.globl	_start
image_start:				/* the a.out kludge's load_addr */
	jmp	_start			/* run as a flat binary (--mode) too */
	.balign	4
mb_header:
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
#ifdef MB_AOUT
	.long	mb_header, image_start, load_end, bss_end, _start
#else
	.long	0, 0, 0, 0, 0		/* unused: room for tests to move the header */
#endif

_start:
	cld
	mov	%eax, %ebp		/* the magic, checked once there is a stack */
	mov	%esp, %edx		/* the loader's stack, maybe none: not used */
	xor	%eax, %eax
	mov	$bss_start, %edi
	mov	$BSS_SIZE / 4, %ecx
	repe scasl
	setne	%al			/* 1: a nonzero dword in .bss */
	mov	$bss_end, %esp
	push	%eax
	push	%edx
	pushf				/* IF as at entry */
	movl	$0xffffffff, lowest

	say	"magic "
	mov	%ebp, %eax
	call	hex32
	call	crlf
	cmp	$MB_BOOT_MAGIC, %ebp
	fail_if	ne, 1
	call	entry_state

	mov	%ebx, %eax
	call	note_addr
	say	"flags "
	mov	MBI_FLAGS(%ebx), %eax
	call	hex32
	call	crlf
	mov	MBI_FLAGS(%ebx), %eax
	and	$MBI_NEEDED, %eax
	cmp	$MBI_NEEDED, %eax
	fail_if	ne, 2

	say	"mem_lower "
	mov	MBI_MEM_LOWER(%ebx), %eax
	call	dec32
	say	"\r\nmem_upper "
	mov	MBI_MEM_UPPER(%ebx), %eax
	call	dec32
	call	crlf

	say	"cmdline '"
	mov	MBI_CMDLINE_PTR(%ebx), %esi
	call	quoted
	call	modules
	call	memory_map

	testl	$MBI_LOADER_NAME, MBI_FLAGS(%ebx)
	jz	1f
	say	"loader '"
	mov	MBI_LOADER_PTR(%ebx), %esi
	call	quoted
1:
	call	mptable
	call	madt

	say	"placed "
	mov	$bss_end, %eax		/* the kernel's end */
	cmp	%eax, lowest
	jb	2f
	say	"above kernel\r\n"
	jmp	3f
2:	say	"below kernel end\r\n"
3:
	add	$8, %esp		/* EFLAGS and ESP from _start */
	pop	%eax			/* the .bss check from the start */
	test	%eax, %eax
	fail_if	nz, 5
	say	"ok\r\n"
	xor	%eax, %eax
fail:
	out	%al, $DEBUG_EXIT_PORT
	cli
	hlt

/* entry_state: print the selectors and ESP at entry, check the state. */
entry_state:
	say	"entry"
	segment	cs
	segment	ds
	segment	es
	segment	fs
	segment	gs
	segment	ss
	say	" esp "
	mov	8(%esp), %eax		/* pushed at _start */
	call	hex32
	call	crlf
	testl	$0x200, 4(%esp)		/* EFLAGS.IF */
	fail_if	nz, 6
	mov	%cr0, %eax
	and	$0x80000001, %eax	/* PG, PE */
	cmp	$1, %eax
	fail_if	ne, 6
	ret

/* flat_descriptor: fail unless the GDT entry of selector EDI is present,
 * 32-bit, base 0 and limit 4 GiB (its 4 KiB pages).  Clobbers EAX, EDX,
 * ESI.  (LSL would be shorter, but KVM's emulator lacks it.) */
flat_descriptor:
	sub	$8, %esp
	sgdt	2(%esp)			/* limit, then the 32-bit base */
	mov	4(%esp), %esi
	add	$8, %esp
	mov	%edi, %eax
	and	$0xfff8, %eax
	add	%eax, %esi
	cmpl	$0x0000ffff, (%esi)	/* base 15-0, limit 15-0 */
	fail_if	ne, 6
	mov	4(%esi), %eax		/* base 31-24, G, D, limit 19-16, P, base 23-16 */
	and	$0xffcf80ff, %eax
	cmp	$0x00cf8000, %eax
	fail_if	ne, 6
	ret

/* modules: the count, then one line per module.  Checks alignment. */
modules:
	say	"mods "
	mov	MBI_MODS_COUNT(%ebx), %eax
	call	dec32
	call	crlf
	mov	MBI_MODS_ADDR(%ebx), %edi
	mov	%edi, %eax
	cmpl	$0, MBI_MODS_COUNT(%ebx)
	je	4f			/* mods_addr may be anything */
	call	note_addr
	xor	%ebp, %ebp		/* module index */
1:	cmp	MBI_MODS_COUNT(%ebx), %ebp
	jae	4f
	say	"mod "
	mov	%ebp, %eax
	call	dec32
	say	" '"
	mov	8(%edi), %esi		/* string */
	mov	%esi, %eax
	call	note_addr
	call	puts
	say	"' len "
	mov	4(%edi), %eax		/* mod_end - mod_start */
	sub	(%edi), %eax
	call	dec32
	say	" data '"
	mov	(%edi), %esi		/* mod_start */
	mov	%esi, %eax
	call	note_addr
	mov	4(%edi), %ecx
	sub	%esi, %ecx
	cmp	$DATA_SHOWN, %ecx
	jbe	2f
	mov	$DATA_SHOWN, %ecx
2:	jecxz	3f
5:	lodsb
	call	putc_printable
	loop	5b
3:	say	"'\r\n"
	testl	$0xfff, (%edi)
	fail_if	nz, 3
	mov	4(%edi), %eax
	cmp	(%edi), %eax
	fail_if	b, 3
	add	$16, %edi		/* struct multiboot_mod_list */
	inc	%ebp
	jmp	1b
4:	ret

/* memory_map: one line per entry: base, length, type. */
memory_map:
	mov	MBI_MMAP_ADDR(%ebx), %edi
	mov	%edi, %eax
	call	note_addr
	mov	MBI_MMAP_LENGTH(%ebx), %ebp
	add	%edi, %ebp		/* end of the map */
1:	cmp	%ebp, %edi
	jae	2f
	say	"mmap "
	mov	8(%edi), %eax		/* base_addr, high then low */
	call	hex32
	mov	4(%edi), %eax
	call	hex32
	say	" "
	mov	16(%edi), %eax		/* length */
	call	hex32
	mov	12(%edi), %eax
	call	hex32
	say	" "
	mov	20(%edi), %eax		/* type */
	call	dec32
	call	crlf
	cmpl	$20, (%edi)		/* size, not counting itself */
	fail_if	ne, 4
	add	$24, %edi
	jmp	1b
2:	ret

/* mptable: count the enabled processors of the MP table (MP spec 1.4),
 * its floating pointer on a 16-byte boundary in 0xf0000-0xfffff. */
mptable:
	say	"mptable cpus "
	mov	$0xf0000, %esi
1:	cmpl	$0x5f504d5f, (%esi)	/* "_MP_" */
	je	2f
	add	$16, %esi
	cmp	$0x100000, %esi
	jb	1b
	jmp	none
2:	mov	4(%esi), %esi		/* the configuration table, "PCMP" */
	movzwl	0x22(%esi), %ecx	/* entry count */
	add	$0x2c, %esi		/* first entry */
	xor	%eax, %eax
3:	test	%ecx, %ecx
	jz	count
	cmpb	$0, (%esi)		/* processor: 20 bytes, others 8 */
	jne	4f
	testb	$1, 3(%esi)		/* enabled */
	jz	5f
	inc	%eax
5:	add	$12, %esi
4:	add	$8, %esi
	dec	%ecx
	jmp	3b

/* madt: count the enabled local APICs of the ACPI MADT, found from the
 * RSDP ("RSD PTR ", 16-byte aligned in 0xe0000-0xfffff) through its XSDT
 * (revision 2 and later, 64-bit pointers) or its RSDT (32-bit). */
madt:
	say	"madt cpus "
	mov	$0xe0000, %esi
1:	cmpl	$0x20445352, (%esi)	/* "RSD " */
	jne	2f
	cmpl	$0x20525450, 4(%esi)	/* "PTR " */
	je	3f
2:	add	$16, %esi
	cmp	$0x100000, %esi
	jb	1b
	jmp	none
3:	mov	$4, %ebp		/* RSDT: 32-bit entries */
	mov	16(%esi), %edi
	cmpb	$2, 15(%esi)		/* revision */
	jb	4f
	cmpl	$0, 24(%esi)		/* XSDT address, low half */
	je	4f
	mov	$8, %ebp
	mov	24(%esi), %edi
4:	mov	%edi, %esi
	mov	4(%esi), %ecx		/* the table's length */
	add	%esi, %ecx
	add	$36, %esi		/* past the header: table pointers */
5:	cmp	%ecx, %esi
	jae	none
	mov	(%esi), %edi
	add	%ebp, %esi
	cmpl	$0x43495041, (%edi)	/* "APIC" */
	jne	5b
	mov	4(%edi), %ecx
	add	%edi, %ecx		/* end of the MADT */
	add	$44, %edi		/* its first entry */
	xor	%eax, %eax
6:	cmp	%ecx, %edi
	jae	count
	cmpb	$0, (%edi)		/* processor local APIC */
	jne	7f
	testb	$1, 4(%edi)		/* enabled */
	jz	7f
	inc	%eax
7:	movzbl	1(%edi), %edx		/* entry length */
	test	%edx, %edx
	jz	count			/* a broken table: stop */
	add	%edx, %edi
	jmp	6b

count:	call	dec32
	jmp	crlf
none:	say	"none\r\n"
	ret

/* note_addr: remember EAX if it is the lowest address seen. */
note_addr:
	cmp	lowest, %eax
	jae	1f
	mov	%eax, lowest
1:	ret

/* quoted: the string at ESI, then a quote and a line end. */
quoted:
	mov	%esi, %eax
	call	note_addr
	call	puts
	say	"'"
	jmp	crlf

/* putc_printable: AL, or '.' for a byte outside 0x20-0x7e. */
putc_printable:
	cmp	$0x20, %al
	jb	1f
	cmp	$0x7e, %al
	jbe	putc
1:	mov	$'.', %al
/* putc: AL.  Clobbers AH, DX. */
putc:
	serial_putc_al
	ret

crlf:
	say	"\r\n"
	ret

/* puts: the string at ESI.  Clobbers EAX, EDX, ESI. */
puts:
	serial_puts
	ret

/* hex32: EAX as 8 lowercase hex digits; hex_digits: the top ECX digits
 * of EAX.  Clobber EAX, ECX, EDX. */
hex32:
	mov	$8, %ecx
hex_digits:
	push	%ebx
	mov	%eax, %ebx
1:	rol	$4, %ebx
	mov	%bl, %al
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$'a' - '0' - 10, %al
2:	call	putc
	loop	1b
	pop	%ebx
	ret

/* dec32: EAX in decimal.  Clobbers EAX, ECX, EDX. */
dec32:
	push	%ebx
	mov	$10, %ebx
	xor	%ecx, %ecx
1:	xor	%edx, %edx
	div	%ebx
	push	%edx			/* digits, least significant first */
	inc	%ecx
	test	%eax, %eax
	jnz	1b
2:	pop	%eax
	add	$'0', %al
	call	putc
	loop	2b
	pop	%ebx
	ret

#ifdef MB_AOUT
/* The file ends with BSS_SIZE bytes of 0xff past load_end_addr: a loader
 * that copied them instead of zeroing the .bss fails check 5. */
	.text	2
	.balign	4
load_end:
bss_start:
	.fill	BSS_SIZE, 1, 0xff
bss_end:
lowest = bss_start			/* its first dword, checked before use */
#else
	.bss
	.balign	16
bss_start:
	.skip	BSS_SIZE
bss_end:
lowest = bss_start
#endif
