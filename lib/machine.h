/* The machine map: the PC that vmm builds, written down once. Ports,
 * interrupt lines, guest-physical addresses, and the CPU and firmware bits
 * that the loaders, the devices, the register dump and the guests share.
 * Only #defines, so the assembly guests include it too (gcc runs cpp on
 * .S files); U64() adds the C suffix that the assembler does not know. */
#ifndef MACHINE_H
#define MACHINE_H

#ifdef __ASSEMBLER__
#define U64(x) x
#else
#define U64(x) x##ULL
#endif

#define PAGE_SIZE 0x1000

/* --- Ports --------------------------------------------------------------- */
#define PIO_SPACE_END 0x10000 /* x86 port space: 64 KiB, 0-0xffff */
#define PIC1_PORT 0x20        /* in-kernel 8259 (KVM_CREATE_IRQCHIP): command, data */
#define PIC2_PORT 0xa0
#define PIT_PORT 0x40        /* in-kernel 8254 (KVM_CREATE_PIT2): 0x40-0x43, 0x61 */
#define I8042_DATA_PORT 0x60 /* PS/2 controller: data */
#define I8042_CMD_PORT 0x64  /* status (read), command (write) */
#define RTC_PORT 0x70        /* CMOS index; data at 0x71 */
#define CMOS_CENTURY 0x32    /* the CMOS byte where PC firmware keeps the century */
#define POST_PORT 0x80       /* POST codes, Linux's I/O delay */
#define DEBUG_EXIT_PORT 0xf4 /* QEMU's isa-debug-exit,iobase=0xf4,iosize=4 */
#define DEBUG_EXIT_SIZE 4
#define DEBUG_EXIT_QEMU_PORT 0x501 /* isa-debug-exit's own defaults, without iobase/iosize */
#define DEBUG_EXIT_QEMU_SIZE 2
/* QEMU's pc-testdev (hw/misc/pc-testdev.c), with --device pc-testdev only. */
#define PC_TESTDEV_PORT 0xe0       /* a 32-bit scratch register, any access size */
#define PC_TESTDEV_FLUSH_PORT 0xe4 /* a 32-bit write of an address remaps its page */
#define PC_TESTDEV_BYTE_PORT 0xe8  /* the same register, taken byte by byte */
#define PC_TESTDEV_IRQ_PORT 0x2000 /* a byte write to 0x2000 + n sets interrupt line n */
#define PC_TESTDEV_NR_IRQS 24      /* the IOAPIC's pins (KVM_IOAPIC_NUM_PINS), 0-15 on the PICs */
#define SERIAL_COM1 0x3f8          /* 16550A; registers: <linux/serial_reg.h> */
#define HYPERCALL_PORT 0x500       /* vmm's own: a 1-byte out with arguments in registers */
#define FW_CFG_PORT 0x510          /* QEMU's fw_cfg: selector; data at 0x511 */
#define ACPI_PM1_EVT_PORT 0x600    /* PM1a event block: status, enable */
#define ACPI_PM1_CNT_PORT 0x604    /* PM1a control block: SCI_EN, SLP_TYP, SLP_EN */
#define PCI_CONFIG_PORT 0xcf8      /* address; 0xcf9 reset control; data at 0xcfc */
#define PCI_RESET_PORT 0xcf9
#define PCI_BAR_IO_BASE 0xc000 /* where firmware places I/O BARs (as SeaBIOS) */
#define PCI_BAR_IO_END PIO_SPACE_END

/* --- Interrupt lines (ISA IRQ n = IOAPIC pin n, KVM's default routing) --- */
#define PIT_IRQ 0
#define I8042_KBD_IRQ 1 /* the PS/2 controller's keyboard and aux (mouse) bytes */
#define SERIAL_COM1_IRQ 4
#define RTC_IRQ 8
#define I8042_AUX_IRQ 12
#define ACPI_SCI_IRQ 9
/* The vectors a PC BIOS leaves the 8259s on: IRQ 0-7 at 0x08, 8-15 at 0x70. */
#define PIC1_BIOS_VECTOR 0x08
#define PIC2_BIOS_VECTOR 0x70
/* And the masks: SeaBIOS's pic_setup masks all but the cascade (IR2);
 * enable_hwirq then opens the lines of the devices it drives on QEMU's pc:
 * timer (IRQ 0), keyboard (1), floppy (6), RTC (8), mouse (12), FPU (13),
 * IDE (14). As measured under QEMU 7.2 (guests/biosstate). */
#define BIOS_PIC1_MASK 0xb8
#define BIOS_PIC2_MASK 0x8e

/* --- Guest-physical addresses -------------------------------------------- */
/* Low memory the loaders use: boot/cpu.c's GDT and page tables, Linux's
 * zero page and command line below the kernel at 1 MiB. */
