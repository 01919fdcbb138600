# SPDX-License-Identifier: Apache-2.0
"""aer.router's table compiler (models/aer/router.py) and host driver (sw/aer_router.py), pure
Python: the compiled route RAM routes every address like a straightforward SpiNNaker
first-match over the ternary entries (written here, independently of the compiler); tables
that cannot be represented raise ParamError naming the entry; a wrong reference is caught; the
cycle model's counter invariants hold under random traffic and back-pressure; the driver
loads a table and reads the counters over a transport on the cycle model."""
import random

import pytest

from neurohdl.errors import ParamError
from neurohdl.models.aer import event, router as model
from neurohdl.models.aer.router import ENTRY_VALID, Entry, Geometry, RouterParams
from neurohdl.sw.aer_router import Router, word_addr


def first_match(entries, default, address: int) -> set[int]:
    """The ports of ``address``: those of the first entry with address & mask == key."""
    for key, mask, ports in entries:
        if address & mask == key:
            return set(ports)
    return set(default)


def ram_route(g: Geometry, image, default, address: int) -> set[int]:
    """The ports the route RAM image gives ``address`` (the hardware's lookup)."""
    word = image[g.index(address)]
    bits = word & 0xFF if word & ENTRY_VALID else default
    return {i for i in range(g.ports) if bits >> i & 1}


def random_table(g: Geometry, rng: random.Random, n: int):
    bits = [b for b in range(g.address_bits) if g.window >> b & 1]
    out = []
    for _ in range(n):
        mask = sum(1 << b for b in bits if rng.random() < rng.choice([0.3, 0.7, 0.95]))
        out.append((rng.getrandbits(g.address_bits) & mask, mask,
                    tuple(i for i in range(g.ports) if rng.random() < 0.4)))
    return out


GEOMETRIES = [Geometry(4, 8, 0, 8), Geometry(5, 9, 3, 14), Geometry(2, 10, 2, 16),
              Geometry(8, 12, 0, 12)]


@pytest.mark.parametrize("g", GEOMETRIES, ids=str)
def test_compiled_ram_is_first_match(g, seed):
    """Every address of the space (up to 2**14) routes through the compiled RAM as through the
    ternary first-match, for random tables with overlapping entries."""
    rng = random.Random(f"{seed}:{g}")
    for _ in range(4):
        entries = random_table(g, rng, rng.randint(0, 12))
        default = tuple(i for i in range(g.ports) if rng.random() < 0.5)
        image = model.compile_table(g, entries)
        dword = model.default_word(g, default)
        assert len(image) == 1 << g.index_bits
        for a in range(min(1 << g.address_bits, 1 << 14)):
            assert ram_route(g, image, dword, a) == first_match(entries, default, a), \
                (g, entries, default, hex(a))


def test_first_match_by_hand():
    """Two overlapping entries: the first wins where both match; the default elsewhere; an
    entry with no port drops."""
    g = Geometry(4, 8, 0, 8)
    image = model.compile_table(g, [(0x10, 0xF0, [0, 2]), (0x00, 0x0F, [1]), (0x20, 0xF0, [])])
    assert image[0x10] == ENTRY_VALID | 0b0101        # both match: entry 0
    assert image[0x30] == ENTRY_VALID | 0b0010        # entry 1 (low nibble 0)
    assert image[0x25] == ENTRY_VALID                 # entry 2: valid, no port (drop)
    assert image[0x31] == 0                           # none: not valid (DEF_ROUTE routes it)


def test_reference_must_fail(seed):
    """The check above catches a compiler that lets the *last* match win."""
    g = Geometry(4, 8, 0, 8)
    entries = [(0x10, 0xF0, [0]), (0x00, 0x00, [1])]
    image = model.compile_table(g, list(reversed(entries)))
    assert any(ram_route(g, image, 0, a) != first_match(entries, (), a) for a in range(256))


@pytest.mark.parametrize("entry, words", [
    ((0x100, 0x1FF, [0]), ["table[1].key = 0x100", "address_bits = 8"]),
    ((0x01, 0x00, [0]), ["table[1].key = 0x1", "bits of its mask 0x0"]),
    ((0x00, 0x0F, [4]), ["table[1].ports = 4", "0..3"]),
    ((0x00, 0x0F, [True]), ["table[1].ports = True"]),
])
def test_bad_entries_raise(entry, words):
    g = Geometry(4, 8, 0, 8)
    with pytest.raises(ParamError) as e:
        model.compile_table(g, [(0, 0, [0]), entry])
    assert all(w in str(e.value) for w in words) and "\n" not in str(e.value), str(e.value)


