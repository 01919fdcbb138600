/* SPDX-License-Identifier: Apache-2.0 */
/* neurohdl CSR runtime (see neurohdl_csr.h). */
#include "neurohdl_csr.h"

static int note(nh_csr_t *dev, int rc) {
    if (rc != 0)
        dev->last_error = rc;
    return rc;
}

int nh_csr_read(nh_csr_t *dev, uint32_t offset, uint32_t *value) {
    return note(dev, dev->read32(dev->ctx, dev->base + offset, value));
}

int nh_csr_write(nh_csr_t *dev, uint32_t offset, uint32_t value) {
    return note(dev, dev->write32(dev->ctx, dev->base + offset, value));
}

int nh_csr_read_field(nh_csr_t *dev, uint32_t offset, uint32_t mask, unsigned pos,
                      uint32_t *value) {
    uint32_t r;
    int rc = nh_csr_read(dev, offset, &r);
    if (rc == 0)
        *value = (r & mask) >> pos;
    return rc;
}

int nh_csr_write_field(nh_csr_t *dev, uint32_t offset, uint32_t mask, unsigned pos,
                       uint32_t value) {
    uint32_t r;
    int rc;
    if (((value << pos) & ~mask) != 0 || (pos > 0 && (value >> (32 - pos)) != 0))
        return -2;
    rc = nh_csr_read(dev, offset, &r);
    if (rc != 0)
        return rc;
    return nh_csr_write(dev, offset, (r & ~mask) | ((value << pos) & mask));
}
