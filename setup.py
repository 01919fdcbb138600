# SPDX-License-Identifier: Apache-2.0
"""Package discovery for the wheel and the editable install; everything else is in pyproject.toml.

pyproject.toml maps folders into the one import root ([tool.setuptools] package-dir:
neurohdl.models -> models/, neurohdl.rtl -> rtl_py/, neurohdl.cores -> cores/, ...).
setuptools' own discovery cannot rename folders, so this finds the packages below each mapped
folder and names them under the mapped package:

* every folder with an ``__init__.py`` (find_packages), so a new sub-package such as
  neurohdl.models.net is in the wheel without anyone listing it;
* every folder holding package data ([tool.setuptools.package-data] globs, e.g. cores/net/ for
  snn_soc.rdl), which setuptools wants declared as a (data) package too.
"""
import tomllib
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent


def mapped_packages(package_dir: dict[str, str], package_data: dict[str, list[str]],
                    root: Path = HERE) -> list[str]:
    """Every package under the mapped folders, by its name in the import root."""
    found = set()
    for name, folder in package_dir.items():
        found |= {name} | {f"{name}.{sub}" for sub in find_packages(where=str(root / folder))}
    for name, patterns in package_data.items():
        base = root / package_dir[name]
        for pattern in patterns:
            found |= {".".join((name, *f.parent.relative_to(base).parts))
                      for f in base.glob(pattern) if "__pycache__" not in f.parts}
    return sorted(found)


SETUPTOOLS = tomllib.loads((HERE / "pyproject.toml").read_text())["tool"]["setuptools"]
setup(packages=mapped_packages(SETUPTOOLS["package-dir"], SETUPTOOLS["package-data"]))
