# SPDX-License-Identifier: Apache-2.0
"""A stand-in for pyserial (tests/test_tutorial_host.py): every port is a board running
net.snn_soc with the default SnnSocParams, i.e. the bus.uart_bridge model in front of the SoC
model (SocModel).  The port must be opened 8N1 at the bitstream's baud rate, as on a board;
anything else raises SerialException.  Only what neurohdl.sw.uart_protocol.SerialPipe uses is
here: Serial(port, baudrate, bytesize, parity, stopbits, timeout), write, flush, read,
reset_input_buffer, close."""
from neurohdl.models.bus import uart_bridge
from neurohdl.models.net.snn_soc import SnnSocParams, SocModel
from neurohdl.rtl.net.snn_soc import bridge_params

PARAMS = SnnSocParams()


class SerialException(IOError):
    pass


class Serial:
    def __init__(self, port, baudrate=9600, bytesize=8, parity="N", stopbits=1, timeout=None):
        if (baudrate, bytesize, parity, stopbits) != (PARAMS.baud, 8, "N", 1):
            raise SerialException(f"{port}: opened {baudrate} {bytesize}{parity}{stopbits}; "
                                  f"the board speaks {PARAMS.baud} 8N1")
        self.port, self.model = port, SocModel(PARAMS)
        self.p = bridge_params(PARAMS)
        self.state, self.rx = uart_bridge.init(self.p), b""

    def access(self, we, addr, data):          # the bridge's Wishbone side: the SoC's CSRs
        if we:
            return self.model.write32(addr * 4, data) == 0, 0
        resp, d = self.model.read32(addr * 4)
        return resp == 0, d if resp == 0 else 0

    def write(self, data):
        for x in bytes(data):
            self.state, r, _ = uart_bridge.step(self.p, self.state, ("byte", x), self)
            self.rx += r
        return len(data)

    def flush(self):
        pass

    def read(self, n):
        r, self.rx = self.rx[:n], self.rx[n:]
        return r

    def reset_input_buffer(self):
        self.rx = b""

    def close(self):
        pass
