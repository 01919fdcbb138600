"""FuseSoC calls this script (generator `neurohdl_gen`); all logic lives in neurohdl.fusesoc_gen."""
import sys

from neurohdl.fusesoc_gen import main

sys.exit(main())
