/*
 * s3.c - ACPI S3, suspend to RAM, as kvm-unit-tests' s3 test does it: find
 * the FADT and FACS through the RSDP and RSDT, put resume code at 0x1000
 * and its address in the FACS's firmware_waking_vector, let the RTC alarm
 * wake the machine (RTC_EN in PM1_EN, AIE every second), and write
 * SLP_TYP for S3 (from the DSDT's \_S3) with SLP_EN to PM1a_CNT. The CPU
 * must stop at that write; firmware then resumes the machine at the
 * waking vector in real mode (CS = vector >> 4, IP = vector & 0xf), where
 * the resume code checks WAK_STS and that nothing ran after the write,
 * prints its results and ends the run. With "key" on the command line
 * the RTC stays out of it: a key (input on the serial line) wakes vmm's
 * machine. With "novector" the waking vector stays 0: there is nothing to
 * resume, and firmware resets the machine instead.
 */
#include "guests/mblib.h"

#define RESUME_ADDR 0x1000
#define RSDP_SCAN_START 0xe0000
#define RSDP_SCAN_END 0x100000
#define SDT_HEADER 36
#define FADT_FACS 36
#define FADT_DSDT 40
#define FADT_PM1A_EVT 56
#define FADT_PM1A_CNT 64

extern char resume_start[], resume_end[], resume_pm1_port[], resume_ran[];

