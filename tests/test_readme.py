# SPDX-License-Identifier: Apache-2.0
"""README.md's tour works as written: every `neurohdl` line of it parses with the real CLI, the
cheap ones (list, info, gen, regmap) run from an empty folder, and the error example prints
exactly the line the README shows."""
import os
import re
import shlex
from pathlib import Path

import pytest

from neurohdl import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
RUN = {"list", "info", "gen", "regmap"}     # fast, no simulator or synthesis


def tour_commands(text: str) -> list[list[str]]:
    start = text.index("## Five-minute tour")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S).group(1)
    cmds = [shlex.split(line, comments=True) for line in block.splitlines()]
    return [c for c in cmds if c and c[0] == "neurohdl"]


def test_tour_has_every_sub_command():
    subs = {c[1] for c in tour_commands(README)}
    assert subs == set(cli._parser()._subparsers._group_actions[0].choices), subs


@pytest.mark.parametrize("i", range(len(tour_commands(README))))
def test_tour_line(i, tmp_path, monkeypatch, capsys):
    argv = tour_commands(README)[i][1:]
    args = cli._parser().parse_args(argv)          # argparse exits (code 2) on a stale flag
    if argv[0] in RUN:
        monkeypatch.chdir(tmp_path)
        assert cli.main(argv) == 0, capsys.readouterr().err
    else:
        assert args.fn.__name__ == f"cmd_{argv[0]}"


def test_error_example_is_what_the_cli_prints(tmp_path, monkeypatch, capsys):
    m = re.search(r"`(neurohdl gen [^`]+)` →\s*`(neurohdl: error: [^`]+)`", README)
    assert m, "README's error example not found"
    monkeypatch.chdir(tmp_path)
    assert cli.main(shlex.split(m.group(1))[1:]) == 2
    assert capsys.readouterr().err.strip() == m.group(2)
    assert os.listdir(tmp_path) == []               # nothing written


def test_must_fail_a_stale_flag_is_caught():
    stale = README.replace("neurohdl list  ", "neurohdl list --long", 1)
    argv = tour_commands(stale)[0][1:]
    with pytest.raises(SystemExit):
        cli._parser().parse_args(argv)
