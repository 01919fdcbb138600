/* SPDX-License-Identifier: Apache-2.0 */
/* neurohdl CSR runtime: register access through a transport hook.
 *
 * The same driver code runs on a soft CPU (memory-mapped transport), on Linux through /dev/mem,
 * or on a host talking to a board over the UART bridge: the application provides read32/write32.
 * Field masks and positions come from the PeakRDL-cheader header generated from the same .rdl
 * (<MAP>__<REG>__<FIELD>_bm / _bp); register offsets from its packed struct (offsetof).
 *
 *   static uint32_t rd(void *ctx, uint64_t a, uint32_t *v) { ... return 0 on success; }
 *   nh_csr_t dev = { .base = 0x40000000, .read32 = rd, .write32 = wr, .ctx = &uart };
 *   nh_csr_write_field(&dev, offsetof(snn_ctrl_t, CTRL), SNN_CTRL__CTRL__RUN_bm,
 *                      SNN_CTRL__CTRL__RUN_bp, 1);
 */
#ifndef NEUROHDL_CSR_H
#define NEUROHDL_CSR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* transport callbacks: return 0 on success, non-zero on a bus error / timeout */
typedef int (*nh_read32_fn)(void *ctx, uint64_t addr, uint32_t *value);
typedef int (*nh_write32_fn)(void *ctx, uint64_t addr, uint32_t value);

typedef struct {
    uint64_t base;           /* block base address */
    nh_read32_fn read32;
    nh_write32_fn write32;
    void *ctx;               /* transport state (UART handle, mmap pointer, ...) */
    int last_error;          /* the last non-zero transport result, sticky until cleared */
} nh_csr_t;

int nh_csr_read(nh_csr_t *dev, uint32_t offset, uint32_t *value);
int nh_csr_write(nh_csr_t *dev, uint32_t offset, uint32_t value);
/* field read: (reg & mask) >> pos */
int nh_csr_read_field(nh_csr_t *dev, uint32_t offset, uint32_t mask, unsigned pos,
                      uint32_t *value);
/* field write: read-modify-write of one field; returns -2 if value does not fit the field
 * (nothing written).  Other fields are written back as read: for registers with write-1-to-
 * clear or single-pulse fields write the whole register with nh_csr_write instead. */
int nh_csr_write_field(nh_csr_t *dev, uint32_t offset, uint32_t mask, unsigned pos,
                       uint32_t value);

#ifdef __cplusplus
}
#endif

#endif /* NEUROHDL_CSR_H */
