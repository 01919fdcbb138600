# SPDX-License-Identifier: Apache-2.0
"""Address events in, spike lines or synaptic events out: the bit-true, cycle-true
specification of ``aer.decoder``.

Input ``s_in``: AER beats (``models/aer/event.py``).  The *key* of an event is its ``neuron``
field (``key = 'neuron'``) or its whole address (``key = 'address'``); an event whose key is
``>= n`` is dropped and counted (``status_dropped``).  Two modes:

``mode = 'lines'``: ``m_spk`` carries one beat per timestep, ``tdata`` = the timestep's spike
lines (bit k set: an event with key k arrived in it; ``n`` lines), ``tlast = 1``.  Every
cycle::

    s_in_tready = !o_valid || !s_in_tlast       (an event without tlast is always taken)
    m_spk_*     = the output register

At the edge the output register empties when its beat transfers; an event taken sets its line
in ``acc``; a beat with tlast (its event's line included) moves ``acc`` into the output
register and clears ``acc``.

``mode = 'fanout'``: each event fans out through a table in block RAM, a *pointer RAM* of
``2^index_bits`` words ``{count, start}`` (indexed by the key) and a *synapse RAM* of
``synapses`` words ``{weight, target}``: the event with key k gives the synaptic events
``syn[start + i]`` (i = 0..count-1, the address wrapping modulo ``synapses``) on ``m_syn``,
one per clock, ``tdata = {weight, target}`` (the word ``neuron.engine`` takes on ``s_syn``
when ``target_bits = aw`` and ``w_width`` = the engine's).  The timestep marker follows the
fan-out: an event with tlast puts tlast on its last synaptic event, or (count 0 or dropped)
sends a marker beat (tdata 0, tlast 1, tuser 1); an input marker beat sends a marker beat.
Stages: P (the event taken; its pointer word read from RAM at the edge it was taken), B (the
walker: the rest of a fan-out of 2 or more), O (the output register, the synapse RAM's read
register).  Every cycle::

    adv         = !o_valid || m_syn_tready
    s_in_tready = !pv || (adv && !bv)
    m_syn_*     = the output register (tdata 0 on a marker beat);   s_tbl_tready = 1

At the edge, when ``adv``, one slot issues into O: from B (its next synapse; B empties after
its last), else from P (the first synapse of P's event, B taking the rest; with count 0 a
marker beat when P has tlast, else nothing), P emptying; else O empties.  A beat taken on s_in
enters P (its pointer word read, old contents on a same-edge write).  A beat on ``s_tbl``
writes one table word (after the reads of the same edge: read-first RAMs).  So an event takes
``max(1, count)`` cycles of the walker, and the input stalls during a fan-out.

Graded events (``graded``, fanout mode with an event payload x, unsigned or signed as
``event.payload_signed``): every synaptic event of the event leaves with the weight
``(w * x + r) >> shift`` (:func:`graded_weight`: r = 2^(shift-1), 0 when shift = 0, an
arithmetic shift: w x / 2^shift rounded half up, exactly), in an output weight field of
``out_w_width`` bits (two's complement when ``out_w_signed = w_signed or payload_signed``): the
fewest that hold every result (:func:`graded_bounds`), so nothing saturates.  With
``w_signed``, ``event.payload_signed = False`` and ``shift = sh`` this is nir_quant's graded
input, ``(W x + 2^(sh-1)) >> sh``.  Without ``graded`` the payload is ignored and the output
word is the synapse word.

Table load (``s_tbl``, never stalls): ``tdata = {sel, addr, data}``, ``data`` in the low
``tbl_data_bits``, ``addr`` in the next ``tbl_addr_bits``, ``sel`` the top bit; ``sel = 0``
writes pointer word ``addr mod 2^index_bits`` with ``data``'s low ``ptr_width`` bits
``{count, start}`` (start low); ``sel = 1`` writes synapse word ``addr mod synapses`` with
``data``'s low ``syn_width`` bits ``{weight, target}`` (target low).  The RAMs are not reset
(block RAM): their contents before the first write are undefined (the model takes 0), a
reset keeps them.  :func:`build_table` lays out a table, :func:`load_words` gives its beats.

Counters (``counter_bits``, wrapping): ``status_in`` (events taken: beats without tuser),
``status_done`` (events decoded: lines mode when taken; fanout mode when their last slot
issues), ``status_dropped`` (events whose key >= n), ``status_markers`` (beats with tlast
transferred on the output), fanout mode also ``status_out`` (synaptic events transferred).
At all times ``status_in = status_done + status_dropped + in flight`` (mod 2^counter_bits),
in flight = the events in P and B (0..2; always 0 in lines mode).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from neurohdl.errors import ParamError
from neurohdl.models.aer import event
from neurohdl.models.aer.event import EventParams
from neurohdl.params import Params, pfield, pfield_params

MAX_N = 4096
MAX_LINES = 256
MAX_SYNAPSES = 65536
MARKER = (0, 1, 1)


def _key_bits(p) -> int:
    return p.event.neuron_bits if p.key == "neuron" else p.event.address_bits


@dataclass(frozen=True)
class DecoderParams(Params):
    """Events -> spike lines per timestep, or -> (target, weight) synaptic events through a
    fan-out table in block RAM."""

    mode: str = pfield("fanout", "'lines' = one spike-line vector per timestep, 'fanout' = "
                       "synaptic events through the pointer/synapse tables",
                       choices=("fanout", "lines"))
    key: str = pfield("neuron", "the event field that indexes: 'neuron' = the neuron field, "
                      "'address' = the whole address {y, x, neuron}", choices=("neuron", "address"))
    event: EventParams = pfield_params(EventParams, "the input event word (models/aer/event.py)")
    n: int = pfield(256, "keys decoded (0..n-1; a larger key is dropped): spike lines (lines "
                    "mode, at most 256) or pointer-RAM entries (fanout mode)", lo=1, hi=MAX_N,
                    rand=(1, 20))
    synapses: int = pfield(1024, "synapse-RAM words (a power of two; fanout mode)", lo=2,
                           hi=MAX_SYNAPSES)
    max_fanout: int = pfield(64, "largest fan-out of one key (sets the pointer's count "
                             "field; fanout mode)", lo=1, hi=lambda p: p.synapses)
    target_bits: int = pfield(8, "bits of a synaptic event's target address (neuron.engine: "
                              "its aw; fanout mode)", lo=1, hi=24, rand=(1, 8))
    w_width: int = pfield(8, "bits of a synaptic weight (fanout mode)", lo=1, hi=32,
                          rand=(1, 12))
    w_signed: bool = pfield(True, "the weight is two's complement (neuron.engine: True), else "
                            "unsigned (fanout mode)")
    counter_bits: int = pfield(16, "bits of the status counters (they wrap)", lo=4, hi=32,
                               rand=(4, 10))
    graded: bool = pfield(False, "graded events (fanout mode, event.payload_bits >= 1): each "
                          "synaptic event's weight becomes (w * x + r) >> shift, x the event's "
                          "payload, r = 2^(shift-1) (0 when shift = 0); the output weight "
                          "field widens to hold every result")
    shift: int = pfield(0, "graded: the right shift of the product w * x, rounding half up",
                        lo=0, hi=lambda p: p.w_width + p.event.payload_bits)

    def check(self):
        kb = _key_bits(self)
        if self.n > 1 << kb:
            raise self.error("n", self.n, f"1..{1 << kb} (key = '{self.key}': {kb} bits of "
                             "the event word)")
        if self.mode == "lines" and self.n > MAX_LINES:
            raise self.error("n", self.n, f"1..{MAX_LINES} in lines mode")
        if self.synapses & (self.synapses - 1):
            raise self.error("synapses", self.synapses, f"a power of two 2..{MAX_SYNAPSES}")
        if self.graded and (self.mode != "fanout" or not self.event.payload_bits):
            raise self.error("graded", self.graded, "False unless mode = 'fanout' and "
                             f"event.payload_bits >= 1 (mode = '{self.mode}', "
                             f"event.payload_bits = {self.event.payload_bits})")

    def derive(self):
        self.set_derived("key_bits", _key_bits(self))
        self.set_derived("index_bits", max(1, (self.n - 1).bit_length()))
        self.set_derived("syn_bits", self.synapses.bit_length() - 1)
        self.set_derived("count_bits", self.max_fanout.bit_length())
        self.set_derived("ptr_width", self.syn_bits + self.count_bits)
        self.set_derived("syn_width", self.target_bits + self.w_width)
        self.set_derived("tbl_addr_bits", max(self.index_bits, self.syn_bits))
        self.set_derived("tbl_data_bits", max(self.ptr_width, self.syn_width))
        self.set_derived("tbl_width", 1 + self.tbl_addr_bits + self.tbl_data_bits)
        lo, hi = graded_bounds(self)
        signed = self.w_signed or (self.graded and self.event.payload_signed)
        self.set_derived("out_w_signed", signed)
        self.set_derived("out_w_width", _bits(lo, hi, signed))
        self.set_derived("syn_out_width", self.target_bits + self.out_w_width)

    @classmethod
    def _random_field(cls, f, rng, partial):
        r = rng.random()
        if f.name == "n":
            hi = min(20, 1 << _key_bits(partial))
            return 1 if r < 0.1 else hi if r < 0.3 else rng.randint(1, hi)
        if f.name == "synapses":
            return rng.choice([2, 4, 8, 16, 32, 64])
        if f.name == "max_fanout":
            return 1 if r < 0.2 else partial.synapses if r < 0.45 else \
                rng.randint(1, partial.synapses)
        if f.name == "graded":      # off unless pinned: random tables are checked against
            return False            # the plain expansion (verif/aer/test_decoder.py pins it)
        if f.name == "shift":
            hi = partial.w_width + partial.event.payload_bits
            return 0 if r < 0.3 or not partial.graded else hi if r < 0.4 else \
                rng.randint(1, min(hi, 8))
        return super()._random_field(f, rng, partial)

    def weight_range(self) -> tuple[int, int]:
        """The weights a synapse-RAM word holds (w_width bits, signed when w_signed)."""
        return _range(self.w_width, self.w_signed)

    def out_weight_range(self) -> tuple[int, int]:
        """The weights m_syn's weight field holds (out_w_width bits, signed when
        out_w_signed): the RAM's when not graded."""
        return _range(self.out_w_width, self.out_w_signed)


