/* gdb's view of a vCPU's registers: where each comes from (kvm_run's sync
 * regs, an MSR, KVM_GET_FPU), and the target description that names them
 * (gdb's features org.gnu.gdb.i386.core, .sse and .segments, which gdb's
 * x86 support requires or knows, and a .sys feature of control registers
 * that gdb shows as it finds them, as QEMU's stub does). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "host/gdb_regs.h"
#include "lib/machine.h"

enum src { GPR, RIP, FLAGS, SEG, CR, EFER, MSR, ST, FPCTL, XMM, MXCSR };
enum feature { CORE, SYS, SEGMENTS, SSE, NR_FEATURES };

struct reg {
	const char *name;
	uint8_t bits;
	uint8_t src;
	uint32_t arg; /* kvm_regs index, segment, CR number, MSR, x87/SSE index */
	const char *type;
	uint8_t feature;
};

/* struct kvm_regs as an array of u64: rax rbx rcx rdx rsi rdi rsp rbp r8... */
enum { RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP };

#define X87_AND_SSE(nxmm)                                                                       \
	{ "st0", 80, ST, 0, "i387_ext", CORE }, { "st1", 80, ST, 1, "i387_ext", CORE },         \
		{ "st2", 80, ST, 2, "i387_ext", CORE }, { "st3", 80, ST, 3, "i387_ext", CORE }, \
		{ "st4", 80, ST, 4, "i387_ext", CORE }, { "st5", 80, ST, 5, "i387_ext", CORE }, \
		{ "st6", 80, ST, 6, "i387_ext", CORE }, { "st7", 80, ST, 7, "i387_ext", CORE }, \
		{ "fctrl", 32, FPCTL, 0, "int", CORE }, { "fstat", 32, FPCTL, 1, "int", CORE }, \
		{ "ftag", 32, FPCTL, 2, "int", CORE }, { "fiseg", 32, FPCTL, 3, "int", CORE },  \
		{ "fioff", 32, FPCTL, 4, "int", CORE }, { "foseg", 32, FPCTL, 5, "int", CORE }, \
		{ "fooff", 32, FPCTL, 6, "int", CORE }, { "fop", 32, FPCTL, 7, "int", CORE },   \
		XMM_REGS_##nxmm,                                                                \
	{                                                                                       \
		"mxcsr", 32, MXCSR, 0, "int", SSE                                               \
	}
#define XMM(i)                                       \
	{                                            \
		"xmm" #i, 128, XMM, i, "vec128", SSE \
	}
#define XMM_REGS_8 XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7)
#define XMM_REGS_16 XMM_REGS_8, XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15)
#define SEGS(b)                                                                           \
	{ "cs", 32, SEG, 0, "int32", CORE }, { "ss", 32, SEG, 1, "int32", CORE },         \
		{ "ds", 32, SEG, 2, "int32", CORE }, { "es", 32, SEG, 3, "int32", CORE }, \
		{ "fs", 32, SEG, 4, "int32", CORE }, { "gs", 32, SEG, 5, "int32", CORE }, \
		{ "cr0", b, CR, 0, "i386_cr0", SYS }, { "cr2", b, CR, 2, "int", SYS },    \
		{ "cr3", b, CR, 3, "int", SYS }, { "cr4", b, CR, 4, "i386_cr4", SYS },    \
		{ "cr8", b, CR, 8, "int", SYS },                                          \
	{                                                                                 \
		"efer", 64, EFER, 0, "i386_efer", SYS                                     \
	}

static const struct reg regs64[] = {
	{ "rax", 64, GPR, RAX, "int64", CORE },
	{ "rbx", 64, GPR, RBX, "int64", CORE },
	{ "rcx", 64, GPR, RCX, "int64", CORE },
	{ "rdx", 64, GPR, RDX, "int64", CORE },
	{ "rsi", 64, GPR, RSI, "int64", CORE },
	{ "rdi", 64, GPR, RDI, "int64", CORE },
	{ "rbp", 64, GPR, RBP, "data_ptr", CORE },
	{ "rsp", 64, GPR, RSP, "data_ptr", CORE },
	{ "r8", 64, GPR, 8, "int64", CORE },
	{ "r9", 64, GPR, 9, "int64", CORE },
	{ "r10", 64, GPR, 10, "int64", CORE },
	{ "r11", 64, GPR, 11, "int64", CORE },
	{ "r12", 64, GPR, 12, "int64", CORE },
	{ "r13", 64, GPR, 13, "int64", CORE },
	{ "r14", 64, GPR, 14, "int64", CORE },
	{ "r15", 64, GPR, 15, "int64", CORE },
	{ "rip", 64, RIP, 0, "code_ptr", CORE },
	{ "eflags", 32, FLAGS, 0, "i386_eflags", CORE },
	SEGS(64),
	{ "fs_base", 64, MSR, MSR_FS_BASE, "int", SEGMENTS },
	{ "gs_base", 64, MSR, MSR_GS_BASE, "int", SEGMENTS },
	{ "k_gs_base", 64, MSR, MSR_KERNEL_GS_BASE, "int", SYS },
	X87_AND_SSE(16),
};

