#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# System prerequisites and the Python venv for neurohdl; called by `make setup` (see docs/toolchain.md §2).
#   tools/setup.sh sysdeps   check iverilog, python3.11+ with venv + tkinter, g++, make, perl;
#                            apt-get installs only what is missing (as root, or via `sudo -n`)
#   tools/setup.sh venv      create .venv (python3.11, else python3 >= 3.11) and pip install -e '.[dev]'
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$REPO/.venv"
say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# Look for the base interpreter without the repo's venv/wrappers in the way.
BASE_PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF -e "$VENV/bin" -e "$REPO/tools/bin" | paste -sd: -)

pick_python() {
    local c p
    for c in python3.11 python3; do
        p=$(PATH="$BASE_PATH" command -v "$c" 2>/dev/null) || continue
        if "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$p"; return 0
        fi
    done
    return 1
}

missing_packages() {  # prints the apt packages needed for what is missing now
    local py=$1 ver pkgs=()
    command -v iverilog >/dev/null 2>&1 || pkgs+=(iverilog)
    command -v ghdl >/dev/null 2>&1 || pkgs+=(ghdl)
    { command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1; } || pkgs+=(build-essential)
    command -v perl >/dev/null 2>&1 || pkgs+=(perl)
    ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    "$py" -c 'import venv, ensurepip' >/dev/null 2>&1 || pkgs+=("python$ver-venv")
    if ! "$py" -c 'import tkinter; tkinter.Tcl()' >/dev/null 2>&1; then
        # Debian's python3-tk serves its default python3; other versions (deadsnakes) have their own.
        if [ "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$ver" ] \
           || ! command -v python3 >/dev/null 2>&1; then pkgs+=(python3-tk); else pkgs+=("python$ver-tk"); fi
    fi
    echo "${pkgs[@]:-}"
}

apt_install() {
    local apt
    if ! command -v apt-get >/dev/null 2>&1; then
        die "missing system packages: $* (no apt-get here: install the equivalents by hand)"
    elif [ "$(id -u)" = 0 ]; then apt=(apt-get)
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then apt=(sudo -n apt-get)
    else die "missing system packages: $* -- run: sudo apt-get update && sudo apt-get install -y $*"
    fi
    say "installing system packages: $*"
    "${apt[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "$@"
}

sysdeps() {
    local py pkgs
    if ! py=$(pick_python); then
        apt_install python3
        py=$(pick_python) || die "need Python >= 3.11 as python3.11 or python3 (Debian 12 has 3.11)"
    fi
    pkgs=$(missing_packages "$py")
    if [ -n "$pkgs" ]; then
        # shellcheck disable=SC2086
        apt_install $pkgs
        pkgs=$(missing_packages "$py")
        case "$pkgs" in
            "") ;;
            python*|*" "python*) die "still missing after apt-get: $pkgs (venv and tkinter must work for $py; is it Debian's own Python?)" ;;
            *) die "still missing after apt-get: $pkgs" ;;
        esac
    fi
}

make_venv() {
    local py
    py=$(pick_python) || die "need Python >= 3.11 as python3.11 or python3"
    if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        say "reusing $VENV ($("$VENV/bin/python" -V))"
    else
        say "creating $VENV with $py ($("$py" -V))"
        "$py" -m venv --clear "$VENV"
    fi
    say "pip install -c requirements.lock -e '.[dev]'  (first time: ~600 MB of wheels)"
    cd "$REPO"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -c requirements.lock -e '.[dev]'
}

case "${1:-sysdeps}" in
    sysdeps) sysdeps ;;
    venv) make_venv ;;
    *) die "usage: tools/setup.sh sysdeps|venv" ;;
esac
