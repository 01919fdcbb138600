# SPDX-License-Identifier: Apache-2.0
"""sc.sng_bank: converted Verilog vs the model over random configurations (Sobol and LFSR
banks, unipolar and bipolar), idle and back-pressure on both streams; lane independence; the
comparators at a far index (every Sobol direction number in the register)."""
import itertools

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge, Timer

from neurohdl.models.sc import sng_bank as model
from neurohdl.models.sc.bitstream import scc_counts
from neurohdl.models.sc.lfsr import is_maximal
from neurohdl.models.sc.sng_bank import SngBankParams, distinct_maximal_taps
from neurohdl.rtl.sc.sng_bank import stimulus
from neurohdl.simrun import params_from_env
from neurohdl.verif.common.scoreboard import compare, expected
from neurohdl.verif.common.stream import reset, run_seed
from neurohdl.verif.common.tb import CLOCK_NS, StandardTests, bad_params_test, core_tests


def mutant(p: SngBankParams, xs):
    """Lanes from a mutated source: one step ahead (Sobol) or another LFSR seed."""
    if p.source == "sobol":
        wrong = p.replace(skip=(p.skip + 1) % (1 << p.width))
    else:
        wrong = p.replace(lfsr_seed=(p.lfsr_seed % ((1 << p.width) - 1)) + 1)
    return model.tdata_bits(model.run(wrong, xs))


TESTS = StandardTests(model=lambda p, xs: model.tdata_bits(model.run(p, xs)),
                      stimulus=stimulus, encode=model.pack, mutant=mutant, n=300,
                      reset_n=120, reset_before=50, reset_after=None, quiet_in_reset=True,
                      ready_rule=True)
stream_matches_model = TESTS.model_match()
reset_restarts_sources = TESTS.reset_mid_stream("reset_restarts_sources")
scoreboard_must_fail = TESTS.must_fail()

#: Beats of each window compared one by one (x = r + 1 twice, x = r twice, ...).
WINDOW = 8


def gray_full(width: int) -> int:
    """The index whose Gray code has its low ``width`` bits set (as sc.sobol's
    ``every_direction_number``): each of those direction numbers has been XORed into every
    lane's register an odd number of times."""
    k, mask = (1 << width) - 1, ((1 << width) - 1) >> 1
    while mask:                     # the inverse Gray code of all ones
        k, mask = k ^ mask, mask >> 1
    return k


def windows(p: SngBankParams) -> list[int]:
    """First indices of the compared windows: each 2^j - 4 (the step that XORs in direction
    number j - 1, mid-window: every bit of every lane's number is seen both 0 and 1, the low
    ones early, the high ones late) and the Gray-all-ones index, for j < min(W, 16) (at most
    43,690 beats, about 2 s).  LFSR lanes have no index-dependent part: the windows up to
    2^8."""
    w = min(p.width, 16) if p.source == "sobol" else min(p.width, 8)
    starts = {max(0, (1 << j) - 4) for j in range(2, w)}
    return sorted(starts | ({gray_full(w)} if p.source == "sobol" else set()))


def boundary_rows(p: SngBankParams, r) -> list[list[int]]:
    """Lane tdata values whose compares sit on the random numbers ``r`` (one row a beat):
    x = r + 1 on rows 0, 1 mod 4 (a larger r turns the bit to 0; capped at 2^W - 1) and x = r
    on rows 2, 3 mod 4 (a smaller r turns it to 1), in the lane's encoding (bipolar: MSB
    inverted).  Period 4, not 2: a wrong bit that the XOR register carries on every other beat
    meets both kinds."""
    top, msb = (1 << p.width) - 1, (1 << (p.width - 1)) if p.bipolar else 0
    return [[(min(int(v) + 1, top) if j % 4 < 2 else int(v)) ^ msb for v in row]
            for j, row in enumerate(r)]


def far_beats(p: SngBankParams) -> dict[int, list[int]]:
    """Beat index -> lane tdata values of every compared beat (:func:`windows`,
    :func:`boundary_rows`); every other beat carries x = 0."""
    starts = windows(p)
    r = model.numbers(p, starts[-1] + WINDOW)
    return {s + j: row for s in starts
            for j, row in enumerate(boundary_rows(p, r[s:s + WINDOW]))}


