/*
 * hypercall64.S - calling the VMM through a port.
 *
 * A hypercall is an `out` the VMM recognises: RAX holds the function,
 * RDI and RSI the arguments, DX the port 0x500.  The vCPU exits to the
 * VMM, which writes the result into RAX before resuming the guest.
 * The guest prints the values it actually got back, so a broken VMM
 * shows in the output, then halts (status 0) if all three are right or
 * writes 1 to the debug exit port (status 3) if not.
 */
#include "guest.h"

#define HC_UNKNOWN	7		/* no such function: returns -1 */

	.code64
	.text
	.globl	_start
_start:
	mov	$HC_VERSION, %eax
	call	hypercall
	mov	%rax, %r12		/* expect 1 */

	mov	$HC_ADD, %eax
	mov	$40, %edi
	mov	$2, %esi
	call	hypercall
	mov	%rax, %r13		/* expect 42 */

	mov	$HC_UNKNOWN, %eax
	call	hypercall
	mov	%rax, %r14		/* expect -1 */

	lea	msg_version(%rip), %rsi
	call	puts
	mov	%r12, %rax
	call	print_int
	lea	msg_add(%rip), %rsi
	call	puts
	mov	%r13, %rax
	call	print_int
	lea	msg_unknown(%rip), %rsi
	call	puts
	mov	%r14, %rax
	call	print_int
	lea	msg_eol(%rip), %rsi
	call	puts

	cmp	$1, %r12
	jne	fail
	cmp	$42, %r13
	jne	fail
	cmp	$-1, %r14
	jne	fail
	cli
	hlt

fail:
	mov	$1, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%eax, (%dx)
	cli
	hlt

/* hypercall: function in RAX, arguments in RDI, RSI; result in RAX. */
hypercall:
	mov	$HYPERCALL_PORT, %dx
	out	%al, (%dx)
	ret

/* puts: send the NUL-terminated string at RSI. */
puts:
	serial_puts
	ret

/* print_int: send RAX as a signed decimal number. */
print_int:
	mov	%rsp, %rcx		/* digits are built downwards on the stack */
	sub	$24, %rsp
	movb	$0, -1(%rcx)
	dec	%rcx
	mov	%rax, %r8		/* keep the sign */
	test	%rax, %rax
	jns	1f
	neg	%rax
1:	mov	$10, %r9d
2:	xor	%edx, %edx
	div	%r9			/* RDX:RAX / 10, unsigned */
	add	$'0', %dl
	dec	%rcx
	mov	%dl, (%rcx)
	test	%rax, %rax
	jnz	2b
	test	%r8, %r8
	jns	3f
	dec	%rcx
	movb	$'-', (%rcx)
3:	mov	%rcx, %rsi
	serial_puts
	add	$24, %rsp
	ret

msg_version:	.asciz	"hypercall: version "
msg_add:	.asciz	", 40 + 2 = "
msg_unknown:	.asciz	", unknown "
msg_eol:	.asciz	"\r\n"
