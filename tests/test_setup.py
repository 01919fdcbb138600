# SPDX-License-Identifier: Apache-2.0
"""The set-up logic itself, as a fresh machine runs it: ``tools/setup.sh sysdeps`` on a PATH that
lacks the simulators and the compiler, with ``apt-get`` (and ``sudo``, ``id``) stubbed.

A green ``make test`` on a machine that already has iverilog says nothing about the first run on
a new one (issue 11: apt installed iverilog, then the script died with an empty "still missing"
list).  Each case here builds its own PATH: links to every system tool except the hidden ones, the
real Python's folder, and a stub folder first.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "tools" / "setup.sh"

#: what a fresh Debian 12 lacks, and the apt package that brings each
HIDDEN = {"iverilog": "iverilog", "iverilog-vpi": "iverilog", "vvp": "iverilog",
          "ghdl": "ghdl", "g++": "build-essential", "make": "build-essential"}
PACKAGES = ("iverilog", "ghdl", "build-essential")

APT_STUB = """#!/bin/bash
echo "apt-get $*" >> "{log}"
[ "{installs}" = yes ] || exit 0
for p in "$@"; do
  case "$p" in
    iverilog) tools="iverilog iverilog-vpi vvp" ;;
    ghdl) tools=ghdl ;;
    build-essential) tools="g++ make" ;;
    *) tools= ;;
  esac
  for t in $tools; do printf '#!/bin/sh\\nexit 0\\n' > "{stub}/$t"; chmod +x "{stub}/$t"; done
done
exit 0
"""


def _exe(path: Path, text: str):
    path.write_text(text)
    path.chmod(0o755)


def fresh_machine(tmp: Path, *, apt_installs: bool = True, present=(), uid: int = 0,
                  sudo: bool | None = None) -> dict:
    """A PATH like a new Debian 12's: system tools minus HIDDEN (minus ``present``), a stub
    apt-get that logs its calls and, if ``apt_installs``, creates the tools it was asked for."""
    sysbin, stub = tmp / "sysbin", tmp / "stub"
    sysbin.mkdir()
    stub.mkdir()
    for d in ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"):
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f in HIDDEN or f in ("apt-get", "sudo", "id") or (sysbin / f).exists():
                continue
            (sysbin / f).symlink_to(os.path.join(d, f))
    for t in present:
        _exe(stub / t, "#!/bin/sh\nexit 0\n")
    log = tmp / "apt.log"
    _exe(stub / "apt-get", APT_STUB.format(log=log, stub=stub,
                                           installs="yes" if apt_installs else "no"))
    _exe(stub / "id", f"#!/bin/sh\n[ \"$1\" = -u ] && echo {uid} || /usr/bin/id \"$@\"\n")
    if sudo is not None:  # passwordless (sudo -n true succeeds) or not
        _exe(stub / "sudo", "#!/bin/sh\n[ \"$1\" = -n ] && shift\n"
             + ('[ "$1" = true ] && exit 0\nexec "$@"\n' if sudo else "exit 1\n"))
    # the interpreter set-up picks (python3.11 / python3 >= 3.11), as the hook and CI find it
    pydirs = []
    for name in ("python3.11", "python3"):
        p = shutil.which(name, path=os.environ.get("PATH", "")) or ""
        if p and not p.startswith(str(ROOT)):
            pydirs.append(os.path.dirname(p))
    pydirs.append(os.path.dirname(os.path.realpath(getattr(sys, "_base_executable", sys.executable))))
    path = os.pathsep.join([str(stub)] + list(dict.fromkeys(pydirs)) + [str(sysbin)])
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = path
    return {"env": env, "log": log, "stub": stub}


def run_sysdeps(machine: dict, script: Path = SETUP):
    return subprocess.run(["bash", str(script), "sysdeps"], env=machine["env"], capture_output=True,
                          text=True, timeout=60)


def apt_calls(machine: dict) -> list[str]:
    log = machine["log"]
    return log.read_text().splitlines() if log.exists() else []


def test_fresh_machine_apt_installs_everything_then_passes(tmp_path):
    m = fresh_machine(tmp_path)
    r = run_sysdeps(m)
    assert r.returncode == 0, r.stdout + r.stderr
    installs = [c for c in apt_calls(m) if " install " in f" {c} "]
    assert len(installs) == 1, apt_calls(m)
    for pkg in PACKAGES:
        assert pkg in installs[0].split(), installs
    assert "ERROR" not in r.stderr
    # what apt brought is now found: a second run calls apt no more
    m["log"].unlink()
    r2 = run_sysdeps(m)
    assert r2.returncode == 0 and apt_calls(m) == [], (r2.stderr, apt_calls(m))


def test_apt_that_installs_nothing_gives_one_line_naming_the_packages(tmp_path):
    m = fresh_machine(tmp_path, apt_installs=False)
    r = run_sysdeps(m)
    assert r.returncode != 0
    err = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(err) == 1, r.stderr
    assert err[0].startswith("setup: ERROR: still missing after apt-get:")
    for pkg in PACKAGES:
        assert pkg in err[0], err[0]
    assert "Traceback" not in r.stderr


def test_nothing_missing_means_no_apt_call(tmp_path):
    m = fresh_machine(tmp_path, present=HIDDEN)
    r = run_sysdeps(m)
    assert r.returncode == 0, r.stderr
    assert apt_calls(m) == []
    assert r.stderr.strip() == ""


def test_only_what_is_missing_is_asked_for(tmp_path):
    m = fresh_machine(tmp_path, present=[t for t, pkg in HIDDEN.items() if pkg != "ghdl"])
    r = run_sysdeps(m)
    assert r.returncode == 0, r.stderr
    installs = [c for c in apt_calls(m) if " install " in f" {c} "]
    assert len(installs) == 1 and installs[0].split()[-1] == "ghdl", installs
    assert "iverilog" not in installs[0] and "build-essential" not in installs[0]


def test_not_root_uses_passwordless_sudo(tmp_path):
    m = fresh_machine(tmp_path, uid=1000, sudo=True)
    r = run_sysdeps(m)
    assert r.returncode == 0, r.stderr
    assert any(" install " in f" {c} " for c in apt_calls(m))


def test_not_root_without_sudo_says_the_command_to_run(tmp_path):
    m = fresh_machine(tmp_path, uid=1000, sudo=False)
    r = run_sysdeps(m)
    assert r.returncode != 0 and apt_calls(m) == []
    err = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(err) == 1, r.stderr
    assert "sudo apt-get install -y" in err[0]
    for pkg in PACKAGES:
        assert pkg in err[0]


def test_must_fail_the_empty_list_bug_is_caught(tmp_path):
    """The check above catches the bug issue 11 reported: a copy of setup.sh with the old
    ``case " $pkgs "`` test (two spaces for an empty list) fails the fresh-machine case."""
    text = SETUP.read_text()
    fixed = 'case "$pkgs" in\n            "") ;;'
    assert fixed in text
    buggy = text.replace(fixed, 'case " $pkgs " in\n            " ") ;;')
    tools = tmp_path / "repo" / "tools"
    tools.mkdir(parents=True)
    _exe(tools / "setup.sh", buggy)
    m = fresh_machine(tmp_path)
    r = run_sysdeps(m, tools / "setup.sh")
    assert r.returncode != 0 and "still missing after apt-get" in r.stderr

