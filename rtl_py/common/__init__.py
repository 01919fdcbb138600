# SPDX-License-Identifier: Apache-2.0
"""Family-neutral MyHDL building blocks shared by the core families (``sc``, ``stream``,
``neuron``, ``bus``, ``net``): no core lives here (no module defines ``CORE``), so the registry
lists none; see :mod:`neurohdl.rtl.common.stage`."""
