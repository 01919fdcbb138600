# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.engine``: N time-multiplexed neurons, state in inferred block RAM.

Two RAMs of N words, both ``reg [w-1:0] mem [0:N-1]`` written and read (registered, read-first,
with a read enable) in one clocked process, so yosys maps them to SB_RAM40_4K / DP16KD / RAMB:

    vmem    width bits     membrane of each neuron
    accmem  in_width bits  input accumulator of each neuron (cleared by the update sweep)

All arithmetic runs on unsigned two's-complement bit patterns of explicit widths (sign
extension by concatenation, modular adders whose exact results fit), so the Verilog has no
context-width surprises.  vw = width, iw = in_width, M = max(vw, iw).

Accumulate phase (``status_busy`` low, ``s_syn_tready`` high), free-running, one beat per clock:

    A0  accept (a, w); acc RAM read address = a               (a >= N: dropped, status_drop)
    A1  RAM output register; h2/h3/h4 = address equal to the beats 2 / 3 / 4 cycles ahead
    A2  fabric register of the RAM word
    A3  y = h2 ? clip(s) of A4 : h3 ? f1 : h4 ? f2 : ram
    A4  s = y + w                         (exact, iw + 1 bits, registered)
    A5  acc' = clip(s) -> written back; f1 <- acc', f2 <- f1          (status_acc_sat)

    A beat's write lands after the reads of the next four cycles, so those beats take its
    value by forwarding in A3 (compares registered one stage early).  A beat for the same
    address as the beat accepted in the previous cycle is held one cycle (``s_syn_tready`` low,
    from a compare of s_syn_tdata with the A1 address), so no beat needs the result of the beat
    right ahead of it: the loop y -> s -> clip -> y spans two cycles (a carry chain in one, the
    clip and the forwarding multiplexer in the other).  Throughput: one beat per clock, two for
    back-to-back beats to the same neuron.