static const struct reg regs32[] = {
	{ "eax", 32, GPR, RAX, "int32", CORE },
	{ "ecx", 32, GPR, RCX, "int32", CORE },
	{ "edx", 32, GPR, RDX, "int32", CORE },
	{ "ebx", 32, GPR, RBX, "int32", CORE },
	{ "esp", 32, GPR, RSP, "data_ptr", CORE },
	{ "ebp", 32, GPR, RBP, "data_ptr", CORE },
	{ "esi", 32, GPR, RSI, "int32", CORE },
	{ "edi", 32, GPR, RDI, "int32", CORE },
	{ "eip", 32, RIP, 0, "code_ptr", CORE },
	{ "eflags", 32, FLAGS, 0, "i386_eflags", CORE },
	SEGS(32),
	{ "fs_base", 32, MSR, MSR_FS_BASE, "int", SEGMENTS },
	{ "gs_base", 32, MSR, MSR_GS_BASE, "int", SEGMENTS },
	X87_AND_SSE(8),
};

static const struct reg *table(enum gdb_layout l, int *n)
{
	*n = l == LAYOUT_64 ? (int)(sizeof(regs64) / sizeof(regs64[0]))
			    : (int)(sizeof(regs32) / sizeof(regs32[0]));
	return l == LAYOUT_64 ? regs64 : regs32;
}

enum gdb_layout gdb_layout_of(struct vcpu *v)
{
	const struct kvm_sregs *s = vcpu_sregs_view(v);

	if (s->efer & EFER_LMA)
		return LAYOUT_64;
	return (s->cr0 & CR0_PE) ? LAYOUT_32 : LAYOUT_16;
}

/* The target description's <architecture>, as gdb names it. */
static const char *gdb_layout_arch(enum gdb_layout l)
{
	return l == LAYOUT_64 ? "i386:x86-64" : l == LAYOUT_32 ? "i386" : "i8086";
}

int gdb_reg_count(enum gdb_layout l)
{
	int n;

	table(l, &n);
	return n;
}

int gdb_reg_size(enum gdb_layout l, int n)
{
	int count;
	const struct reg *r = table(l, &count);

	return n >= 0 && n < count ? r[n].bits / 8 : 0;
}

size_t gdb_g_size(enum gdb_layout l)
{
	int n;
	const struct reg *r = table(l, &n);
	size_t size = 0;

	for (int i = 0; i < n && r[i].src <= EFER; i++)
		size += r[i].bits / 8;
	return size;
}

static struct kvm_segment *segment(struct kvm_sregs *s, int i)
{
	struct kvm_segment *segs[] = { &s->cs, &s->ss, &s->ds, &s->es, &s->fs, &s->gs };

	return segs[i];
}

static __u64 *control(struct kvm_sregs *s, int cr)
{
	return cr == 0   ? &s->cr0
	       : cr == 2 ? &s->cr2
	       : cr == 3 ? &s->cr3
	       : cr == 4 ? &s->cr4
			 : &s->cr8;
}

/* x87 tag word from KVM's abridged one (a bit per register, FXSAVE's
 * format): 00 valid, 11 empty (zero and special are not told apart). */
static uint32_t full_tag(uint8_t abridged)
{
	uint32_t tag = 0;

	for (int i = 0; i < 8; i++)
		tag |= (abridged >> i & 1 ? 0u : 3u) << (2 * i);
	return tag;
}

static int fpu_read(struct debug *d, struct vcpu *v, const struct reg *r, uint8_t *buf)
{
	struct kvm_fpu f;
	uint32_t ctl[8];

	if (KVM_CALL(d->vm, v->fd, KVM_GET_FPU, &f) < 0)
		return -1;
	ctl[0] = f.fcw;
	ctl[1] = f.fsw;
	ctl[2] = full_tag(f.ftwx);
	ctl[3] = ctl[5] = 0; /* KVM keeps no FPU segment selectors */
	ctl[4] = (uint32_t)f.last_ip;
	ctl[6] = (uint32_t)f.last_dp;
	ctl[7] = f.last_opcode;
	if (r->src == ST)
		memcpy(buf, f.fpr[r->arg], 10);
	else if (r->src == XMM)
		memcpy(buf, f.xmm[r->arg], 16);
	else if (r->src == MXCSR)
		memcpy(buf, &f.mxcsr, 4);
	else
		memcpy(buf, &ctl[r->arg], 4);
	return r->bits / 8;
}