#define BOOT_GDT_ADDR 0x1000
#define BOOT_TSS_ADDR 0x1080
#define BOOT_PML4_ADDR 0x2000
#define BOOT_PDPT_ADDR 0x3000
#define BOOT_PD_ADDR 0x4000           /* four page directories: 4 GiB in 2 MiB pages */
#define BOOT_MAP_END U64(0x100000000) /* what they map, and all protected mode reaches */
#define BOOT_AREA_START 0x1000
#define BOOT_AREA_END 0x8000
#define BZ_ZERO_PAGE 0x8000 /* struct boot_params */
#define BZ_CMDLINE 0x9000
#define BZ_CMDLINE_MAX 0x7000 /* up to 0x10000 */
#define FLAT_LOAD_REAL 0x7c00 /* where a BIOS puts a boot sector */
/* A PC's base memory ends at the EBDA; up to 1 MiB is the BIOS area, where
 * the firmware tables go and no loader may put anything. */
#define EBDA_START 0x9fc00
#define ACPI_TABLES_ADDR 0xe0000 /* where Linux scans for the RSDP */
#define MPTABLE_ADDR 0xf0000
#define BIOS_END 0x100000
#define KERNEL_LOAD 0x100000 /* 1 MiB: flat images, Linux, real mode's limit */
/* The 32-bit hole: RAM stops at 3 GiB and resumes at 4 GiB, as on a PC. */
#define MEM_HOLE_START U64(0xc0000000)
#define MEM_HIGH_START U64(0x100000000)
#define FB_APERTURE_ADDR U64(0xe0000000) /* --fb pixels */
#define FB_REGS_SIZE 0x1000
#define FB_REGS_ADDR (FB_APERTURE_ADDR - FB_REGS_SIZE)
#define PCI_BAR_MEM_BASE 0xfe000000 /* where firmware places 32-bit memory BARs */
#define PCI_BAR_MEM_END 0xfec00000
#define IOAPIC_ADDR 0xfec00000 /* in-kernel IOAPIC */
#define LAPIC_ADDR 0xfee00000  /* in-kernel LAPIC, one per vCPU */
/* Below the 4 GiB boundary and above the IOAPIC, as kvmtool and QEMU put
 * them: the identity page table and TSS (3 pages) KVM wants on Intel for
 * real mode without unrestricted guest. */
#define PC_TESTDEV_IOMEM_ADDR 0xff000000 /* pc-testdev: 64 KiB of memory behind MMIO exits */
#define PC_TESTDEV_IOMEM_SIZE 0x10000
#define KVM_IDENTITY_MAP_ADDR U64(0xfffbc000)
#define KVM_TSS_ADDR U64(0xfffbd000)

/* --- Selectors in boot/cpu.c's GDT: Linux's __BOOT_CS and __BOOT_DS ------ */
#define BOOT_CS 0x10
#define BOOT_DS 0x18
#define BOOT_TR 0x20
#define BOOT_GDT_ENTRIES 6 /* null, null, code, data, TSS (16 bytes in long mode) */

/* --- The hypercall port's ABI: function in RAX, arguments RDI, RSI ------- */
#define HYPERCALL_VERSION 1
#define HC_VERSION 0 /* returns HYPERCALL_VERSION */
#define HC_ADD 1     /* returns RDI + RSI; unknown functions return -1 */

/* --- The framebuffer's register block: read-only 32-bit registers ------- */
#define FB_REG_MAGIC 0x00    /* FB_MAGIC */
#define FB_REG_WIDTH 0x04    /* pixels */
#define FB_REG_HEIGHT 0x08   /* lines */
#define FB_REG_STRIDE 0x0c   /* bytes from one line to the next */
#define FB_REG_FORMAT 0x10   /* FB_FORMAT_XRGB8888 */
#define FB_REG_BPP 0x14      /* bits per pixel: 32 */
#define FB_REG_APERTURE 0x18 /* bytes at the base, a multiple of 64 KiB */
#define FB_REG_BASE_LO 0x1c  /* guest-physical address of the aperture */
#define FB_REG_BASE_HI 0x20
#define FB_NR_REGS 9
#define FB_MAGIC 0x42464d56           /* "VMFB" */
#define FB_FORMAT_XRGB8888 0x34325258 /* DRM fourcc "XR24": B, G, R, X in memory */

/* --- fw_cfg keys (QEMU's docs/specs/fw_cfg.rst) ------------------------- */
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_FILE_DIR 0x19

/* --- ACPI: PM1 registers (ACPI 6.x, 4.8.3) and the DSDT's sleep types ---- */
#define ACPI_S3_TYPE 1     /* \_S3: suspend to RAM (QEMU's PIIX4 value: s3 tests hard-code it) */
#define ACPI_S5_TYPE 5     /* \_S5: soft off */
#define PM1_STS_RTC 0x0400 /* PM1_STS: the RTC alarm fired */
#define PM1_STS_WAK 0x8000 /* PM1_STS: the machine woke from a sleep state */
#define PM1_EN_RTC 0x0400  /* PM1_EN: the RTC alarm may wake the machine */
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_EN 0x2000
#define FACS_WAKING_VECTOR 12 /* offset of firmware_waking_vector in the FACS */

