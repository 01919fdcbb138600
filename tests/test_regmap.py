# SPDX-License-Identifier: Apache-2.0
"""neurohdl.regmap: the SystemRDL subset's ``swacc`` (software-access strobe on read).

``swacc`` is accepted only on status fields (sw=r, hw=w) and adds the 1-bit output
``csr_<reg>_<field>_swacc``; everywhere else it is a RegMapError naming file:line.
"""
import json
import random

import pytest

from neurohdl import regmap
from neurohdl.models.bus.csr import OKAY, CsrModel, DECERR


def _map(field: str, extra: str = "") -> str:
    return ("addrmap m {\n"
            f"    reg {{ {field} }} R @ 0x0;\n"
            f"{extra}"
            "};\n")


def test_swacc_on_status_field_is_accepted():
    rm = regmap.load(text=_map("field { sw = r; hw = w; swacc; } head[15:0];",
                               "    reg { field { sw = r; hw = w; } lvl[3:0]; } S @ 0x4;\n"),
                     filename="ok.rdl")
    f = rm.reg("R").field("head")
    assert f.kind == "status" and f.swacc
    assert not rm.reg("S").field("lvl").swacc          # default False
    ports = {q.name: q for q in rm.hw_ports()}
    assert ports["hw_r_head"].direction == "in" and ports["hw_r_head"].width == 16
    q = ports["csr_r_head_swacc"]
    assert (q.direction, q.width, q.reg, q.field, q.what) == ("out", 1, "R", "head", "swacc")
    assert not any(n.endswith("_swacc") for n in ports if n != "csr_r_head_swacc")
    # the JSON table carries it and round-trips
    d = json.loads(rm.to_json())
    assert d["regs"][0]["fields"][0]["swacc"] is True
    assert d["regs"][1]["fields"][0]["swacc"] is False
    assert regmap.RegMap.from_dict(d) == rm


def test_example_map_has_a_swacc_fifo_register():
    rm = regmap.load("cores/bus/csr_example.rdl")
    assert [q.name for q in rm.hw_ports() if q.what == "swacc"] == ["csr_spike_out_addr_swacc"]


@pytest.mark.parametrize("field", [
    "field { sw = rw; hw = r; swacc; } x[3:0] = 0;",                 # config
    "field { sw = w; hw = r; swacc; } x[3:0] = 0;",                  # write-only config
    "field { sw = rw; hw = na; swacc; } x[3:0] = 0;",                # software-only storage
    "field { sw = r; hw = na; swacc; } x[3:0] = 5;",                 # constant
    "field { sw = w; hw = r; singlepulse; swacc; } x[0:0] = 0;",     # pulse
    "field { sw = rw; hw = r; onwrite = woclr; hwset; swacc; } x[0:0] = 0;",   # w1c
])
def test_swacc_elsewhere_is_refused(field):
    with pytest.raises(regmap.RegMapError,
                       match=r"^bad\.rdl:2: m\.R\.x: swacc: allowed only on sw=r, hw=w fields"):
        regmap.load(text=_map(field), filename="bad.rdl")


def test_swacc_status_field_still_refuses_a_reset():
    with pytest.raises(regmap.RegMapError, match="has no storage: remove its reset value"):
        regmap.load(text=_map("field { sw = r; hw = w; swacc; } x[3:0] = 1;"), filename="r.rdl")


def test_swacc_port_name_clash_is_refused():
    clash = ("addrmap m {\n"
             "    reg { field { sw = r; hw = w; swacc; } a[0:0];\n"
             "          field { sw = rw; hw = r; } a_swacc[1:1] = 0; } R @ 0x0;\n"
             "};\n")
    with pytest.raises(regmap.RegMapError, match="both make port csr_r_a_swacc"):
        regmap.load(text=clash, filename="clash.rdl")


def test_model_strobes_only_on_successful_reads():
    rm = regmap.load(text=_map("field { sw = r; hw = w; swacc; } head[7:0];",
                               "    reg { field { sw = rw; hw = r; } c[7:0] = 0;\n"
                               "          field { sw = r; hw = w; swacc; } h[15:8]; } M @ 0x4;\n"),
                     filename="m.rdl")
    m = CsrModel(rm, 4)
    none = {"csr_r_head_swacc": 0, "csr_m_h_swacc": 0}
    assert m.strobes(None) == none
    assert m.strobes((0x0, True)) == none                    # writes never strobe
    assert m.strobes((0x8, False)) == none                   # unmapped: DECERR, no strobe
    assert m.strobes((0x0, False)) == dict(none, csr_r_head_swacc=1)
    assert m.strobes((0x7, False)) == dict(none, csr_m_h_swacc=1)   # low address bits ignored
    m.hw_in["hw_r_head"] = 0x5A
    assert m.read(0x0) == (OKAY, 0x5A)
    assert m.read(0x8) == (DECERR, 0)
    m.write(0x4, 0x12)                                       # a write to the mixed register
    m.write(0x0, 0x12)                                       # SLVERR: read-only register
    assert m.read(0x4)[0] == OKAY
    assert m.pulses == [("csr_r_head_swacc", 1), ("csr_m_h_swacc", 1)]
    assert m.outputs()["csr_r_head_swacc"] == 0 and m.outputs()["csr_m_h_swacc"] == 0


def test_random_maps_always_carry_a_swacc_field():
    """verif/bus/test_csr.py's random .rdl generator: every map elaborates and has at least one
    swacc field (its swacc must-fail test needs one); across seeds some maps have several."""
    from neurohdl.verif.bus.test_csr import random_rdl

    counts = []
    for s in range(40):
        rm = regmap.load(text=random_rdl(random.Random(s)), filename=f"r{s}.rdl")
        counts.append(sum(f.swacc for r in rm.regs for f in r.fields))
    assert min(counts) >= 1 and max(counts) >= 2