def test_mask_outside_the_key_window_raises():
    """Address bits above (or below) the window cannot be tested by the RAM."""
    g = Geometry(4, 8, 2, 12)                      # window = bits 2..9 = 0x3fc
    for mask in (0xC00, 0x003):
        with pytest.raises(ParamError) as e:
            model.compile_table(g, [Entry(0, 0x3FC, (0,)), Entry(0, mask, (1,))])
        assert f"table[1].mask = {mask:#x}" in str(e.value) and "0x3fc" in str(e.value)
    with pytest.raises(ParamError, match="default route port = 7"):
        model.default_word(g, [7])


# ------------------------------------------------------------------ cycle model --------------

class ModelTransport:
    """A word-burst transport on the cycle model: each access is one Wishbone request and the
    cycles until its answer; the router's ports idle meanwhile."""

    def __init__(self, p: RouterParams, st):
        self.p, self.st = p, st

    def cycle(self, **ins):
        base = {n: 0 for n in model.inputs(self.p)}
        base.update({f"m_out{i}_tready": 1 for i in range(self.p.ports)}, wb_sel=0xF, **ins)
        self.st = model.step(self.p, self.st, base)

    def access(self, addr, data=None):
        self.cycle(wb_cyc=1, wb_stb=1, wb_we=int(data is not None), wb_adr=4 * addr,
                   wb_dat_w=data or 0)
        ack, err, dat = self.st.bus
        self.cycle()
        assert ack and not err, addr
        return dat

    def read(self, addr, n=1, fixed=False):
        return [self.access(addr + (0 if fixed else i)) for i in range(n)]

    def write(self, addr, words, fixed=False):
        for i, w in enumerate(words):
            self.access(addr + (0 if fixed else i), w)


def test_model_invariants_and_driver(seed):
    """The driver loads a table on the model; random traffic with random back-pressure: every
    cycle EVENTS_IN = EVENTS_OUT + DROPPED + (an event held) and HITS + MISSES = EVENTS_OUT +
    DROPPED; each port's beats are the first-match routing (markers to every port); the
    driver's counters agree."""
    rng = random.Random(seed)
    p = RouterParams(ports=3, event={"neuron_bits": 9})
    t = ModelTransport(p, model.reset(p))
    for _ in range(p.entries):
        t.cycle()                                   # the clearing sweep
    drv = Router(t, model_table())
    entries = random_table(p.geometry, rng, 6)
    drv.load(entries, default=[2])
    beats = event.beats(event.random_timesteps(p.event, rng, 300))
    got, pos = [[] for _ in range(p.ports)], 0
    st = t.st
    for _ in range(5000):
        b = beats[pos] if pos < len(beats) else (0, 0, 0)
        ins = {n: 0 for n in model.inputs(p)}
        ins.update({"s_in_tvalid": int(pos < len(beats) and rng.random() < 0.8),
                    "s_in_tdata": b[0], "s_in_tlast": b[1], "s_in_tuser": b[2]})
        ins.update({f"m_out{i}_tready": int(rng.random() < 0.6) for i in range(p.ports)})
        o = model.outputs(p, st, ins)
        for i in range(p.ports):
            if o[f"m_out{i}_tvalid"] and ins[f"m_out{i}_tready"]:
                got[i].append((o[f"m_out{i}_tdata"], o[f"m_out{i}_tlast"], o[f"m_out{i}_tuser"]))
        pos += int(ins["s_in_tvalid"] and o["s_in_tready"])
        st = model.step(p, st, ins)
        c, held = st.count, int(st.held is not None and not st.held[2])
        assert c["EVENTS_IN"] == c["EVENTS_OUT"] + c["DROPPED"] + held
        assert c["HITS"] + c["MISSES"] == c["EVENTS_OUT"] + c["DROPPED"]
    assert pos == len(beats) and st.held is None
    for i in range(p.ports):
        want = []
        for d, last, user in beats:
            if not user and i in first_match(entries, [2], d & 0x1FF):
                want.append((d, last, 0))
            elif last:
                want.append(event.MARKER)
        assert got[i] == want, i
    t.st = st
    c = drv.counters()
    assert c["EVENTS_IN"] == sum(1 for b in beats if not b[2])
    assert c["PORT_OUT"] == [sum(1 for b in g if not b[2]) for g in got]
    assert c["MARKERS"] == sum(b[1] for b in beats)


def model_table():
    from neurohdl.sw.regmap_driver import Table
    return Table(model.regmap().to_dict())


def test_driver_refuses_before_writing():
    """A table that cannot be represented raises before any write; a load during the
    clearing sweep raises RouterBusy."""
    from neurohdl.sw.aer_router import RouterBusy
    p = RouterParams()
    t = ModelTransport(p, model.reset(p))
    drv = Router(t, model_table())
    writes = []
    t.write = lambda *a, **k: writes.append(a)
    with pytest.raises(RouterBusy):
        drv.load([(0, 0, [0])])
    with pytest.raises(ParamError, match=r"table\[0\].ports = 9"):
        drv.load([(0, 0, [9])])
    assert writes == []
    assert word_addr(model_table(), "TDATA") == 0x18 // 4