int gdb_reg_read(struct debug *d, struct vcpu *v, enum gdb_layout l, int n, uint8_t *buf)
{
	int count;
	const struct reg *r = table(l, &count);
	struct kvm_sregs *s;
	uint64_t value = 0;

	if (n < 0 || n >= count)
		return errno = EINVAL, -1;
	r += n;
	s = r->src == SEG || r->src == CR || r->src == EFER ? vcpu_sregs_view(v) : NULL;
	switch (r->src) {
	case GPR:
		value = ((__u64 *)vcpu_regs(v))[r->arg];
		break;
	case RIP:
		value = l == LAYOUT_16 ? debug_linear_pc(v) : vcpu_regs(v)->rip;
		break;
	case FLAGS:
		value = vcpu_regs(v)->rflags;
		break;
	case SEG:
		value = segment(s, r->arg)->selector;
		break;
	case CR:
		value = *control(s, r->arg);
		break;
	case EFER:
		value = s->efer;
		break;
	case MSR:
		if (debug_msr_get(d, v, r->arg, &value) < 0)
			return -1;
		break;
	default:
		return fpu_read(d, v, r, buf);
	}
	memcpy(buf, &value, r->bits / 8); /* little-endian, as the target */
	return r->bits / 8;
}

static int fpu_write(struct debug *d, struct vcpu *v, const struct reg *r, const uint8_t *buf)
{
	struct kvm_fpu f;

	if (KVM_CALL(d->vm, v->fd, KVM_GET_FPU, &f) < 0)
		return -1;
	if (r->src == ST)
		memcpy(f.fpr[r->arg], buf, 10);
	else if (r->src == XMM)
		memcpy(f.xmm[r->arg], buf, 16);
	else if (r->src == MXCSR)
		memcpy(&f.mxcsr, buf, 4);
	else if (r->arg == 0 || r->arg == 1)
		memcpy(r->arg ? &f.fsw : &f.fcw, buf, 2);
	else if (r->arg == 7)
		memcpy(&f.last_opcode, buf, 2);
	else
		return 0; /* the tag and the pointers: read-only here */
	return KVM_CALL(d->vm, v->fd, KVM_SET_FPU, &f) < 0 ? -1 : 0;
}

/* A segment register: the selector; in real mode also the base it implies
 * (selector * 16). In protected mode the descriptor is not reloaded. */
static int seg_write(struct vcpu *v, int i, uint64_t value)
{
	struct kvm_sregs *s = vcpu_sregs_view(v);
	struct kvm_segment *seg = segment(s, i);

	seg->selector = (uint16_t)value;
	if (!(s->cr0 & CR0_PE))
		seg->base = (uint64_t)seg->selector << 4;
	return vcpu_sregs_write(v);
}

int gdb_reg_write(struct debug *d, struct vcpu *v, enum gdb_layout l, int n, const uint8_t *buf,
		  size_t size)
{
	int count;
	const struct reg *r = table(l, &count);
	uint64_t value = 0, keep;
	__u64 *slot = NULL;

	if (n < 0 || n >= count || size != (size_t)r[n].bits / 8)
		return errno = EINVAL, -1;
	r += n;
	if (r->src >= ST)
		return fpu_write(d, v, r, buf);
	memcpy(&value, buf, size);
	keep = r->bits == 64 ? 0 : ~0ULL << r->bits; /* a 32-bit view keeps the top half */
	switch (r->src) {
	case GPR:
		slot = &((__u64 *)vcpu_regs(v))[r->arg];
		break;
	case RIP:
		slot = &vcpu_regs(v)->rip;
		if (l == LAYOUT_16) /* gdb gave a linear address */
			value = (value - vcpu_sregs_view(v)->cs.base) & 0xffff;
		break;
	case FLAGS:
		slot = &vcpu_regs(v)->rflags;
		break;
	case SEG:
		return seg_write(v, r->arg, value);
	case CR:
		slot = control(vcpu_sregs_view(v), r->arg);
		*slot = (*slot & keep) | value;
		return vcpu_sregs_write(v);
	case EFER:
		vcpu_sregs_view(v)->efer = value;
		return vcpu_sregs_write(v);
	case MSR:
		return debug_msr_set(d, v, r->arg, value);
	}
	*slot = (*slot & keep) | value;
	vcpu_regs_dirty(v);
	return 0;
}

/* Bit fields gdb prints by name ("[ PE ET PG ]"); Intel SDM vol. 3, 2.5
 * (CR0, CR4), 2.2.1 (EFER), vol. 1, 3.4.3 (EFLAGS). */
struct field {
	const char *name;
	int bit;
};

