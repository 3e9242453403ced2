#ifndef FW_CFG_H
#define FW_CFG_H

#include <stdint.h>

#include "lib/machine.h"
#include "vm/bus.h"

#define FW_CFG_ITEM_MAX 8

/* QEMU's firmware configuration interface, the traditional I/O-port form:
 * the guest writes a key to the selector and reads the item byte by byte
 * from the data port. Test kernels read RAM size and CPU count from it. */
struct fw_cfg {
	uint16_t key;
	uint32_t offset;
	struct fw_cfg_item {
		uint16_t key;
		uint8_t data[8];
		uint8_t len;
	} item[FW_CFG_ITEM_MAX];
	int nr;
};

int fw_cfg_init(struct fw_cfg *f, struct bus *pio, uint64_t ram_size, int ncpus);

#endif