@cocotb.test()
async def comparators_at_far_indices(dut):
    """One idle cycle after reset (the index register's hold path), then beats at one a cycle (a
    simulator-side clock: no Python per beat between the windows) with x = 0, and in each window of :func:`windows` (up to the Gray-all-ones Sobol
    index) lane values on that beat's random numbers from the model (x = r + 1 or x = r), so a
    changed r (up on the first kind, down on the second) flips a bit.  The outputs of the
    window beats match the model (x = 0 elsewhere: the bits are 0 whatever the numbers)."""
    p = params_from_env(SngBankParams)
    directed = far_beats(p)
    last = max(directed) + 1
    zero = [(1 << (p.width - 1)) if p.bipolar else 0] * p.lanes    # x = 0, lane encoding
    xs = [directed.get(i, zero) for i in range(last)]
    want_all = model.tdata_bits(model.run(p, xs))
    want = expected([want_all[i] for i in sorted(directed)], run_seed())
    dut.m_bits_tready.value = 1
    dut.s_x_tvalid.value = 0
    Clock(dut.clk, CLOCK_NS, unit="ns", impl="gpi").start(start_high=False)
    await reset(dut)
    await RisingEdge(dut.clk)       # one idle cycle first: the index register holds
    await Timer(1, unit="ns")
    dut.s_x_tvalid.value = 1
    got, taken = [], 0              # taken: beats accepted so far
    for i in sorted(directed):
        if i > taken:               # i - taken beats of x = 0: a timer, then the last edge
            dut.s_x_tdata.value = model.pack(p, [zero])[0]
            await Timer((i - taken - 1) * CLOCK_NS + 1, unit="ns")
            await RisingEdge(dut.clk)
            await Timer(1, unit="ns")
        dut.s_x_tdata.value = model.pack(p, [directed[i]])[0]
        await RisingEdge(dut.clk)   # beat i taken
        await ReadOnly()
        assert int(dut.m_bits_tvalid.value), f"m_bits_tvalid low after beat {i}; {p}"
        got.append(int(dut.m_bits_tdata.value))
        await Timer(1, unit="ns")
        taken = i + 1
    compare(got, want, f"m_bits at beats {sorted(directed)[:3]}..{last - 1}", str(p))


# ---------------------------------------------------------------- pytest side -------------

test_sng_bank, test_sng_bank_verilator = core_tests(
    "sc.sng_bank", pins={0: {"source": "sobol"}, 1: {"source": "lfsr"}})


def _mean_abs_scc(p, n=1024, trials=60):
    rng = np.random.default_rng(7)
    out, err = [], []
    for v in rng.integers(0, 1 << p.width, size=(trials, p.lanes)):
        b = model.run(p, np.repeat(v[None, :], n, axis=0)).astype(bool)
        for i, j in itertools.combinations(range(p.lanes), 2):
            a11 = int(np.sum(b[:, i] & b[:, j]))
            a10 = int(np.sum(b[:, i] & ~b[:, j]))
            a01 = int(np.sum(~b[:, i] & b[:, j]))
            out.append(abs(scc_counts(a11, a10, a01, n - a11 - a10 - a01)))
            err.append(a11 / n - int(v[i]) * int(v[j]) / 4.0 ** p.width)
    return float(np.mean(out)), float(np.sqrt(np.mean(np.square(err))))


def test_far_windows_see_every_bit_both_ways():
    """The windows of ``comparators_at_far_indices`` at the defaults: every bit of every lane's
    random number is 1 on some x = r beat and 0 on some x = r + 1 beat, so a bit stuck or
    flipped anywhere in a number changes a compared output."""
    p = SngBankParams()
    beats = far_beats(p)
    r = model.numbers(p, max(beats) + 1)
    seen = set()
    for i, row in beats.items():
        for lane, (x, v) in enumerate(zip(row, r[i])):
            for b in range(p.width):
                bit = int(v) >> b & 1
                if (x == int(v)) == bool(bit):      # x = r with the bit 1, x = r + 1 with it 0
                    seen.add((lane, b, bit))
    assert len(seen) == 2 * p.lanes * p.width


def test_lanes_are_independent():
    """Every lane pair of a 6-lane bank behaves as independent streams at N = 1024: the AND of
    two lanes estimates the product at the generator's accuracy (Sobol ~1/N, LFSR ~ random
    0.373/sqrt(N) = 0.0117), and |SCC| stays small (Sobol 0.04, random streams ~0.08-0.12)."""
    s_scc, s_rmse = _mean_abs_scc(SngBankParams(lanes=6, source="sobol"))
    l_scc, l_rmse = _mean_abs_scc(SngBankParams(lanes=6, source="lfsr"))
    assert s_scc < 0.06 and s_rmse < 0.003
    assert l_scc < 0.15 and l_rmse < 0.016


def test_lfsr_lanes_use_distinct_primitive_polynomials():
    for w in (5, 8, 16, 32):
        taps = distinct_maximal_taps(w, 6)
        assert len(set(taps)) == 6 and all(is_maximal(t, w) for t in taps)
    p = SngBankParams(lanes=4, source="lfsr", width=16)
    assert len({p.lane_seed(k) for k in range(4)}) == 4
    assert p.assignment[1] == "lane 1: lfsr taps 0x8016 seed 0x9c35"  # 0xACE1 rotl 5


def test_bipolar_lane_mapping():
    p = SngBankParams(lanes=2, width=10, bipolar=True)
    xs = np.array([[0, 0x200]] * 1024)            # v = 0 and v = -1 (two's complement)
    b = model.run(p, xs)
    assert b[:, 0].mean() == 0.5 and b[:, 1].sum() == 0


test_bad_params_raise = bad_params_test(SngBankParams, [
    ({"lanes": 0}, ["SngBankParams.lanes = 0", "1..16"]),
    ({"lanes": 3, "first_dim": 31}, ["SngBankParams.lanes = 3", "1..2 with first_dim = 31"]),
    ({"source": "lfsr", "width": 3, "lanes": 3}, ["SngBankParams.lanes = 3", "1..2 for width 3"]),
    ({"source": "halton"}, ["SngBankParams.source = 'halton'", "'sobol', 'lfsr'"]),
    ({"width": 8, "skip": 256}, ["SngBankParams.skip = 256", "0..255"]),
])
