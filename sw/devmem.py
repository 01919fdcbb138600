# SPDX-License-Identifier: Apache-2.0
"""Word-burst transport over ``/dev/mem`` (Zynq-class boards: the SoC's bus slave mapped into the
processor's physical address space).

    from neurohdl.sw.devmem import DevMemTransport
    from neurohdl.sw.snn_soc import SnnSoc
    with DevMemTransport(0x43C0_0000, 0x1000) as bus:      # base, window size (bytes)
        soc = SnnSoc(bus, "build/regmap/regmap.json")
        soc.info()

Word address ``w`` is byte ``base + 4 * w``.  Every access is one aligned 32-bit load or store:
the window is read and written through ``memoryview.cast("I")``, whose item access copies exactly
one native 4-byte unsigned int (never byte by byte, which matters for registers that pop a FIFO
on read).  Addresses outside the window, a base or size not word aligned and words outside
0..2^32-1 raise :class:`neurohdl.ParamError` before any access; a device that cannot be opened
or mapped raises :class:`neurohdl.errors.HostError`.  Needs root (or a UIO device
passed as ``path``, then ``base`` is the offset inside it); a regular file works too, which is
how the tests run it.
"""
from __future__ import annotations

import mmap
import os
import struct

from neurohdl.errors import HostError, ParamError
from neurohdl.sw._util import word_list

__all__ = ["DevMemTransport"]


class DevMemTransport:
    """``read(word_addr, n=1, fixed=False) -> list[int]``, ``write(word_addr, words, fixed=False)``
    over an mmap of ``path`` from byte ``base``, ``size`` bytes."""

    def __init__(self, base: int, size: int, path: str = "/dev/mem"):
        if struct.calcsize("I") != 4:
            raise ParamError("DevMemTransport: the native unsigned int is not 32 bits")
        if not isinstance(base, int) or base < 0 or base % 4:
            raise ParamError(f"base = {base!r}: allowed a word-aligned byte address >= 0")
        if not isinstance(size, int) or size < 4 or size % 4:
            raise ParamError(f"size = {size!r}: allowed a multiple of 4 bytes >= 4")
        self.base, self.size, self.path = base, size, str(path)
        page = mmap.ALLOCATIONGRANULARITY
        self._skip = base % page                      # mmap offsets must be page aligned
        try:
            fd = os.open(self.path, os.O_RDWR | getattr(os, "O_SYNC", 0))
            try:
                self._mm = mmap.mmap(fd, self._skip + size, mmap.MAP_SHARED,
                                     mmap.PROT_READ | mmap.PROT_WRITE, offset=base - self._skip)
            finally:
                os.close(fd)
        except (OSError, ValueError) as e:
            raise HostError(f"DevMemTransport({base:#x}, {size:#x}, path={self.path!r}): "
                            f"{getattr(e, 'strerror', None) or e} (root or a UIO device "
                            "needed; the window must lie inside the device)") from None
        self._words = memoryview(self._mm).cast("I")
        self._first = self._skip // 4
        self.n_words = size // 4

    def _index(self, addr: int, n: int, fixed: bool) -> list[int]:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ParamError(f"burst length = {n!r}: allowed >= 1")
        last = addr if fixed else addr + n - 1
        if isinstance(addr, bool) or not isinstance(addr, int) or addr < 0 \
                or last >= self.n_words:
            raise ParamError(f"word address = {addr!r} (+{n} words{', fixed' if fixed else ''}): "
                             f"allowed 0..{self.n_words - 1} for every word (window of "
                             f"{self.size:#x} bytes at {self.base:#x})")
        return [self._first + (addr if fixed else addr + i) for i in range(n)]

    def read(self, addr: int, n: int = 1, fixed: bool = False) -> list[int]:
        self._open()
        return [int(self._words[i]) for i in self._index(addr, n, fixed)]

    def write(self, addr: int, words, fixed: bool = False) -> None:
        self._open()
        words = word_list(words)
        for i, w in zip(self._index(addr, len(words), fixed), words):
            self._words[i] = w

    # byte-address single accesses (the regmap_driver.Driver transport interface)
    def read32(self, byte_addr: int) -> int:
        if byte_addr % 4:
            raise ParamError(f"byte address = {byte_addr:#x}: allowed word aligned")
        return self.read(byte_addr // 4)[0]

    def write32(self, byte_addr: int, value: int) -> None:
        if byte_addr % 4:
            raise ParamError(f"byte address = {byte_addr:#x}: allowed word aligned")
        self.write(byte_addr // 4, [value])

    def _open(self):
        if self._mm is None:
            raise ParamError(f"DevMemTransport({self.base:#x}): closed")

    def close(self) -> None:
        if self._mm is not None:
            self._words.release()
            self._mm.close()
            self._mm = None

    def __enter__(self) -> "DevMemTransport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