def _range(bits: int, signed: bool) -> tuple[int, int]:
    if signed:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def _bits(lo: int, hi: int, signed: bool) -> int:
    """The fewest bits (at least 1) whose range (two's complement when ``signed``) holds
    lo..hi."""
    if signed:
        return 1 + max(max(hi, 0).bit_length(), max(-lo - 1, 0).bit_length())
    return max(1, hi.bit_length())


def graded_weight(p, w: int, x: int) -> int:
    """A graded synaptic event's weight: ``(w * x + r) >> shift``, r = 2^(shift-1) (0 when
    shift = 0), the shift arithmetic (floor): the product rounded half up to a multiple of
    2^shift, exactly (no saturation: out_w_width holds every result)."""
    return (int(w) * int(x) + ((1 << p.shift) >> 1)) >> p.shift


def graded_bounds(p) -> tuple[int, int]:
    """The least and greatest output weight over every weight and payload (the weight range
    when not graded): graded_weight is monotonic in the product, so the extremes are those of
    the product's corners."""
    lo_w, hi_w = p.weight_range()
    if not p.graded:
        return lo_w, hi_w
    lo_x, hi_x = p.event.field_range("payload")
    prods = [w * x for w in (lo_w, hi_w) for x in (lo_x, hi_x)]
    return graded_weight(p, min(prods), 1), graded_weight(p, max(prods), 1)


