# SPDX-License-Identifier: Apache-2.0
"""neurohdl regmap: the host artefacts of one SystemRDL map (C header + runtime, markdown,
IP-XACT, regmap.json, manifest.json) agree with the register table the CSR RTL is built from.

The C side is compiled with gcc and run: register offsets (offsetof on PeakRDL-cheader's packed
struct) and field masks/positions/resets (its macros) are printed by the program and compared
with neurohdl's own flattening of the same map; the runtime's field read-modify-write, its
range check and its error propagation run against an in-memory transport."""
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from neurohdl import __version__, regmap
from neurohdl.cli import main as cli_main
from neurohdl.regmap_export import export
from neurohdl.sw.regmap_driver import Driver, MemoryTransport, RegisterError, Table

RDL = "cores/bus/csr_example.rdl"
CSR_VLNV = f"neurohdl:bus:csr:{__version__}"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("regmap")
    export(RDL, d, base=0x40000000, vlnv=CSR_VLNV, log=lambda *_: None)
    return d


def test_files_and_manifest(out):
    rm = regmap.load(RDL)
    for name in (f"{rm.name}.h", f"{rm.name}.md", f"{rm.name}.xml", "regmap.json",
                 "manifest.json", "neurohdl_csr.h", "neurohdl_csr.c"):
        assert (out / name).stat().st_size > 0, name
    m = json.loads((out / "manifest.json").read_text())
    assert m["blocks"][0]["base"] == 0x40000000
    assert m["blocks"][0]["vlnv"] == CSR_VLNV
    assert m["blocks"][0]["regmap"] == rm.to_dict()
    assert set(m["tools"]) == {"systemrdl-compiler", "peakrdl-cheader", "peakrdl-markdown",
                               "peakrdl-ipxact"}
    assert all(v != "not installed" for v in m["tools"].values()), m["tools"]
    md = (out / f"{rm.name}.md").read_text()
    assert all(r.name in md for r in rm.regs)
    x = ET.parse(out / f"{rm.name}.xml").getroot()
    ns = {"ipxact": "http://www.accellera.org/XMLSchema/IPXACT/1685-2014"}
    assert x.find("ipxact:vendor", ns).text == "neurohdl"
    regs = {r.find("ipxact:name", ns).text: int(r.find("ipxact:addressOffset", ns).text
                                                     .replace("'h", "0x"), 0)
            for r in x.iter(f"{{{ns['ipxact']}}}register")}
    assert regs == {r.name: r.offset for r in rm.regs}


def test_python_driver_loads_manifest(out):
    rm = regmap.load(RDL)
    t = Table.load(out / "manifest.json")
    assert t.base == 0x40000000 and set(t.regs) == {r.name for r in rm.regs}
    mem = MemoryTransport()
    drv = Driver(t, mem)
    drv.write("SCRATCH", 0x12345678)
    assert drv.read("SCRATCH") == 0x12345678
    assert t.addr("SCRATCH") == 0x40000000 + rm.reg("SCRATCH").offset


C_MAIN = r"""
#include <stdio.h>
#include <stddef.h>
#include "%(map)s.h"
#include "neurohdl_csr.h"

static uint32_t mem[%(words)d];
static int fail_at = -1;
static int rd(void *ctx, uint64_t a, uint32_t *v) {
    (void)ctx; a -= 0x1000; if ((int)(a / 4) == fail_at) return 7; *v = mem[a / 4]; return 0; }
static int wr(void *ctx, uint64_t a, uint32_t v) {
    (void)ctx; a -= 0x1000; if ((int)(a / 4) == fail_at) return 7; mem[a / 4] = v; return 0; }

int main(void) {
    nh_csr_t dev = { 0x1000, rd, wr, NULL, 0 };
    uint32_t v = 0;
%(body)s
    return 0;
}
"""


