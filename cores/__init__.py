# SPDX-License-Identifier: Apache-2.0
"""neurohdl.cores: this folder (the FuseSoC core library: .core files, SystemRDL maps, Verilator
waivers, board files, the generator script) as package data of the installed neurohdl.
Nothing to import here; read its files through neurohdl.resources."""
