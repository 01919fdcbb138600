# SPDX-License-Identifier: Apache-2.0
"""MyHDL design of ``neuron.engine``: N time-multiplexed neurons of one type, state in inferred
block RAM.

The engine is the control state machine, the RAM port multiplexers and four parts
(``neurohdl.rtl.neuron.engine_parts``): two ``state_memory`` RAMs of N words,

    vmem    state_width bits   the state word of each neuron (the type's layout)
    accmem  acc_width bits     the input accumulator(s) of each neuron (cleared by the sweep)

``syn_accumulate`` (A0..A5: events added into accmem by read-modify-write with forwarding),
``update_pipeline`` (S0..S5 around the neuron type's update block, looked up by name in
``neurohdl.rtl.neuron.types``: the engine names no type) and ``spike_output`` (holding and
output register of m_aer).  The parts' docstrings give their stages.

Phases.  Idle (``status_busy`` low): events accumulate, one per clock (two for a back-to-back
repeat of the same neuron).  ``timestep_start`` while idle: 4 drain cycles (the last
accumulations land), the sweep issues 0..N-1 then one flush token, one per clock while
``adv = !m_aer_tvalid || m_aer_tready`` (back-pressure stalls the sweep, no spike is lost);
the timestep ends when the flush token has left S5 and the last beat has been taken:
``status_done`` pulses, ``status_busy`` falls.  Without back-pressure a timestep takes N + 11
cycles from the timestep_start cycle to the status_done cycle.  Addresses of one sweep are
distinct and increasing, so the sweep has no read-after-write hazard; the phases never
overlap.

After reset an init sweep writes the type's reset word into every state word and 0 into every
accumulator (status_busy high until N + 6 cycles after rst falls; no output, no done pulse):
block RAM cannot be reset.
"""
from myhdl import Signal, always_comb, always_seq, block, intbv

from neurohdl.core import OUT, Port, Vectors, clk_rst, const, stream
from neurohdl.models.neuron import engine as model
from neurohdl.models.neuron._common import reset_word
from neurohdl.models.neuron.engine import EngineParams
from neurohdl.rtl.common.declare import declare
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
    q = p.cell
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


CORE = declare("neuron.engine", EngineParams, engine, ports, """
    Time-multiplexed neuron engine: N neurons of one registered type (if, lif, li, cuba_lif, alif,
    alpha, izhikevich), state in block RAM, one update per clock (S0..S5 sweep, timestep N + 11
    cycles), synaptic (address, weight) stream accumulated with read-modify-write forwarding, AER
    spike output
    accumulate: saturate: acc + w exact in iw + 1 bits, clipped to in_width bits per event;
        status_acc_sat sticky
    update: saturate: the neuron type's own step, its core's policies (if/lif/li: exact leak and
        compare, integrate clipped to vw bits); status_sat sticky
    address: exact: sweep counter 0..N-1; events with address >= N dropped (status_drop)
    """, vectors=vectors)
