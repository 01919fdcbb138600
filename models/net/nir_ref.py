# SPDX-License-Identifier: Apache-2.0
"""The float64 reference simulator of a NIR graph under a discretisation policy: what a trained
network should do, independent of neurohdl's fixed-point path (which it is the yardstick of).

A NIR graph is continuous-time; running it needs a policy (:class:`Policy`):

``dt``      the timestep, seconds (NIR files carry none; never defaulted).
``method``  'euler': forward Euler, the exporters' assumption (snnTorch, Norse):
                x <- x + dt/tau (x_inf - x)
            'exact': exact decay with the input held over the step (zero-order hold):
                x <- x_inf + (x - x_inf) exp(-dt/tau)
``reset``   'zero': a neuron that fires is set to v_reset (NIR's rule);
            'subtract': v <- v - v_threshold (snnTorch's reset_mechanism='subtract').

Per timestep t, every node in the graph's order (neurohdl.nirgraph.Net.order) maps the sum of
its inputs x (forward edges: the source's output at t; recurrent edges: at t - 1; an Input node:
the external input at t) to its output y.  At t = -1 (what a recurrent edge carries into step 0)
no neuron has fired and a stateless node maps the zeros it gets then: a recurrent Affine's bias
arrives from step 0 on, as in snnTorch's RLeaky.

=========  ===============================================================================
Affine     y = W x + b;  Linear: y = W x;  Scale: y = s * x;  Flatten: a reshape
Threshold  y = [x > threshold]
Delay      y[t] = x[t - d], d = delay / dt steps (an integer, else the policy refuses it)
I          v <- v + dt r x;  y = v
IF         v <- v + dt r x;  z = [v > v_threshold];  reset where z;  y = z
LI         tau dv/dt = (v_leak - v) + r x;  y = v
LIF        as LI;  z = [v > v_threshold];  reset where z;  y = z
CubaLI     tau_syn di/dt = -i + w_in x, then tau_mem dv/dt = (v_leak - v) + r i with the new i;
           y = v
CubaLIF    as CubaLI;  z = [v > v_threshold];  reset where z;  y = z
Conv1d/2d  cross-correlation (PyTorch's convention: stride, padding, dilation) + bias
SumPool2d  window sums (stride, zero padding);  AvgPool2d: window means
=========  ===============================================================================

A neuron fires on the membrane *after* the step's update and is reset in the same step (Norse's
and the NIR paper's convention; snnTorch matches it with ``reset_delay=False``).  State starts
at zero (v = 0, i = 0) for every sample.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from neurohdl.errors import ParamError
from neurohdl import nirgraph
from neurohdl.nirgraph import Net

METHODS = ("euler", "exact")
RESETS = ("zero", "subtract")


@dataclass(frozen=True)
class Policy:
    """How a continuous-time NIR graph is run in discrete time (module docstring)."""

    dt: float
    method: str = "euler"
    reset: str = "zero"

    def __post_init__(self):
        if not (isinstance(self.dt, (int, float)) and math.isfinite(self.dt) and self.dt > 0):
            raise ParamError(f"policy.dt = {self.dt!r}: allowed a timestep > 0 seconds "
                             "(NIR files carry none: it must be given)")
        if self.method not in METHODS:
            raise ParamError(f"policy.method = {self.method!r}: allowed one of "
                             f"{', '.join(map(repr, METHODS))}")
        if self.reset not in RESETS:
            raise ParamError(f"policy.reset = {self.reset!r}: allowed one of "
                             f"{', '.join(map(repr, RESETS))}")

    def decay(self, tau: np.ndarray) -> np.ndarray:
        """The factor a state keeps over one step: 1 - dt/tau (Euler) or exp(-dt/tau)."""
        return 1.0 - self.dt / tau if self.method == "euler" else np.exp(-self.dt / tau)

    def delay_steps(self, name: str, delay: np.ndarray) -> np.ndarray:
        steps = np.asarray(delay, dtype=np.float64) / self.dt
        k = np.rint(steps)
        if np.any(np.abs(steps - k) > 1e-6 * np.maximum(1.0, k)) or np.any(k < 0):
            raise ParamError(f"{name}.delay = {delay.tolist()} s: allowed whole multiples of "
                             f"policy.dt = {self.dt} s")
        return k.astype(np.int64)


def _relax(policy: Policy, x, x_inf, tau):
    """One step of tau dx/dt = x_inf - x."""
    return x_inf + (x - x_inf) * policy.decay(tau)


def _fire(policy: Policy, v, p):
    z = v > p["v_threshold"]
    if policy.reset == "zero":
        v = np.where(z, p["v_reset"], v)
    else:
        v = np.where(z, v - p["v_threshold"], v)
    return v, z.astype(np.float64)


def _pad(x, pads):
    """x (..., C, *spatial) zero-padded on the spatial axes."""
    return np.pad(x, [(0, 0)] * (x.ndim - len(pads)) + [(p, p) for p in pads])


def _windows(x, kernel, stride, dilation):
    """(..., C, *out, *kernel) view of x (..., C, *spatial): every window of the correlation
    (leading axes: a batch)."""
    nd = len(kernel)
    out = [(n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(x.shape[-nd:], kernel, stride,
                                                                 dilation)]
    if nd == 1:
        return x[..., np.arange(out[0])[:, None] * stride[0] +
                 np.arange(kernel[0])[None, :] * dilation[0]]       # (..., C, o, k)
    rows = (np.arange(out[0]) * stride[0])[:, None, None, None] + \
        (np.arange(kernel[0]) * dilation[0])[None, None, :, None]
    cols = (np.arange(out[1]) * stride[1])[None, :, None, None] + \
        (np.arange(kernel[1]) * dilation[1])[None, None, None, :]
    return x[..., rows, cols]                                 # (..., C, oh, ow, kh, kw)


def conv(x, w, bias, stride, padding, dilation):
    """PyTorch-convention cross-correlation of x (..., C_in, *spatial) with w (C_out, C_in,
    *k); leading axes of x are a batch."""
    nd = w.ndim - 2
    stride, padding, dilation = ((tuple(v) * nd)[:nd] for v in (stride, padding, dilation))
    win = _windows(_pad(x, padding), w.shape[2:], stride, dilation)
    # sum over (C, *kernel): windows (..., C, *out, *k) . w (D, C, *k) -> (..., *out, D)
    y = np.tensordot(win, w, axes=([-2 * nd - 1, *range(-nd, 0)], [1, *range(2, 2 + nd)]))
    return np.moveaxis(y, -1, -nd - 1) + bias.reshape((-1,) + (1,) * nd)


def pool(x, kernel, stride, padding, mean: bool):
    win = _windows(_pad(x, padding), kernel, stride, (1,) * len(kernel))
    y = win.sum(axis=(-2, -1))
    return y / np.prod(kernel) if mean else y


#: the stateless nodes: y = f(x), affine in x (:func:`linear`)
LINEAR = ("Affine", "Linear", "Scale", "Flatten", "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d")


def linear(node, x, batch: int = 0):
    """One of the ``LINEAR`` nodes applied to x (the table in the module docstring); the first
    ``batch`` axes of x are a batch (each entry computed alone)."""
    p, k = node.params, node.kind
    if k == "Affine":
        return x @ p["weight"].T + p["bias"]
    if k == "Linear":
        return x @ p["weight"].T
    if k == "Scale":
        return p["scale"] * x
    if k == "Flatten":
        return x.reshape(x.shape[:batch] + tuple(node.shape_out))
    if k in ("Conv1d", "Conv2d"):
        bias = p.get("bias", np.zeros(p["weight"].shape[0]))
        return conv(x, p["weight"], np.broadcast_to(bias, (p["weight"].shape[0],)),
                    node.ints["stride"], node.ints["padding"], node.ints["dilation"])
    kernel, stride, padding = ((node.ints[a] * 2)[:2] for a in ("kernel_size", "stride",
                                                                  "padding"))
    return pool(x, kernel, stride, padding, mean=k == "AvgPool2d")


class Simulator:
    """Runs a :class:`Net` one timestep at a time under a :class:`Policy`; ``record`` lists the
    nodes whose outputs (and neuron states) :meth:`run` keeps."""

    def __init__(self, net: Net, policy: Policy):
        self.net, self.policy = net, policy
        self.delays = {n: policy.delay_steps(n, node.params["delay"])
                       for n, node in net.nodes.items() if node.kind == "Delay"}
        self.reset()

    def reset(self):
        self.state = {}
        self.history = {n: [] for n in self.delays}
        self.out = self._at_rest()

    def _at_rest(self) -> dict:
        """Every node's output at t = -1, what a recurrent edge carries into step 0: no neuron
        has fired (and every membrane is 0), a Delay and an Input hold 0, and a stateless node
        (Affine, Scale, ...) maps what it receives then, so a recurrent Affine's bias already
        arrives in step 0, as in snnTorch's RLeaky (v = beta v + x + recurrent(spk) with spk = 0
        in its first step)."""
        out = {}
        for name in self.net.order:
            node = self.net.nodes[name]
            zero = np.zeros(node.shape_out or (1,))
            if node.kind in nirgraph.NEURONS or node.kind in ("Input", "Delay"):
                out[name] = zero
                continue
            x = 0.0
            for src, rec in self.net.sources(name):
                x = x + (np.zeros(self.net.nodes[src].shape_out or (1,)) if rec else out[src])
            out[name] = self._node(name, node, np.asarray(x, dtype=np.float64))
        return out

    def step(self, inputs: dict) -> dict:
        """One timestep; ``inputs``: {Input node: array of its shape}.  Returns every node's
        output of this step."""
        prev, now = self.out, {}
        for name in self.net.order:
            node = self.net.nodes[name]
            if node.kind == "Input":
                x = np.asarray(inputs[name], dtype=np.float64).reshape(node.shape_out)
            else:
                x = 0.0
                for src, rec in self.net.sources(name):
                    x = x + (prev[src] if rec else now[src])
            now[name] = self._node(name, node, np.asarray(x, dtype=np.float64))
        self.out = now
        return now

    def _node(self, name, node, x):
        p, k, pol = node.params, node.kind, self.policy
        if k in LINEAR:
            return linear(node, x)
        if k in ("Input", "Output"):
            return x
        if k == "Threshold":
            return (x > p["threshold"]).astype(np.float64)
        if k == "Delay":
            hist = self.history[name]
            hist.append(x)
            d = self.delays[name]
            out = np.zeros_like(x)
            for i in np.ndindex(x.shape):
                j = len(hist) - 1 - int(d[i] if d.ndim else d)
                out[i] = hist[j][i] if j >= 0 else 0.0
            return out
        # neurons
        st = self.state.setdefault(name, {"v": np.zeros(node.shape_out),
                                          "i": np.zeros(node.shape_out)})
        if k in ("I", "IF"):
            st["v"] = st["v"] + pol.dt * p["r"] * x
        elif k in ("LI", "LIF"):
            st["v"] = _relax(pol, st["v"], p["v_leak"] + p["r"] * x, p["tau"])
        else:                                                   # CubaLI, CubaLIF
            st["i"] = _relax(pol, st["i"], p["w_in"] * x, p["tau_syn"])
            st["v"] = _relax(pol, st["v"], p["v_leak"] + p["r"] * st["i"], p["tau_mem"])
        if k in ("I", "LI", "CubaLI"):
            return st["v"].copy()
        st["v"], z = _fire(pol, st["v"], p)
        return z

    def run(self, inputs, record=()) -> dict:
        """``inputs``: array (T, *input shape) for a graph with one Input node, or {Input node:
        array (T, ...)}.  Returns {Output node: array (T, *shape)} plus, for each node in
        ``record``, its outputs (and ``<node>.v`` / ``<node>.i`` for neurons), from reset."""
        if not isinstance(inputs, dict):
            (only,) = self.net.inputs
            inputs = {only: inputs}
        T = len(next(iter(inputs.values())))
        self.reset()
        names = tuple(dict.fromkeys((*self.net.outputs, *record)))
        keep = {n: [] for n in names}
        for t in range(T):
            now = self.step({n: a[t] for n, a in inputs.items()})
            for n in names:
                keep[n].append(now[n])
                if n in record and n in self.state:
                    for var, value in self.state[n].items():
                        keep.setdefault(f"{n}.{var}", []).append(value.copy())
        return {n: np.stack(v) for n, v in keep.items()}


def simulate(net: Net, inputs, policy: Policy, record=()) -> dict:
    """:meth:`Simulator.run` in one call."""
    return Simulator(net, policy).run(inputs, record)
