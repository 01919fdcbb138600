# SPDX-License-Identifier: Apache-2.0
"""Formal proofs (``neurohdl formal``): every declared proof passes on its configurations, and
each has a must-fail: a mutated design (a text mutation of the converted Verilog) yields a
counterexample.  A mutation that no longer matches the converted text fails the test instead of
passing silently (run_proof refuses an unchanged design).  No skip: a missing yowasp-sby or z3
fails here."""
import pytest

from neurohdl.errors import NeurohdlError
from neurohdl.formal import PROOFS, proof_of, run_proof
from neurohdl.registry import get
from neurohdl.verif.common.runner import rotation

pytestmark = pytest.mark.formal

CASES = [(core, i) for core in sorted(PROOFS) for i in range(len(PROOFS[core].configs))]


def skip_unless_proof_rotated(core: str) -> None:
    """make test proves ``ROTATED_CHECKS['formal']`` cores a run (their proofs and must-fail
    mutants), drawn from NEUROHDL_SEED; make regress and a run by hand prove every core."""
    chosen = rotation("formal", names=sorted(PROOFS))
    if chosen is not None and core not in chosen:
        pytest.skip(f"formal: not in this run's rotation ({', '.join(chosen)}; "
                    "NEUROHDL_FORMAL=all or NEUROHDL_ROTATE=off proves every core)")


@pytest.mark.parametrize("core, i", CASES, ids=[f"{c}-{i}" for c, i in CASES])
def test_proof_passes(core, i, tmp_path):
    skip_unless_proof_rotated(core)
    proof = PROOFS[core]
    p = get(core).decl.params.from_dict(proof.configs[i])
    r = run_proof(core, p, out_dir=tmp_path, log=lambda s: None)
    assert r.passed, f"{core} {p}: {r.status} {r.detail}\n" + "\n".join(r.log[-20:])


def _replace(old: str, new: str):
    def mutate(verilog: str) -> str:
        assert verilog.count(old) == 1, f"mutation target not found once: {old}"
        return verilog.replace(old, new)
    return mutate


MUTANTS = {
    # aer.fifo (drop mode): a dropped beat not counted breaks in = out + dropped + occupancy
    "aer-fifo-uncounted-drop": ("aer.fifo", _replace("n_drop <= (n_drop + 1);",
                                                     "n_drop <= n_drop;"), 8),
    # aer.fifo (drop mode): always ready, so a marker meeting a full FIFO is taken and lost
    "aer-fifo-drops-markers": ("aer.fifo", _replace("assign ready = (room || (!s_in_tlast));",
                                                    "assign ready = 1'b1;"), 8),
    # aer.priority_queue: the compare-select tree keeps the younger beat on a tie
    "aer-pq-youngest-on-tie": ("aer.priority_queue", _replace(
        "if ((pq_leaf1_key > pq_leaf0_key)) begin", "if ((pq_leaf1_key >= pq_leaf0_key)) begin"),
        5),
    # aer.priority_queue: a dropped beat not counted breaks in = out + dropped + occupancy
    "aer-pq-uncounted-drop": ("aer.priority_queue", _replace(
        "n_drop <= (n_drop + 1);", "n_drop <= n_drop;"), 8),
    # aer.priority_queue: the tlast of a beat dequeued above the bottom is lost, not moved down
    "aer-pq-tlast-lost": ("aer.priority_queue", _replace(
        "mark = ((cnt != zero_c) && m_out_tready && head[2] && (sel != zero_i));",
        "mark = 1'b0;"), 8),
    # the bypass register never selected: the head after a push into an empty FIFO is stale
    "fifo-no-bypass": ("stream.fifo", _replace("byp <= (do_push && (cnt == zero_c));",
                                               "byp <= 1'b0;"), 4),
    # aer.mesh_router (3x3 interior): the local input's "east" route sent west (a misroute)
    "mesh-router-misroute": ("aer.mesh_router", _replace(
        "assign router_input4_hot_e = 5'd2;", "assign router_input4_hot_e = 5'd8;"), 5),
    # aer.mesh_router: events leave south with tlast (a marker rule broken)
    "mesh-router-event-tlast": ("aer.mesh_router", _replace(
        "router_output2_o_last <= router_output2_mark;", "router_output2_o_last <= 1'b1;"), 5),
    # aer.mesh_router: the local input pops an event it was not granted (the event is lost)
    "mesh-router-loses-events": ("aer.mesh_router", _replace(
        "router_input4_pop = (((router_input4_granted ||",
        "router_input4_pop = (((router_input4_evh ||"), 6),
    # wb_err on every request: ACK and ERR together for a good access
    "csr-err-with-ack": ("bus.csr", _replace(
        "wb_err <= (a_stb && (!(a_hit && (a_wok || (!a_we)))));", "wb_err <= a_stb;"), 3),
    # CTRL decoded on two address bits: a write to read-only EVENTS_OUT (0x14) errors and
    # writes CTRL
    "csr-aliased-write": ("bus.csr", _replace(
        "assign regfile0_reg_dec1_sel = (a_addr == regfile0_reg_dec1_w);",
        "assign regfile0_reg_dec1_sel = (a_addr[1:0] == regfile0_reg_dec1_w[1:0]);"), 4),
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_fails_proof(name, tmp_path):
    core, mutate, steps = MUTANTS[name]
    skip_unless_proof_rotated(core)
    r = run_proof(core, out_dir=tmp_path, mutate=mutate, depth=steps, mode="bmc",
                  log=lambda s: None)
    assert r.status == "FAIL" and "failed assertion" in r.detail, (r.status, r.detail)


def test_core_without_proof_is_one_line():
    with pytest.raises(NeurohdlError) as e:
        proof_of("sc.lfsr")
    assert "no formal proof" in str(e.value) and "stream.fifo" in str(e.value)
    assert "\n" not in str(e.value)


def test_cli_lists_proofs_and_refuses_a_core_without_one(capsys):
    from neurohdl.cli import main
    assert main(["formal"]) == 0
    out = capsys.readouterr().out
    assert all(f"{core} " in out for core in PROOFS)
    assert main(["formal", "sc.lfsr"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sc.lfsr: no formal proof" in err
    assert main(["formal", "stream.fifo", "--depth", "0"]) == 2
    assert "--depth = 0: allowed 1..100" in capsys.readouterr().err