def test_c_header_and_runtime(out, tmp_path):
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.fail("no C compiler (gcc) on PATH: tools/setup.sh installs build-essential")
    rm = regmap.load(RDL)
    up = rm.name.upper()
    body = []
    for r in rm.regs:
        body.append(f'    printf("reg {r.name} %u\\n", (unsigned)offsetof({rm.name}_t, {r.name}));')
        for f in r.fields:
            m = f"{up}__{r.name.upper()}__{f.name.upper()}"
            body.append(f'    printf("field {r.name}.{f.name} %lu %u %u\\n", (unsigned long){m}_bm, '
                        f'(unsigned){m}_bp, (unsigned){m}_bw);')
    # runtime: write a field of SCRATCH, read it back, range error, transport error
    sc = rm.reg("SCRATCH")
    off = sc.offset
    body += [f"    mem[{off // 4}] = 0xA5A5A5A5u;",
             f"    printf(\"rc %d\\n\", nh_csr_write_field(&dev, {off}, 0x0000FF00u, 8, 0x3Cu));",
             f"    printf(\"mem %08x\\n\", mem[{off // 4}]);",
             f"    printf(\"rc %d\\n\", nh_csr_read_field(&dev, {off}, 0x0000FF00u, 8, &v));",
             "    printf(\"val %u\\n\", v);",
             f"    printf(\"rc %d\\n\", nh_csr_write_field(&dev, {off}, 0x0000FF00u, 8, 0x100u));",
             f"    printf(\"mem %08x\\n\", mem[{off // 4}]);",
             f"    fail_at = {off // 4};",
             f"    printf(\"rc %d\\n\", nh_csr_read(&dev, {off}, &v));",
             "    printf(\"last %d\\n\", dev.last_error);"]
    src = tmp_path / "main.c"
    src.write_text(C_MAIN % {"map": rm.name, "words": rm.size // 4, "body": "\n".join(body)})
    exe = tmp_path / "main"
    subprocess.run([gcc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", str(out), str(src),
                    str(out / "neurohdl_csr.c"), "-o", str(exe)], check=True)
    lines = subprocess.run([str(exe)], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    got_regs = {ln.split()[1]: int(ln.split()[2]) for ln in lines if ln.startswith("reg ")}
    assert got_regs == {r.name: r.offset for r in rm.regs}
    got_fields = {ln.split()[1]: tuple(int(x) for x in ln.split()[2:])
                  for ln in lines if ln.startswith("field ")}
    want_fields = {f"{r.name}.{f.name}": (((1 << f.width) - 1) << f.lsb, f.lsb, f.width)
                   for r in rm.regs for f in r.fields}
    assert got_fields == want_fields
    rest = [ln for ln in lines if not ln.startswith(("reg ", "field "))]
    assert rest == ["rc 0", "mem a5a53ca5", "rc 0", "val 60", "rc -2", "mem a5a53ca5",
                    "rc 7", "last 7"]


def test_cli_and_bad_base(tmp_path, capsys):
    assert cli_main(["regmap", RDL, "--out", str(tmp_path / "o"), "--base", "0x100"]) == 0
    assert (tmp_path / "o" / "manifest.json").exists()
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(regmap.RegMapError, match="base = 2: allowed a 4-byte aligned"):
        export(RDL, tmp_path / "bad", base=2)
    assert not (tmp_path / "bad").exists()


ARRAY_RDL = """
addrmap arr {
    reg { field { sw = rw; hw = r; } value[8] = 0; } CTRL @ 0x0;
    reg { field { sw = rw; hw = r; } value[12] = 0; } V[3] @ 0x10;
};
"""


def test_array_registers_named_alike_everywhere(tmp_path):
    """One naming for array registers: what SystemRDL / PeakRDL print, ``V[1]``, in the
    markdown, the C header (struct array: offsetof(arr_t, V[1]) compiles and matches),
    regmap.json (``rdl_name``) and the Python driver; HDL ports use the identifier ``v_1``."""
    rdl = tmp_path / "arr.rdl"
    rdl.write_text(ARRAY_RDL)
    d = tmp_path / "out"
    export(rdl, d, log=lambda *_: None)
    rm = regmap.load(rdl)
    arr = [r for r in rm.regs if r.rdl_name.startswith("V")]
    assert [(r.rdl_name, r.name, r.offset) for r in arr] == \
        [("V[0]", "V_0", 0x10), ("V[1]", "V_1", 0x14), ("V[2]", "V_2", 0x18)]
    js = json.loads((d / "regmap.json").read_text())
    assert [r["rdl_name"] for r in js["regs"]] == ["CTRL", "V[0]", "V[1]", "V[2]"]
    md = (d / "arr.md").read_text()
    assert all(r.rdl_name in md for r in arr) and "V_0" not in md
    # C: the same names index PeakRDL-cheader's struct
    gcc = shutil.which("gcc") or shutil.which("cc")
    body = "\n".join(f'    printf("{r.rdl_name} %u\\n", (unsigned)offsetof(arr_t, {r.rdl_name}));'
                     for r in rm.regs)
    src = tmp_path / "main.c"
    src.write_text('#include <stdio.h>\n#include <stddef.h>\n#include "arr.h"\n'
                   f"int main(void) {{\n{body}\n    return 0;\n}}\n")
    subprocess.run([gcc, "-std=c11", "-Wall", "-Werror", "-I", str(d), str(src), "-o",
                    str(tmp_path / "main")], check=True)
    out = subprocess.run([str(tmp_path / "main")], check=True, capture_output=True,
                         text=True).stdout.split()
    assert dict(zip(out[::2], map(int, out[1::2]))) == {r.rdl_name: r.offset for r in rm.regs}
    # Python driver: the same names; the identifier form is refused with a hint
    t = Table.load(d / "regmap.json")
    assert list(t.regs) == ["CTRL", "V[0]", "V[1]", "V[2]"]
    drv = Driver(t, MemoryTransport())
    drv.write("V[1]", 0x123)
    assert drv.transport.mem == {0x14: 0x123}
    with pytest.raises(RegisterError, match=r"no register 'V_1' \(array registers are named "
                       r"like 'V\[1\]'\)"):
        drv.read("V_1")
    # HDL: identifier form
    assert {q.name for q in rm.hw_ports() if q.reg == "V_1"} == {"csr_v_1_value"}
