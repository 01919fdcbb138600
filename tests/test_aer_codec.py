# SPDX-License-Identifier: Apache-2.0
"""Host library of aer.codec (sw/aer_codec.py): random rasters (sparse, dense, long silent
stretches that need escape words, empty ones) round-trip through bytes; the words are the
model's encoder output (what the hardware emits, verif/aer/test_codec.py); a stream written
by the hardware encoder's model decodes to the raster; the word layout by hand; bad input is
a one-line ParamError.  Must-fail: a raster with a spike moved does not round-trip to the
original."""
import random

import numpy as np
import pytest

from neurohdl.errors import ParamError
from neurohdl.models.aer import codec as model, event
from neurohdl.sw.aer_codec import AerSpikeCodec


def raster(r: random.Random, t: int, n: int) -> np.ndarray:
    """A raster with dense bursts and silent stretches of up to 300 timesteps."""
    s = np.zeros((t, n), dtype=np.uint8)
    step = 0
    while step < t:
        if r.random() < 0.15:
            step += r.randint(10, 300)
            continue
        rate = r.choice([0.05, 0.3, 0.9])
        s[step] = [r.random() < rate for _ in range(n)]
        step += 1
    return s


def test_round_trip_random(seed):
    r = random.Random(seed)
    for _ in range(30):
        tb, n, t = r.randint(2, 16), r.randint(1, 40), r.randint(0, 600)
        codec = AerSpikeCodec(tb, r.choice([0, 8]))
        s = raster(r, t, n)
        assert np.array_equal(codec.decompress(codec.compress(s), t, n), s)


def test_words_are_the_hardware_encoders():
    """compress() = the model encoder's words (the hardware's canonical stream) as bytes;
    the model's cycle-level encoder, fed the raster as an AER stream, writes the same."""
    r = random.Random(5)
    codec = AerSpikeCodec(3)
    s = raster(r, 200, 6)
    p, words = codec.words(s)
    steps = [[int(i) for i in np.flatnonzero(row)] for row in s]
    beats, st, out = event.beats(steps), model.reset(p), []
    ins = {"m_code_tready": 1}
    i = 0
    while i < len(beats) or st.out is not None:
        b = beats[i] if i < len(beats) else (0, 0, 0)
        ins.update(s_in_tvalid=int(i < len(beats)), s_in_tdata=b[0], s_in_tlast=b[1],
                   s_in_tuser=b[2])
        o = model.outputs(p, st, ins)
        if o["m_code_tvalid"]:
            out.append(o["m_code_tdata"])
        i += bool(ins["s_in_tvalid"] and o["s_in_tready"])
        st = model.step(p, st, ins)
    assert out == words and any(w >> p.neuron_bits == p.escape for w in words)
    data = codec.compress(s)
    assert len(data) == len(words) and data[0] == words[0]          # 3 + 3 bits: a byte each


def test_by_hand():
    """timestamp_bits 2 (U = 3), 2 neurons (neuron_bits 1): spikes n1@t0, n0@t5; then 6
    silent timesteps: [{0,1}, {3,0} (one escape unit: 3 timesteps), {2,0}, {3,1} (a full
    escape, 2 units, at once)]."""
    s = np.zeros((12, 2), dtype=np.uint8)
    s[0, 1] = s[5, 0] = 1
    data = AerSpikeCodec(2).compress(s)
    assert list(data) == [0b00_1, 0b11_0, 0b10_0, 0b11_1]
    assert np.array_equal(AerSpikeCodec(2).decompress(data, 12, 2), s)


def test_round_trip_must_fail():
    """The round-trip check sees a moved spike."""
    codec = AerSpikeCodec(4)
    s = raster(random.Random(1), 100, 5)
    data = codec.compress(s)
    moved = s.copy()
    t, i = np.argwhere(s)[0]
    moved[t, i], moved[t + 1, i] = 0, 1
    assert not np.array_equal(codec.decompress(data, 100, 5), moved)


@pytest.mark.parametrize("call, words", [
    (lambda: AerSpikeCodec(1), ["CodecParams.timestamp_bits = 1", "2..24"]),
    (lambda: AerSpikeCodec(8, 25), ["CodecParams.event.neuron_bits = 25", "1..24"]),
    (lambda: AerSpikeCodec(8, 2).compress(np.zeros((3, 5))), ["5 neurons", "at most 4"]),
    (lambda: AerSpikeCodec(8).compress(np.zeros(3)), ["spikes shape = (3,)"]),
    (lambda: AerSpikeCodec(8).decompress(b"\x01\x02\x03", 4, 4), ["3 bytes", "multiple of 2"]),
    (lambda: AerSpikeCodec(8).decompress(bytes([3, 0]), 4, 3),        # dt 0, neuron 3
     ["neuron 3 in timestep 0", "neurons 0..2"]),
    (lambda: AerSpikeCodec(8).decompress(bytes([4 << 2, 0]), 4, 4),   # dt 4, neuron 0
     ["neuron 0 in timestep 4", "timesteps 0..3"]),
    (lambda: AerSpikeCodec(2).decompress(bytes([0x10]), 4, 4), ["code word = 0x10", "0..0xf"]),
])
def test_bad_input_is_one_line(call, words):
    with pytest.raises(ParamError) as e:
        call()
    assert "\n" not in str(e.value) and all(w in str(e.value) for w in words), str(e.value)
