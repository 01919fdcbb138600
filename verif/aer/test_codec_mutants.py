# SPDX-License-Identifier: Apache-2.0
"""aer.codec's mutation survivors (docs/verification.md: ``neurohdl mutate aer.codec --set
timestamp_bits=3 --jobs 1``, mutation seed 1) proven equivalent under the stream contract.

Mutants #3 and #4 change what the encoder's output register ``o_data`` loads on paths that
also clear ``o_valid``; #14 changes the escape-unit count ``k`` when an event is taken, with
no escape pending (``pend`` = 0: ``k`` is only read while ``pend`` is 1, and reloaded with 0
when ``pend`` is set).  So m_code_tdata differs only while m_code_tvalid is low, which the
ready/valid contract leaves undefined.  The proof (SymbiYosys k-induction, depth 2, through
:func:`neurohdl.verif.common.mutant_proofs.regcorr`): original and mutant from a common reset
on the same unconstrained inputs; every cycle s_in_tready, m_code_tvalid are equal, and
m_code_tdata is equal whenever m_code_tvalid is high; the registers gap, k, pend, o_valid
are equal, ``o_data`` is equal whenever ``o_valid`` is high and ``k`` whenever ``pend`` is
(the inductive invariant).  Must-fail: the same check refuses killed mutants (#2, #5) with a
counterexample from reset (the base case fails, not only the induction step)."""
import pytest

from neurohdl.models.aer.codec import CodecParams

CONFIG = {"timestamp_bits": 3}
# index -> a piece of its yosys command (the list is the same while the RTL is)
SURVIVORS = {3: "-cell $procmux$82 -port A -portbit 8 ",
             4: "-cell $procmux$85 -port A -portbit 9 ",
             14: "-cell $procmux$116 -port A -portbit 1 "}
KILLED = (2, 5)
RELATIONS = ["o_data=!g_dbg_o_valid || G == U",     # o_data equal while o_valid
             "k=!g_dbg_pend || G == U"]             # k equal while an escape is pending


@pytest.fixture(scope="module")
def codec_mutants(tmp_path_factory):
    """The mutation build (netlist, list, the mutants used here): seconds of yosys, the
    proofs ~10 s each; make regress only (NEUROHDL_ROTATE=off), NEUROHDL_MUTATE=all or a
    run by hand."""
    from neurohdl.mutate import Mutator
    from neurohdl.verif.common.runner import rotation
    # make test's rotation drawn from a list without aer.codec: None (run) only in make
    # regress, NEUROHDL_MUTATE=all or without NEUROHDL_SEED, as in test_uart_bridge.py
    chosen = rotation("mutate", names=["sc.and_mul"])
    if chosen is not None and "aer.codec" not in chosen:
        pytest.skip("aer.codec's mutant proofs run in make regress (NEUROHDL_ROTATE=off) "
                    "or with NEUROHDL_MUTATE=all")
    m = Mutator("aer.codec", CodecParams(**CONFIG), 1, tmp_path_factory.mktemp("codec_mut"))
    m.prepare()
    muts = {x.index: x for x in m.mutations(20, 1)}
    for i in (*SURVIVORS, *KILLED):
        m.write_mutant(muts[i])
    return m, muts


def contract_proof(m, i: int) -> bool:
    from neurohdl.verif.common.mutant_proofs import regcorr
    return regcorr(m.out, i, RELATIONS)


@pytest.mark.slow
@pytest.mark.formal
@pytest.mark.parametrize("index", sorted(SURVIVORS))
def test_codec_survivor_equivalent_under_stream_contract(codec_mutants, index):
    m, muts = codec_mutants
    assert SURVIVORS[index] in muts[index].command + " ", \
        f"mutant #{index} is now {muts[index].command}"
    assert contract_proof(m, index)


@pytest.mark.slow
@pytest.mark.formal
@pytest.mark.parametrize("index", KILLED)
def test_codec_contract_proof_must_fail(codec_mutants, index, capsys):
    """The check is not vacuous: a mutant the cocotb suite kills is refused, by a
    counterexample from reset."""
    m, _ = codec_mutants
    assert not contract_proof(m, index)
    assert "FAIL for basecase" in capsys.readouterr().out