/* --- CMOS RTC registers and bits (MC146818A datasheet) ------------------- */
#define CMOS_SECONDS_ALARM 0x01
#define CMOS_MINUTES_ALARM 0x03
#define CMOS_HOURS_ALARM 0x05
#define CMOS_REG_A 0x0a
#define CMOS_REG_B 0x0b
#define CMOS_REG_C 0x0c
#define CMOS_REG_D 0x0d
#define RTC_A_UIP 0x80  /* update in progress: the 244 us before each second */
#define RTC_B_SET 0x80  /* the guest sets the time: updates stop */
#define RTC_B_PIE 0x40  /* periodic interrupt enable */
#define RTC_B_AIE 0x20  /* alarm interrupt enable */
#define RTC_B_UIE 0x10  /* update-ended interrupt enable */
#define RTC_C_IRQF 0x80 /* an enabled flag below is set: IRQ 8 is raised */
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_ALARM_DONT_CARE 0xc0 /* an alarm byte of 0xc0-0xff matches any value */

/* --- PIT (Intel 8254): what a PC BIOS programs (channel 0, IRQ 0) -------- */
#define PIT_BIOS_MODE 2  /* rate generator, as SeaBIOS */
#define PIT_BIOS_COUNT 0 /* 65536: 18.2 Hz */

/* --- PCI: IDs of the functions on bus 0 -------------------------------- */
#define PCI_HOST_VENDOR 0x8086 /* 00:00.0, the i440FX host bridge, as QEMU's pc */
#define PCI_HOST_DEVICE 0x1237
#define PCI_TESTDEV_VENDOR 0x1b36 /* QEMU's pci-testdev (Red Hat's test device ID) */
#define PCI_TESTDEV_DEVICE 0x0005
#define PCI_TESTDEV_MEM_SIZE 0x1000 /* BAR 0: memory */
#define PCI_TESTDEV_IO_SIZE 0x100   /* BAR 1: I/O */

/* --- Multiboot 0.6.96, section 3 ---------------------------------------- */
#define MB_MAGIC 0x1badb002
#define MB_BOOT_MAGIC 0x2badb002 /* in EAX at entry */
#define MB_PAGE_ALIGN 0x1
#define MB_MEMORY_INFO 0x2
#define MB_VIDEO_MODE 0x4
#define MB_AOUT_KLUDGE 0x10000
#define MBI_MEMORY 0x1
#define MBI_CMDLINE 0x4
#define MBI_MODS 0x8
#define MBI_MMAP 0x40
#define MBI_LOADER_NAME 0x200

/* --- CPU bits (Intel SDM vol. 3) ----------------------------------------- */
#define CR0_PE 0x1
#define CR0_MP 0x2
#define CR0_ET 0x10
#define CR0_NE 0x20
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define CR4_PSE 0x10
#define CR4_PAE 0x20
#define CR4_OSFXSR 0x200
#define CR4_OSXMMEXCPT 0x400
#define CR4_LA57 0x1000
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_PAT 0x277
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define EFER_LMA 0x400
#define EFER_NXE 0x800
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MISC_ENABLE_FAST_STRING 0x1
#define RFLAGS_RESERVED 0x2 /* bit 1 always reads as one */
#define RFLAGS_TF 0x100
#define RFLAGS_IF 0x200
/* Debug registers (vol. 3, 18.2): DR6 says what hit, DR7 arms DR0-DR3. */
#define DR6_B0 0x1      /* DR0 matched; DR1-DR3 are the next bits */
#define DR6_BS 0x4000   /* single step */
#define DR7_L0 0x1      /* DR0 enabled locally; DRn at bit 2n */
#define DR7_FIXED 0x600 /* GE, and bit 10, which reads as one */
#define DR7_RW_SHIFT 16 /* then 2 bits RW, 2 bits LEN per register */
#define DR7_RW_EXEC 0
#define DR7_RW_WRITE 1
#define DR7_RW_ACCESS 3
#define INSN_INT3 0xcc
#define INSN_HLT 0xf4
#define PTE_PRESENT 0x1
#define PTE_WRITE 0x2
#define PTE_HUGE 0x80 /* PS: a 2 MiB or 1 GiB page (4 MiB without PAE) */
#define PTE_ADDR U64(0x000ffffffffff000)
#define APIC_BASE_ENABLE 0x800
#define APIC_BASE_BSP 0x100
/* LAPIC registers, offsets from LAPIC_ADDR, and what the guests write. */
#define APIC_REG_ID 0x20 /* bits 24-31 */
#define APIC_REG_SVR 0xf0
#define APIC_REG_ICR_LO 0x300 /* writing it sends the IPI */
#define APIC_REG_ICR_HI 0x310
#define APIC_REG_LVT0 0x350
#define APIC_REG_LVT1 0x360
#define APIC_MODE_NMI 0x400
#define APIC_MODE_INIT 0x500
#define APIC_MODE_STARTUP 0x600
#define APIC_MODE_EXTINT 0x700
#define APIC_MODE_MASK 0x700
#define APIC_ICR_BUSY 0x1000 /* delivery status: send pending */
#define APIC_ICR_ASSERT 0x4000
#define APIC_ICR_ALL_BUT_SELF 0xc0000
#define APIC_LVT_MASKED 0x10000

#endif