# ---------------------------------------------------------------- the table -------------

class Table(NamedTuple):
    """A fan-out table as the RAMs hold it: ``ptr[k] = (start, count)``, ``syn[j] = (target,
    weight)`` (weight as a signed or unsigned integer)."""
    ptr: tuple[tuple[int, int], ...]
    syn: tuple[tuple[int, int], ...]


def build_table(p: DecoderParams, fanout: Mapping[int, Sequence[tuple[int, int]]]) -> Table:
    """Lay out ``fanout`` ({key: [(target, weight), ...]}, keys absent = no synapse) in the
    RAMs: the keys' lists back to back from synapse word 0, ascending key.  Refuses (one-line
    ParamError naming what and where) a key outside 0..n-1, a list longer than max_fanout, a
    target or weight outside its field, and more synapses than the RAM holds."""
    lo_w, hi_w = p.weight_range()
    for k in sorted(fanout):
        if not 0 <= int(k) < p.n:
            raise ParamError(f"decoder table key = {k}: allowed 0..{p.n - 1} (n = {p.n})")
        syns = fanout[k]
        if len(syns) > p.max_fanout:
            raise ParamError(f"decoder table[{k}] fan-out = {len(syns)}: allowed "
                             f"0..{p.max_fanout} (max_fanout)")
        for i, (t, w) in enumerate(syns):
            if not 0 <= int(t) < 1 << p.target_bits:
                raise ParamError(f"decoder table[{k}][{i}] target = {t}: allowed "
                                 f"0..{(1 << p.target_bits) - 1} (target_bits = "
                                 f"{p.target_bits})")
            if not lo_w <= int(w) <= hi_w:
                raise ParamError(f"decoder table[{k}][{i}] weight = {w}: allowed "
                                 f"{lo_w}..{hi_w} (w_width = {p.w_width}, "
                                 f"w_signed = {p.w_signed})")
    total = sum(len(v) for v in fanout.values())
    if total > p.synapses:
        raise ParamError(f"decoder table synapses = {total}: allowed 0..{p.synapses} "
                         f"(synapses)")
    ptr, syn = [(0, 0)] * (1 << p.index_bits), []
    for k in sorted(fanout):
        ptr[int(k)] = (len(syn) % p.synapses, len(fanout[k]))   # a full RAM: start 0
        syn += [(int(t), int(w)) for t, w in fanout[k]]
    syn += [(0, 0)] * (p.synapses - len(syn))
    return Table(tuple(ptr), tuple(syn))