static const struct field eflags[] = { { "CF", 0 },  { "", 1 },    { "PF", 2 },   { "AF", 4 },
				       { "ZF", 6 },  { "SF", 7 },  { "TF", 8 },   { "IF", 9 },
				       { "DF", 10 }, { "OF", 11 }, { "NT", 14 },  { "RF", 16 },
				       { "VM", 17 }, { "AC", 18 }, { "VIF", 19 }, { "VIP", 20 },
				       { "ID", 21 }, { NULL, 0 } };
static const struct field cr0[] = { { "PE", 0 },  { "MP", 1 },  { "EM", 2 },  { "TS", 3 },
				    { "ET", 4 },  { "NE", 5 },  { "WP", 16 }, { "AM", 18 },
				    { "NW", 29 }, { "CD", 30 }, { "PG", 31 }, { NULL, 0 } };
static const struct field cr4[] = {
	{ "VME", 0 },         { "PVI", 1 },    { "TSD", 2 },      { "DE", 3 },    { "PSE", 4 },
	{ "PAE", 5 },         { "MCE", 6 },    { "PGE", 7 },      { "PCE", 8 },   { "OSFXSR", 9 },
	{ "OSXMMEXCPT", 10 }, { "UMIP", 11 },  { "LA57", 12 },    { "VMXE", 13 }, { "SMXE", 14 },
	{ "FSGSBASE", 16 },   { "PCIDE", 17 }, { "OSXSAVE", 18 }, { "SMEP", 20 }, { "SMAP", 21 },
	{ "PKE", 22 },        { NULL, 0 }
};
static const struct field efer[] = { { "SCE", 0 },   { "LME", 8 },    { "LMA", 10 }, { "NXE", 11 },
				     { "SVME", 12 }, { "FFXSR", 14 }, { NULL, 0 } };

struct xml {
	char *out;
	size_t cap, len;
};

__attribute__((format(printf, 2, 3))) static void put(struct xml *x, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(x->out + x->len, x->len < x->cap ? x->cap - x->len : 0, fmt, ap);
	va_end(ap);
	x->len += n > 0 ? (size_t)n : 0;
}

static void flags(struct xml *x, const char *id, int size, const struct field *f)
{
	put(x, "<flags id=\"%s\" size=\"%d\">", id, size);
	for (; f->name; f++)
		put(x, "<field name=\"%s\" start=\"%d\" end=\"%d\"/>", f->name, f->bit, f->bit);
	put(x, "</flags>\n");
}

static void types(struct xml *x, enum feature f, int cr_size)
{
	static const char *const vec[][3] = {
		{ "v8bf16", "bfloat16", "8" }, { "v4f", "ieee_single", "4" },
		{ "v2d", "ieee_double", "2" }, { "v16i8", "int8", "16" },
		{ "v8i16", "int16", "8" },     { "v4i32", "int32", "4" },
		{ "v2i64", "int64", "2" },
	};

	if (f == CORE)
		flags(x, "i386_eflags", 4, eflags);
	if (f == SYS) {
		flags(x, "i386_cr0", cr_size, cr0);
		flags(x, "i386_cr4", cr_size, cr4);
		flags(x, "i386_efer", 8, efer);
	}
	if (f != SSE)
		return;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
		put(x, "<vector id=\"%s\" type=\"%s\" count=\"%s\"/>\n", vec[i][0], vec[i][1],
		    vec[i][2]);
	put(x, "<union id=\"vec128\">");
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
		put(x, "<field name=\"%s\" type=\"%s\"/>", vec[i][0], vec[i][0]);
	put(x, "<field name=\"uint128\" type=\"uint128\"/></union>\n");
}

size_t gdb_target_xml(enum gdb_layout l, char *out, size_t cap)
{
	static const char *const names[] = { "core", "sys", "segments", "sse" };
	struct xml x = { out, cap, 0 };
	int n;
	const struct reg *r = table(l, &n);

	/* osabi none: a bare machine, not a Linux process (gdb's i386 Linux
	 * support would want registers a CPU does not have). */
	put(&x,
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	    "<target version=\"1.0\">\n<architecture>%s</architecture>\n"
	    "<osabi>none</osabi>\n",
	    gdb_layout_arch(l));
	for (int f = CORE; f < NR_FEATURES; f++) {
		put(&x, "<feature name=\"org.gnu.gdb.i386.%s\">\n", names[f]);
		types(&x, f, l == LAYOUT_64 ? 8 : 4);
		for (int i = 0; i < n; i++)
			if (r[i].feature == f)
				put(&x,
				    "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"/>\n",
				    r[i].name, r[i].bits, r[i].type, i);
		put(&x, "</feature>\n");
	}
	put(&x, "</target>\n");
	return x.len < cap ? x.len : 0;
}
