# SPDX-License-Identifier: Apache-2.0
"""Must-fail of the survivor checks in verif/common/mutant_proofs.py (docs/verification.md,
Method 6) that docs rows rely on: ``match`` proves sc.regen #12 (a product bit below the
truncation, the row of the page) and refuses #17 (a product bit the output reads: the suite
kills it); ``fanout`` finds no reader of izhikevich #1's bit (``unused_frac`` bit 20) and
finds the readers of a bit regen's output depends on.  (``regcorr`` has its own must-fail in
verif/aer/test_codec_mutants.py.)  make regress only: yosys runs of a few seconds each."""
import pytest

from neurohdl.registry import get

pytestmark = [pytest.mark.slow, pytest.mark.formal]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from neurohdl.mutate import Mutator
    from neurohdl.verif.common.runner import rotation
    chosen = rotation("mutate", names=["sc.and_mul"])     # None only in make regress
    if chosen is not None:
        pytest.skip("mutant_proofs must-fail runs in make regress (NEUROHDL_ROTATE=off) or "
                    "with NEUROHDL_MUTATE=all")

    def build(core: str, indices):
        m = Mutator(core, get(core).decl.params(), 1, tmp_path_factory.mktemp(core))
        m.prepare()
        muts = {x.index: x for x in m.mutations(20, 1)}
        for i in indices:
            m.write_mutant(muts[i])
        return m, muts
    return build


def test_match_proves_an_equivalent_mutant_and_refuses_a_killed_one(built):
    from neurohdl.verif.common.mutant_proofs import match
    m, muts = built("sc.regen", (12, 17))
    assert "-wire prod -wirebit 4 " in muts[12].command + " ", muts[12].command
    assert "-wire prod -wirebit 22 " in muts[17].command + " ", muts[17].command
    assert match(m.out, 12)
    assert not match(m.out, 17)


def test_fanout_finds_readers_or_none(built):
    from neurohdl.verif.common.mutant_proofs import fanout
    m, _ = built("neuron.izhikevich", ())
    assert fanout(m.out, "stepped_neuron0_izhikevich_step0_unused_frac", 20) == ([], [])
    r, _ = built("sc.regen", ())
    cells, outputs = fanout(r.out, "prod", 22)
    assert cells, "a product bit the output reads has readers"