def random_fanout(p: DecoderParams, rng) -> dict[int, list[tuple[int, int]]]:
    """A random table within the Params: some keys without synapses, some at max_fanout."""
    lo, hi = p.weight_range()
    left, out = p.synapses, {}
    for k in range(p.n):
        r = rng.random()
        c = 0 if r < 0.25 else p.max_fanout if r < 0.45 else rng.randint(1, p.max_fanout)
        c = min(c, left)
        left -= c
        out[k] = [(rng.randrange(1 << p.target_bits), rng.choice([lo, hi, rng.randint(lo, hi)]))
                  for _ in range(c)]
    return out


def ptr_word(p: DecoderParams, start: int, count: int) -> int:
    """A pointer-RAM word ``{count, start}``; a field out of range raises ParamError."""
    if not (0 <= int(start) < p.synapses and 0 <= int(count) < 1 << p.count_bits):
        raise ParamError(f"decoder pointer (start {start}, count {count}): allowed start "
                         f"0..{p.synapses - 1}, count 0..{(1 << p.count_bits) - 1}")
    return (int(count) << p.syn_bits) | int(start)


def syn_word(p: DecoderParams, target: int, weight: int) -> int:
    """A synapse-RAM word ``{weight, target}``: m_syn_tdata when not graded (weight in two's
    complement)."""
    return ((int(weight) & ((1 << p.w_width) - 1)) << p.target_bits) | int(target)


def out_word(p: DecoderParams, target: int, weight: int) -> int:
    """An m_syn word ``{weight, target}``, the weight in ``out_w_width`` bits (two's
    complement): syn_word when not graded."""
    return ((int(weight) & ((1 << p.out_w_width) - 1)) << p.target_bits) | int(target)


def payload(p: DecoderParams, tdata: int) -> int:
    """The payload field of an event word (signed when event.payload_signed; 0 without one)."""
    e = p.event
    x = (int(tdata) >> e.payload_lsb) & ((1 << e.payload_bits) - 1)
    return x - (1 << e.payload_bits) if e.payload_signed and x >> (e.payload_bits - 1) else x


def issued(p: DecoderParams, word: int, x: int) -> int:
    """The m_syn word of synapse-RAM word ``word`` for an event with payload ``x``: the word
    itself, or (graded) ``{graded_weight(w, x), target}``."""
    if not p.graded:
        return word
    t, w = word & ((1 << p.target_bits) - 1), word >> p.target_bits
    if p.w_signed and w >> (p.w_width - 1):
        w -= 1 << p.w_width
    return out_word(p, t, graded_weight(p, w, x))


