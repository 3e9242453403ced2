/*
 * mbaout.S - mbelf.S as a flat binary with the multiboot a.out kludge
 * (header flag 16): the header gives header_addr, load_addr,
 * load_end_addr, bss_end_addr and entry_addr, computed from symbols.
 *
 * The file ends with 1 KiB of 0xff bytes past load_end_addr, where the
 * .bss (up to bss_end_addr) lies: the loader must not copy them and
 * must zero the .bss instead, or the kernel ends with code 5.  Output
 * and exit codes: see mbelf.S.  Run with --mode protected it is a flat
 * binary with no multiboot magic in EAX: code 1 (status 3).
 */
#define MB_AOUT 1
#include "mbelf.S"
