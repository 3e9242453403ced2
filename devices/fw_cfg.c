#include <string.h>

#include "devices/fw_cfg.h"
#include "lib/machine.h"

/* Formats from QEMU's docs/specs/fw_cfg.rst: numbers are little-endian,
 * except the file directory's count, big-endian. */
#define FW_CFG_ID_TRADITIONAL 0x1 /* no DMA interface */
#define SELECTOR_OFFSET 0
#define DATA_OFFSET 1

static void add(struct fw_cfg *f, uint16_t key, uint64_t value, uint8_t len)
{
	struct fw_cfg_item *it = &f->item[f->nr++];

	it->key = key;
	it->len = len;
	memcpy(it->data, &value, len); /* x86 is little-endian, as fw_cfg */
}

static const struct fw_cfg_item *find(const struct fw_cfg *f)
{
	for (int i = 0; i < f->nr; i++)
		if (f->item[i].key == f->key)
			return &f->item[i];
	return NULL;
}

static void fw_cfg_io(void *dev, struct io_access *a)
{
	struct fw_cfg *f = dev;
	const struct fw_cfg_item *it;

	if (a->offset == SELECTOR_OFFSET) {
		if (a->write && a->len >= 2) {
			memcpy(&f->key, a->data, 2);
			f->offset = 0;
		} else if (!a->write) {
			memset(a->data, 0, a->len);
		}
		return;
	}
	if (a->write)
		return; /* writes to items are not supported, as in QEMU since 2.4 */
	memset(a->data, 0, a->len);
	it = find(f);
	/* Reads walk the item a byte at a time, zeros past its end. */
	for (uint32_t i = 0; i < a->len; i++, f->offset++)
		if (it && f->offset < it->len)
			a->data[i] = it->data[f->offset];
}

int fw_cfg_init(struct fw_cfg *f, struct bus *pio, uint64_t ram_size, int ncpus)
{
	memset(f, 0, sizeof(*f));
	add(f, FW_CFG_SIGNATURE, 0x554d4551, 4); /* "QEMU" */
	add(f, FW_CFG_ID, FW_CFG_ID_TRADITIONAL, 4);
	add(f, FW_CFG_RAM_SIZE, ram_size, 8);
	add(f, FW_CFG_NOGRAPHIC, 1, 2);
	add(f, FW_CFG_NB_CPUS, ncpus, 2);
	add(f, FW_CFG_MAX_CPUS, ncpus, 2);
	add(f, FW_CFG_FILE_DIR, 0, 4); /* no files: a zero count either way round */
	return bus_register(pio, FW_CFG_PORT, 2, fw_cfg_io, f);
}