def tbl_beat(p: DecoderParams, sel: int, addr: int, data: int) -> int:
    """One s_tbl word ``{sel, addr, data}``."""
    return (int(sel) << (p.tbl_addr_bits + p.tbl_data_bits)) | \
        (int(addr) << p.tbl_data_bits) | int(data)


def load_words(p: DecoderParams, table: Table) -> list[int]:
    """The s_tbl words that load ``table``: every pointer word, then every synapse word."""
    return ([tbl_beat(p, 0, k, ptr_word(p, s, c)) for k, (s, c) in enumerate(table.ptr)]
            + [tbl_beat(p, 1, j, syn_word(p, t, w)) for j, (t, w) in enumerate(table.syn)])


# ---------------------------------------------------------------- the cycle model -------

def inputs(p: DecoderParams) -> tuple[str, ...]:
    ins = ("s_in_tvalid", "s_in_tdata", "s_in_tlast", "s_in_tuser")
    if p.mode == "lines":
        return ins + ("m_spk_tready",)
    return ins + ("s_tbl_tvalid", "s_tbl_tdata", "m_syn_tready")


class State(NamedTuple):
    ptr: tuple[int, ...]        # pointer-RAM words (fanout)
    syn: tuple[int, ...]        # synapse-RAM words (fanout)
    acc: int                    # lines of the open timestep (lines)
    p: tuple | None             # P: (pointer word read, ok, last, payload) (fanout)
    b: tuple | None             # B: (next synapse address, left, last, payload) (fanout)
    out: tuple | None           # the output register (tdata, tlast, tuser)
    n_in: int
    n_done: int
    n_drop: int
    n_out: int
    n_mark: int


def reset(p: DecoderParams, st: State | None = None) -> State:
    """The state after reset; the RAMs keep ``st``'s contents (zeros at power-up)."""
    ptr = st.ptr if st else (0,) * (1 << p.index_bits if p.mode == "fanout" else 0)
    syn = st.syn if st else (0,) * (p.synapses if p.mode == "fanout" else 0)
    return State(ptr, syn, 0, None, None, None, 0, 0, 0, 0, 0)


def _out_name(p: DecoderParams) -> str:
    return "m_spk" if p.mode == "lines" else "m_syn"


def outputs(p: DecoderParams, st: State, ins: dict) -> dict:
    """The outputs during a cycle that starts in ``st`` (None: not defined, or depending on an
    unknown input)."""
    m = _out_name(p)
    if p.mode == "lines":
        last = ins.get("s_in_tlast")
        ready = 1 if st.out is None else (None if last is None else int(not last))
    else:
        t = ins.get("m_syn_tready")
        adv = True if st.out is None else None if t is None else bool(t)
        if st.p is None:
            ready = 1
        elif st.b is not None:
            ready = 0
        else:
            ready = None if adv is None else int(adv)
    d, last, user = st.out if st.out else (None, None, None)
    mask = (1 << p.counter_bits) - 1
    out = {"s_in_tready": ready, f"{m}_tvalid": int(st.out is not None), f"{m}_tdata": d,
           f"{m}_tlast": last, "status_in": st.n_in & mask, "status_done": st.n_done & mask,
           "status_dropped": st.n_drop & mask, "status_markers": st.n_mark & mask}
    if p.mode == "fanout":
        out.update({"m_syn_tuser": user, "s_tbl_tready": 1, "status_out": st.n_out & mask})
    return out


def _key(p: DecoderParams, tdata: int) -> int:
    return int(tdata) & ((1 << p.key_bits) - 1)