static uint32_t at32(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static bool sig(uint32_t addr, const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (((const char *)addr)[i] != s[i])
			return false;
	return true;
}

static uint32_t find_rsdt_table(const char *name)
{
	uint32_t rsdp = 0, rsdt, len;

	for (uint32_t a = RSDP_SCAN_START; a < RSDP_SCAN_END && !rsdp; a += 16)
		if (sig(a, "RSD PTR ", 8))
			rsdp = a;
	if (!rsdp || !(rsdt = at32(rsdp + 16)) || !sig(rsdt, "RSDT", 4))
		return 0;
	len = at32(rsdt + 4);
	for (uint32_t p = rsdt + SDT_HEADER; p + 4 <= rsdt + len; p += 4)
		if (sig(at32(p), name, 4))
			return at32(p);
	return 0;
}

/* \_S3's first element: Name (_S3, Package () { SLP_TYP, ... }) in AML. */
static int s3_type(uint32_t dsdt)
{
	uint32_t len = at32(dsdt + 4);

	for (uint32_t p = dsdt + SDT_HEADER; p + 9 < dsdt + len; p++) {
		const uint8_t *b = (const uint8_t *)p;

		if (!sig(p, "_S3_", 4) || b[4] != 0x12) /* PackageOp */
			continue;
		b += 5 + (b[5] >> 6) + 1 + 1; /* PkgLength (1-4 bytes), NumElements */
		return b[0] == 0x0a ? b[1] : b[0] <= 1 ? b[0] : -1; /* BytePrefix, Zero, One */
	}
	return -1;
}

/* The alarm at every second (all "don't care"), from just after an update,
 * and allowed to wake the machine (RTC_EN). */
static void rtc_alarm_every_second(uint32_t evt)
{
	outw(PM1_EN_RTC, evt + 2);
	while (!(cmos_read(CMOS_REG_A) & RTC_A_UIP))
		;
	while (cmos_read(CMOS_REG_A) & RTC_A_UIP)
		;
	cmos_read(CMOS_REG_C);
	cmos_write(CMOS_SECONDS_ALARM, RTC_ALARM_DONT_CARE);
	cmos_write(CMOS_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
	cmos_write(CMOS_HOURS_ALARM, RTC_ALARM_DONT_CARE);
	cmos_write(CMOS_REG_B, cmos_read(CMOS_REG_B) | RTC_B_AIE);
}

int main(void)
{
	bool key = mb_has_arg("key");
	uint32_t fadt = find_rsdt_table("FACP"), facs, evt, cnt;
	volatile uint32_t *ran = (volatile uint32_t *)(RESUME_ADDR + (resume_ran - resume_start));
	int type;

	report(fadt != 0, "the FADT, through the RSDP and RSDT");
	if (!fadt)
		return report_summary();
	facs = at32(fadt + FADT_FACS);
	evt = at32(fadt + FADT_PM1A_EVT);
	cnt = at32(fadt + FADT_PM1A_CNT);
	type = s3_type(at32(fadt + FADT_DSDT));
	printf("PM1a_EVT %x PM1a_CNT %x, \\_S3 SLP_TYP %d\n", evt, cnt, type);
	report(sig(facs, "FACS", 4), "the FACS");
	report(type >= 0, "\\_S3 in the DSDT");
	if (!sig(facs, "FACS", 4) || type < 0)
		return report_summary();

	for (char *s = resume_start, *d = (char *)RESUME_ADDR; s < resume_end; s++, d++)
		*d = *s;
	*(volatile uint16_t *)(RESUME_ADDR + (resume_pm1_port - resume_start)) = evt;
	*(volatile uint32_t *)(facs + FACS_WAKING_VECTOR) = mb_has_arg("novector") ? 0 : RESUME_ADDR;
	if (!key)
		rtc_alarm_every_second(evt);
	puts(key ? "suspending to RAM (S3) until a key\n" : "suspending to RAM (S3)\n");

	*ran = 0;
	outw(type << PM1_CNT_SLP_TYP_SHIFT | PM1_CNT_SLP_EN, cnt);
	for (;;)
		*ran = 1; /* the CPU must not get here: S3 stops it at the write */
}

/* The resume code, copied to RESUME_ADDR: real mode, CS = 0x100, DS =
 * whatever firmware left, so data is addressed through CS. */
__asm__(".pushsection .text\n"
	".code16\n"
	"resume_start:\n"
	"	cli\n"
	"	mov %cs, %ax\n"
	"	mov %ax, %ds\n"
	"	mov $(r_resumed - resume_start), %si\n"
	"	call r_puts\n"
	"	mov %cs, %ax\n"
	"	cmp $" "0x100" ", %ax\n" /* RESUME_ADDR >> 4 */
	"	mov $(r_fail_cs - resume_start), %si\n"
	"	jne r_fail\n"
	"	mov (resume_pm1_port - resume_start), %dx\n"
	"	in %dx, %ax\n"
	"	test $0x8000, %ax\n" /* WAK_STS */
	"	mov $(r_fail_wak - resume_start), %si\n"
	"	jz r_fail\n"
	"	cmpl $0, (resume_ran - resume_start)\n"
	"	mov $(r_fail_ran - resume_start), %si\n"
	"	jne r_fail\n"
	"	mov $(r_pass - resume_start), %si\n"
	"	call r_puts\n"
	"	xor %eax, %eax\n"
	"	jmp r_exit\n"
	"r_fail:\n"
	"	call r_puts\n"
	"	mov $(r_summary_fail - resume_start), %si\n"
	"	call r_puts\n"
	"	mov $1, %eax\n"
	"r_exit:\n"
	"	out %eax, $0xf4\n"
	"1:	hlt\n"
	"	jmp 1b\n"
	"r_puts:\n" /* DS:SI, to COM1 */
	"	lodsb\n"
	"	test %al, %al\n"
	"	jz 2f\n"
	"	mov %al, %ah\n"
	"	mov $0x3fd, %dx\n"
	"1:	in %dx, %al\n"
	"	test $0x20, %al\n"
	"	jz 1b\n"
	"	mov %ah, %al\n"
	"	mov $0x3f8, %dx\n"
	"	out %al, %dx\n"
	"	jmp r_puts\n"
	"2:	ret\n"
	"r_resumed: .asciz \"resumed\\r\\n\"\n"
	"r_pass: .ascii \"PASS: resumed at the FACS waking vector, real mode CS 0100\\r\\n\"\n"
	"	.ascii \"PASS: PM1_STS says the machine woke (WAK_STS)\\r\\n\"\n"
	"	.ascii \"PASS: the CPU stopped at the SLP_EN write\\r\\n\"\n"
	"	.asciz \"SUMMARY: 6 tests, 0 unexpected failures\\r\\n\"\n"
	"r_fail_cs: .asciz \"FAIL: resumed at the FACS waking vector, real mode CS 0100\\r\\n\"\n"
	"r_fail_wak: .asciz \"FAIL: PM1_STS says the machine woke (WAK_STS)\\r\\n\"\n"
	"r_fail_ran: .asciz \"FAIL: the CPU stopped at the SLP_EN write\\r\\n\"\n"
	"r_summary_fail: .asciz \"SUMMARY: 6 tests, 1 unexpected failures\\r\\n\"\n"
	"	.balign 4\n"
	"resume_ran: .long 0\n"
	"resume_pm1_port: .word 0\n"
	"resume_end:\n"
	".code32\n"
	".popsection\n");
