// SPDX-License-Identifier: Apache-2.0
// Formal properties of bus.csr (run by `neurohdl formal bus.csr`, see neurohdl/formal.py).
//
// Configuration: the default one, CsrParams() = the example map cores/bus/csr_example.rdl on
// the Wishbone front-end.  neurohdl/formal.py pastes this text into the converted module `csr`
// just before its `endmodule`; the properties name the map's ports (csr_*, hw_*) and, for the
// one register without a port (SCRATCH, sw = rw, hw = na), its storage register.  Every input
// is free (bus requests, hardware status and set strobes); the one assumption is a reset in
// the first cycle.
//
// Proven (k-induction):
//   wb_ack and wb_err are never high together;
//   an erroring access (unmapped address, or a write to a register without a writable field)
//   changes no state: every stored field keeps its value (a hwset field may only be set by its
//   hardware strobe of that cycle), no singlepulse/swmod pulse fires, no swacc strobe fires,
//   and the answer reads 0.  wb_err answers a request of the cycle before.
`ifdef FORMAL
reg f_past = 1'b0;
always @(posedge clk) f_past <= 1'b1;
always @(*) if (!f_past) assume(rst);

wire f_req = wb_cyc && wb_stb && !wb_stall;

always @(*) if (f_past) assert(!(wb_ack && wb_err));

always @(posedge clk)
    if (f_past && !$past(rst) && wb_err) begin
        assert($past(f_req));
        assert(wb_dat_r == 0);
        // stored fields keep their values
        assert(csr_ctrl_run == $past(csr_ctrl_run));
        assert(csr_ctrl_mode == $past(csr_ctrl_mode));
        assert(csr_timesteps_count == $past(csr_timesteps_count));
        assert(csr_irq_enable_done == $past(csr_irq_enable_done));
        assert(csr_irq_enable_drop == $past(csr_irq_enable_drop));
        assert(regfile0_fld_config5_q == $past(regfile0_fld_config5_q));   // SCRATCH.value
        assert(csr_irq_status_done == ($past(csr_irq_status_done) || $past(hw_irq_status_done_set)));
        assert(csr_irq_status_drop == ($past(csr_irq_status_drop) || $past(hw_irq_status_drop_set)));
        // no side effects
        assert(!csr_ctrl_step && !csr_ctrl_clr_cnt && !csr_timesteps_count_pulse);
        assert(!$past(csr_spike_out_addr_swacc));
    end
`endif
