# SPDX-License-Identifier: Apache-2.0
"""``neurohdl eval``: a NIR network's float reference (models/net/nir_ref.py) against its
bit-true fixed-point run (models/net/nir_quant.py) over a data set.

Per sample (state reset per sample): the output raster of each, the prediction = argmax of
the output spike counts (ties to the lowest index).  Figures: each one's accuracy (with labels),
their prediction agreement, the mean spike-count error per (sample, output neuron), the sticky
saturation flags of the fixed-point run and the number of clipped input codes.
"""
from __future__ import annotations

import numpy as np

from neurohdl.errors import ParamError
from neurohdl.nirgraph import Net

from . import nir_quant, nir_ref
from .nir_ref import Policy


def prediction(raster: np.ndarray) -> np.ndarray:
    """argmax of the output spike counts ([T, N, n] -> [N]), ties to the lowest index."""
    return np.argmax(raster.sum(axis=0), axis=-1)


def check_data(inputs, labels, n_in: int) -> tuple[np.ndarray, np.ndarray | None]:
    x = np.asarray(inputs, dtype=np.float64)
    if x.ndim != 3 or x.shape[2] != n_in:
        raise ParamError(f"data inputs shape {tuple(x.shape)}: allowed [T, N, {n_in}] (T steps, "
                         f"N samples, the net's {n_in} inputs)")
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if labels.shape[0] != x.shape[1]:
            raise ParamError(f"data labels: {labels.shape[0]} labels for {x.shape[1]} samples")
    return x, labels


def evaluate(net: Net, policy: Policy, options: nir_quant.QuantOptions, inputs, labels=None,
             limit: int | None = None, progress=None) -> dict:
    """The figures of the module docstring (and both rasters, [T, N, n_out]) over the first
    ``limit`` samples (all by default); ``progress(done, total)`` after each sample."""
    q = nir_quant.quantise(net, policy, options)
    (inp,) = q.inputs
    (out,) = q.outputs
    x, labels = check_data(inputs, labels, q.inputs[inp])
    n = x.shape[1] if limit is None else min(limit, x.shape[1])
    ref, fixed = [], []
    flags = dict.fromkeys(("acc_sat", "sat", "drop"), False)
    clipped = 0
    for i in range(n):
        ref.append(nir_ref.simulate(net, x[:, i], policy)[out].reshape(len(x), -1))
        r = nir_quant.run(q, x[:, i])
        fixed.append(r["out"][out])
        flags = {k: flags[k] or r["flags"][k] for k in flags}
        clipped += r["input_saturated"]
        if progress:
            progress(i + 1, n)
    ref_r = np.stack(ref, axis=1).astype(np.uint8)
    fix_r = np.stack(fixed, axis=1).astype(np.uint8)
    p_ref, p_fix = prediction(ref_r), prediction(fix_r)
    res = {"samples": n, "steps": int(x.shape[0]),
           "agreement": float(np.mean(p_ref == p_fix)),
           "mean_count_error": float(np.abs(ref_r.sum(0).astype(int) - fix_r.sum(0)).mean()),
           "spikes": {"float": int(ref_r.sum()), "bit_true": int(fix_r.sum())},
           "flags": flags, "input_saturated": clipped,
           "raster_float": ref_r, "raster_bit_true": fix_r, "quant": q}
    if labels is not None:
        res["accuracy"] = {"float": float(np.mean(p_ref == labels[:n])),
                           "bit_true": float(np.mean(p_fix == labels[:n]))}
    return res