Update sweep (on ``timestep_start`` while idle; 4 drain cycles let the last accumulations land):

    S0  issue address n = 0..N-1 (then one flush token); RAM read address n
    S1  RAM output registers (v, acc)
    S2  fabric registers
    S3  v_l = v - (v >>> k) (lif, li) | v (if);  i - threshold
    S4  u = v_l + i;  d = v_l + i - threshold               (two parallel carry chains)
    S5  pos/neg = u outside vw bits;  spike = d >= 0 (= clip(u) >= threshold);
        v' = reset / clip(u);  vmem[n] <- v',  accmem[n] <- 0;  spike -> AER

    Spikes pass a one-entry holding register (the latest spike waits until the next spike or
    the flush tells whether it is the timestep's last), then the output register m_aer.  Every
    sweep stage (and the RAM read enables) advances only when the output register can take a
    beat (``adv = !m_aer_tvalid || m_aer_tready``): back-pressure stalls the sweep, no spike is
    lost.  Addresses of one sweep are distinct and increasing, so the sweep has no
    read-after-write hazard; the two phases never overlap.

After reset an init sweep writes 0 into every word of both RAMs (N + 8 cycles, status_busy high,
no output, no done pulse): block RAM cannot be reset.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl import __version__
from neurohdl.core import OUT, Port, Vectors, clk_rst, const, stream, CoreDecl
from neurohdl.models.neuron import engine as model
from neurohdl.models.neuron._common import reset_word
from neurohdl.models.neuron.engine import EngineParams
from neurohdl.rtl.neuron import types
from neurohdl.rtl.neuron.engine_parts import (spike_output, state_memory, syn_accumulate,
                                              update_pipeline)

DRAIN_CYCLES = 4


def ports(p: EngineParams):
    syn = stream("s_syn", p.syn_width, f"synaptic event {{weight, address}}: bits [{p.aw - 1}:0] "
                 f"the neuron address, bits [{p.syn_width - 1}:{p.aw}] the signed weight")
    aer = stream("m_aer", p.aw, "address of a spiking neuron (ascending within a timestep)",
                 last=True)
    aer.append(Port("m_aer_tuser", OUT, 1, "tuser", "1: empty-timestep marker beat (tdata 0, "
                                                   "tlast 1, no neuron spiked)"))
    return clk_rst() + syn + [
        Port("timestep_start", "in", 1, "cfg", "pulse: close the timestep's accumulation and "
             "update all N neurons (taken while status_busy is low, ignored while busy)")
    ] + aer + [
        Port("status_busy", OUT, 1, "status", "high during the init sweep after reset and from "
             "the cycle after timestep_start until the timestep's last AER beat is taken"),
        Port("status_done", OUT, 1, "status", "one-cycle pulse: the timestep is complete"),
        Port("status_sat", OUT, 1, "status", "sticky: a membrane integration saturated"),
        Port("status_acc_sat", OUT, 1, "status", "sticky: an input accumulator saturated"),
        Port("status_drop", OUT, 1, "status", "sticky: an event addressed a neuron >= N (dropped)"),
    ]


@block
def engine(clk, rst, s_syn_tdata, s_syn_tvalid, s_syn_tready, timestep_start,
           m_aer_tdata, m_aer_tvalid, m_aer_tlast, m_aer_tready, m_aer_tuser,
           status_busy, status_done, status_sat, status_acc_sat, status_drop,
           p: EngineParams):
    N, aw = p.n, p.aw
    nt = types.TYPES[p.neuron]             # the neuron type's record (RTL half)
    q = model.neuron_params(p)
    SW = nt.state_width(q)                 # RAM word of a neuron's state
    AW = p.acc_width                       # RAM word of a neuron's accumulator(s)

    # ---- constants -------------------------------------------------------------------
    ST_IDLE, ST_DRAIN, ST_SWEEP, ST_FLUSH, ST_WAIT = (const(i, 3) for i in range(5))
    last_c = const(N - 1, aw)
    one_a = const(1, aw)
    zero_a = const(0, aw)
    one_d = const(1, 2)
    drain_last = const(DRAIN_CYCLES - 1, 2)
    acc_zero = const(0, AW)

    # ---- memories (block RAM) and their ports ----------------------------------------
    vmem = [Signal(intbv(0)[SW:]) for _ in range(N)]
    accmem = [Signal(intbv(0)[AW:]) for _ in range(N)]
    v_raddr, acc_raddr = Signal(intbv(0)[aw:]), Signal(intbv(0)[aw:])
    v_rd, v_r2 = Signal(intbv(0)[SW:]), Signal(intbv(0)[SW:])
    acc_rd, acc_rd2 = Signal(intbv(0)[AW:]), Signal(intbv(0)[AW:])
    v_we, acc_we = Signal(bool(0)), Signal(bool(0))
    acc_wa = Signal(intbv(0)[aw:])
    v_new, acc_wd = Signal(intbv(0)[SW:]), Signal(intbv(0)[AW:])

    # ---- control ---------------------------------------------------------------------
    state = Signal(intbv(2)[3:])          # reset: the init sweep
    initing = Signal(bool(1))
    rdy = Signal(bool(0))
    busy = Signal(bool(1))
    done = Signal(bool(0))
    dcnt = Signal(intbv(0)[2:])
    cnt = Signal(intbv(0)[aw:])
    fin = Signal(bool(0))
    issue, flush = Signal(bool(0)), Signal(bool(0))

    # ---- between the parts -----------------------------------------------------------
    adv, sending = Signal(bool(0)), Signal(bool(0))
    syn_raddr, sweep_raddr = Signal(intbv(0)[aw:]), Signal(intbv(0)[aw:])
    syn_we = Signal(bool(0))
    syn_wa = Signal(intbv(0)[aw:])
    syn_wd = Signal(intbv(0)[AW:])
    p4_v, p4_f = Signal(bool(0)), Signal(bool(0))
    p4_a = Signal(intbv(0)[aw:])
    fire = Signal(bool(0))

    parts = [
        state_memory(clk, v_we, p4_a, v_new, v_raddr, v_rd, v_r2, adv, vmem),
        state_memory(clk, acc_we, acc_wa, acc_wd, acc_raddr, acc_rd, acc_rd2, adv, accmem),
        syn_accumulate(clk, rst, s_syn_tdata, s_syn_tvalid, s_syn_tready, rdy, acc_rd2,
                       syn_raddr, syn_we, syn_wa, syn_wd, status_acc_sat, status_drop,
                       N, aw, p.w_width, p.in_width, nt.model.accumulators == 2),
        update_pipeline(clk, rst, adv, issue, flush, cnt, initing, v_r2, acc_rd2, sweep_raddr,
                        v_we, v_new, p4_v, p4_f, p4_a, fire, status_sat, nt, q,
                        reset_word(nt.model, q)),
        spike_output(clk, rst, adv, sending, p4_v, p4_f, p4_a, fire, initing, m_aer_tdata,
                     m_aer_tvalid, m_aer_tlast, m_aer_tready, m_aer_tuser),
    ]

    @always_comb
    def comb_ram():
        # accumulate phase: the event's address; sweep: the sweep's (both RAMs)
        v_raddr.next = sweep_raddr
        if rdy:
            acc_raddr.next = syn_raddr
        else:
            acc_raddr.next = sweep_raddr
        # accumulator write-back (A5) or the sweep's clear (S5); the phases never overlap
        if syn_we:
            acc_we.next = 1
            acc_wa.next = syn_wa
            acc_wd.next = syn_wd
        else:
            acc_we.next = p4_v
            acc_wa.next = p4_a
            acc_wd.next = acc_zero

    @always_comb
    def comb_ctl():
        issue.next = state == ST_SWEEP
        flush.next = state == ST_FLUSH
        status_busy.next = busy
        status_done.next = done

    # ---- control (synchronous reset) -------------------------------------------------
    @always_seq(clk.posedge, reset=rst)
    def seq_ctl():
        done.next = 0
        if adv and p4_f:
            fin.next = 1                     # the flush token leaves S5
        if state == ST_IDLE:
            if timestep_start:
                state.next = ST_DRAIN
                rdy.next = 0
                busy.next = 1
                dcnt.next = 0
        elif state == ST_DRAIN:
            if dcnt == drain_last:
                state.next = ST_SWEEP
            else:
                dcnt.next = dcnt + one_d
        elif state == ST_SWEEP:
            if adv:
                if cnt == last_c:
                    state.next = ST_FLUSH
                else:
                    cnt.next = cnt + one_a
        elif state == ST_FLUSH:
            if adv:                          # the flush token enters S1
                state.next = ST_WAIT
        else:
            # the flush token has left S5 and the last beat has been taken (registered
            # conditions only: done follows the last transfer by one cycle)
            if fin and not sending:
                state.next = ST_IDLE
                rdy.next = 1
                busy.next = 0
                done.next = not initing
                initing.next = 0
                fin.next = 0
                cnt.next = zero_a
    return parts + [comb_ram, comb_ctl, seq_ctl]


def vectors(p: EngineParams, rng, n: int) -> Vectors:
    """Replay-bench stimulus: n synaptic events.  The generic bench holds timestep_start low, so
    no timestep closes and m_aer must stay silent; it checks that s_syn accepts every beat after
    the init sweep.  Sign-off (timesteps, spikes, flags) is the cocotb suite."""
    ev = model.random_events(p, rng, n)
    return Vectors(inputs={"s_syn": [model.pack_event(p, a, w) for a, w in ev]},
                   outputs={"m_aer": []}, cfg={"timestep_start": 0})


CORE = CoreDecl(
    name="neuron.engine", version=__version__, params=EngineParams, top=engine, ports=ports,
    description="Time-multiplexed neuron engine: N if/lif/li neurons, state in block RAM, one "
                "update per clock (6-stage pipeline), synaptic (address, weight) stream "
                "accumulated with read-modify-write forwarding, AER spike output",
    arith={"accumulate": "saturate: acc + w exact in iw + 1 bits, clipped to in_width bits "
                         "per event; status_acc_sat sticky",
           "leak": "exact: v - (v >>> k) (lif, li), cannot overflow",
           "integrate": "saturate: v_l + acc exact in max(vw, iw) + 1 bits, clipped to vw bits; "
                        "status_sat sticky",
           "compare": "exact: v_l + acc - threshold in max(vw, iw) + 2 bits, sign bit",
           "reset": "exact: clip(u) - threshold >= 0 when firing",
           "address": "exact: sweep counter 0..N-1; events with address >= N dropped "
                      "(status_drop)"},
    vectors=vectors,
)