def step(p: DecoderParams, st: State, ins: dict) -> State:
    """The state after the clock edge of a cycle with inputs ``ins``."""
    ready = outputs(p, st, ins)["s_in_tready"]
    m = _out_name(p)
    sent = st.out is not None and ins[f"{m}_tready"]
    n_out = st.n_out + (sent and not st.out[2])
    n_mark = st.n_mark + (sent and st.out[1])
    taken = bool(ins["s_in_tvalid"] and ready)
    user, last = (int(bool(ins["s_in_tuser"])), int(bool(ins["s_in_tlast"]))) if taken \
        else (0, 0)
    key = _key(p, ins["s_in_tdata"]) if taken else 0
    event = taken and not user
    ok = event and key < p.n
    n_in, n_drop = st.n_in + event, st.n_drop + (event and not ok)
    if p.mode == "lines":
        out = None if sent else st.out
        acc = st.acc | ((1 << key) if ok else 0)
        if taken and last:
            out, acc = (acc, 1, 0), 0
        return st._replace(acc=acc, out=out, n_in=n_in, n_done=st.n_done + ok, n_drop=n_drop,
                           n_mark=n_mark)
    return _step_fanout(p, st, ins, sent, taken, (key, ok, last),
                        dict(n_in=n_in, n_drop=n_drop, n_out=n_out, n_mark=n_mark))


def _step_fanout(p, st, ins, sent, taken, taken_event, counters):
    S = p.synapses
    out, b, pst, done = st.out, st.b, st.p, st.n_done
    if out is None or ins["m_syn_tready"]:       # adv: one slot issues into O
        if b is not None:
            addr, left, last, x = b
            out = (issued(p, st.syn[addr], x), int(bool(last and left == 1)), 0)
            b = ((addr + 1) % S, left - 1, last, x) if left > 1 else None
            done += left == 1
        elif pst is not None:
            word, ok, last, x = pst
            start = word & (S - 1)
            count = word >> p.syn_bits if ok else 0
            if count:
                out = (issued(p, st.syn[start], x), int(bool(last and count == 1)), 0)
                if count > 1:
                    b = ((start + 1) % S, count - 1, last, x)
            else:
                out = MARKER if last else None
            done += ok and count <= 1
            pst = None
        else:
            out = None
    if taken:
        key, ok, last = taken_event
        x = payload(p, ins["s_in_tdata"]) if p.graded else 0
        pst = (st.ptr[key & ((1 << p.index_bits) - 1)], ok, last, x)
    ptr, syn = st.ptr, st.syn
    if ins["s_tbl_tvalid"]:                      # after this edge's reads
        w = int(ins["s_tbl_tdata"])
        data = w & ((1 << p.tbl_data_bits) - 1)
        addr = (w >> p.tbl_data_bits) & ((1 << p.tbl_addr_bits) - 1)
        if w >> (p.tbl_addr_bits + p.tbl_data_bits) & 1:
            syn = _write(syn, addr % S, data & ((1 << p.syn_width) - 1))
        else:
            ptr = _write(ptr, addr % len(ptr), data & ((1 << p.ptr_width) - 1))
    return st._replace(ptr=ptr, syn=syn, p=pst, b=b, out=out, n_done=done, **counters)


def _write(mem: tuple, addr: int, value: int) -> tuple:
    return mem[:addr] + (value,) + mem[addr + 1:]


def in_flight(p: DecoderParams, st: State) -> int:
    """Events taken and neither decoded nor dropped: in P (a valid event) and B."""
    return int(st.p is not None and bool(st.p[1])) + int(st.b is not None)


def loaded(p: DecoderParams, table: Table) -> State:
    """The state after reset with ``table`` in the RAMs (as :func:`load_words` leaves them)."""
    st = reset(p)
    return st._replace(ptr=tuple(ptr_word(p, s, c) for s, c in table.ptr),
                       syn=tuple(syn_word(p, t, w) for t, w in table.syn))


def syn_timesteps(p: DecoderParams, beats) -> list[list[tuple[int, int]]]:
    """The closed timesteps of m_syn beats as (target, weight) lists (weight signed when
    ``out_w_signed``): what ``neuron.engine``'s model takes per timestep (``engine.run``)."""
    closed, _ = event.timesteps(beats)
    out = []
    for words in closed:
        ts = []
        for w in words:
            t, wt = w & ((1 << p.target_bits) - 1), w >> p.target_bits
            if p.out_w_signed and wt >> (p.out_w_width - 1):
                wt -= 1 << p.out_w_width
            ts.append((t, wt))
        out.append(ts)
    return out

