// Techmap file for esegen's Yosys logic-depth estimate (org.esegen.synth.YosysEstimate).
//
// Yosys `ltp` treats every selected cell as combinational from all of its inputs to all of its
// outputs; only Yosys-internal flip-flop types are skipped by `ltp -noff`, which then also names
// the flip-flop that captures the end of the longest path. After `synth_xilinx` the design holds
// Xilinx primitives instead, so this file rewrites the sequential ones into what ltp understands:
//
// - FD* flip-flops become one internal flip-flop each ($sdffe / $adffe), keeping the cell's name
//   and its Q net, so `ltp -noff` ends a path at them and names them;
// - LUT RAMs and SRLs become an internal flip-flop that captures the write side (data, write
//   enable, write address; their stored contents are registers) plus one combinational cell per
//   read port from the read address (and the stored contents) to the read data, which is what the
//   silicon does: an asynchronous read through one LUT level.
//
// Every input a flip-flop or a LUT RAM/SRL write side captures passes through one extra $pos cell
// named ltp_endpoint_buffer. ltp reports the deepest net of the whole netlist, and an unused carry
// output can be as deep as the sum bits a register captures; the buffer puts every real endpoint
// one level deeper than such a dangling net, so the path ltp prints ends at a register. The
// estimate takes that level off again.
//
// Block RAM, FIFO and UltraRAM primitives and DSP48E2 slices with pipeline registers are not
// rewritten; the estimate leaves them out of the ltp selection, so paths end at their inputs and
// start at their outputs. Port lists and parameters follow Yosys 0.23's xilinx/cells_sim.v (a
// techmap module must declare every parameter a cell carries).

// ---- flip-flops -------------------------------------------------------------------------------

(* techmap_celltype = "FDRE FDRE_1" *)
module ltp_fd_sync_reset (output Q, input C, CE, D, R);
  parameter [0:0] INIT = 1'b0;
  parameter [0:0] IS_C_INVERTED = 1'b0;
  parameter [0:0] IS_D_INVERTED = 1'b0;
  parameter [0:0] IS_R_INVERTED = 1'b0;
  wire [2:0] inputs;
  \$pos #(.A_SIGNED(0), .A_WIDTH(3), .Y_WIDTH(3)) ltp_endpoint_buffer (.A({D, CE, R}), .Y(inputs));
  \$sdffe #(.WIDTH(1), .CLK_POLARITY(1'b1), .EN_POLARITY(1'b1), .SRST_POLARITY(1'b1), .SRST_VALUE(1'b0))
    _TECHMAP_REPLACE_ (.CLK(C), .SRST(inputs[0]), .EN(inputs[1]), .D(inputs[2]), .Q(Q));
endmodule

(* techmap_celltype = "FDSE FDSE_1" *)
module ltp_fd_sync_set (output Q, input C, CE, D, S);
  parameter [0:0] INIT = 1'b1;
  parameter [0:0] IS_C_INVERTED = 1'b0;
  parameter [0:0] IS_D_INVERTED = 1'b0;
  parameter [0:0] IS_S_INVERTED = 1'b0;
  wire [2:0] inputs;
  \$pos #(.A_SIGNED(0), .A_WIDTH(3), .Y_WIDTH(3)) ltp_endpoint_buffer (.A({D, CE, S}), .Y(inputs));
  \$sdffe #(.WIDTH(1), .CLK_POLARITY(1'b1), .EN_POLARITY(1'b1), .SRST_POLARITY(1'b1), .SRST_VALUE(1'b1))
    _TECHMAP_REPLACE_ (.CLK(C), .SRST(inputs[0]), .EN(inputs[1]), .D(inputs[2]), .Q(Q));
endmodule

(* techmap_celltype = "FDCE FDCE_1" *)
module ltp_fd_async_clear (output Q, input C, CE, CLR, D);
  parameter [0:0] INIT = 1'b0;
  parameter [0:0] IS_C_INVERTED = 1'b0;
  parameter [0:0] IS_D_INVERTED = 1'b0;
  parameter [0:0] IS_CLR_INVERTED = 1'b0;
  wire [2:0] inputs;
  \$pos #(.A_SIGNED(0), .A_WIDTH(3), .Y_WIDTH(3)) ltp_endpoint_buffer (.A({D, CE, CLR}), .Y(inputs));
  \$adffe #(.WIDTH(1), .CLK_POLARITY(1'b1), .EN_POLARITY(1'b1), .ARST_POLARITY(1'b1), .ARST_VALUE(1'b0))
    _TECHMAP_REPLACE_ (.CLK(C), .ARST(inputs[0]), .EN(inputs[1]), .D(inputs[2]), .Q(Q));
endmodule

(* techmap_celltype = "FDPE FDPE_1" *)
module ltp_fd_async_preset (output Q, input C, CE, D, PRE);
  parameter [0:0] INIT = 1'b1;
  parameter [0:0] IS_C_INVERTED = 1'b0;
  parameter [0:0] IS_D_INVERTED = 1'b0;
  parameter [0:0] IS_PRE_INVERTED = 1'b0;
  wire [2:0] inputs;
  \$pos #(.A_SIGNED(0), .A_WIDTH(3), .Y_WIDTH(3)) ltp_endpoint_buffer (.A({D, CE, PRE}), .Y(inputs));
  \$adffe #(.WIDTH(1), .CLK_POLARITY(1'b1), .EN_POLARITY(1'b1), .ARST_POLARITY(1'b1), .ARST_VALUE(1'b1))
    _TECHMAP_REPLACE_ (.CLK(C), .ARST(inputs[0]), .EN(inputs[1]), .D(inputs[2]), .Q(Q));
endmodule

// ---- shift registers: Q reads the stored bits through the address ------------------------------

module SRL16E (output Q, input A0, A1, A2, A3, CE, CLK, D);
  parameter [15:0] INIT = 16'h0000;
  parameter [0:0] IS_CLK_INVERTED = 1'b0;
  wire [1:0] contents;
  wire [1:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(2), .Y_WIDTH(2)) ltp_endpoint_buffer (.A({D, CE}), .Y(write_side));
  \$dff #(.WIDTH(2), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(CLK), .D(write_side), .Q(contents));
  assign Q = ^{A3, A2, A1, A0, contents};
endmodule

module SRLC32E (output Q, Q31, input [4:0] A, input CE, CLK, D);
  parameter [31:0] INIT = 32'h00000000;
  parameter [0:0] IS_CLK_INVERTED = 1'b0;
  wire [1:0] contents;
  wire [1:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(2), .Y_WIDTH(2)) ltp_endpoint_buffer (.A({D, CE}), .Y(write_side));
  \$dff #(.WIDTH(2), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(CLK), .D(write_side), .Q(contents));
  assign Q = ^{A, contents};
  assign Q31 = ^contents;
endmodule

// ---- LUT RAMs: synchronous write, asynchronous read ---------------------------------------------

module RAM32M (output [1:0] DOA, DOB, DOC, DOD, input [4:0] ADDRA, ADDRB, ADDRC, ADDRD,
               input [1:0] DIA, DIB, DIC, DID, input WCLK, WE);
  parameter [63:0] INIT_A = 64'h0, INIT_B = 64'h0, INIT_C = 64'h0, INIT_D = 64'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [13:0] contents;
  wire [13:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(14), .Y_WIDTH(14)) ltp_endpoint_buffer (.A({DIA, DIB, DIC, DID, ADDRD, WE}), .Y(write_side));
  \$dff #(.WIDTH(14), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign DOA = {2{^{ADDRA, contents}}};
  assign DOB = {2{^{ADDRB, contents}}};
  assign DOC = {2{^{ADDRC, contents}}};
  assign DOD = {2{^{ADDRD, contents}}};
endmodule

module RAM32M16 (output [1:0] DOA, DOB, DOC, DOD, DOE, DOF, DOG, DOH,
                 input [4:0] ADDRA, ADDRB, ADDRC, ADDRD, ADDRE, ADDRF, ADDRG, ADDRH,
                 input [1:0] DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, input WCLK, WE);
  parameter [63:0] INIT_A = 64'h0, INIT_B = 64'h0, INIT_C = 64'h0, INIT_D = 64'h0;
  parameter [63:0] INIT_E = 64'h0, INIT_F = 64'h0, INIT_G = 64'h0, INIT_H = 64'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [21:0] contents;
  wire [21:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(22), .Y_WIDTH(22)) ltp_endpoint_buffer (.A({DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, ADDRH, WE}), .Y(write_side));
  \$dff #(.WIDTH(22), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign DOA = {2{^{ADDRA, contents}}};
  assign DOB = {2{^{ADDRB, contents}}};
  assign DOC = {2{^{ADDRC, contents}}};
  assign DOD = {2{^{ADDRD, contents}}};
  assign DOE = {2{^{ADDRE, contents}}};
  assign DOF = {2{^{ADDRF, contents}}};
  assign DOG = {2{^{ADDRG, contents}}};
  assign DOH = {2{^{ADDRH, contents}}};
endmodule

module RAM64M (output DOA, DOB, DOC, DOD, input [5:0] ADDRA, ADDRB, ADDRC, ADDRD,
               input DIA, DIB, DIC, DID, input WCLK, WE);
  parameter [63:0] INIT_A = 64'h0, INIT_B = 64'h0, INIT_C = 64'h0, INIT_D = 64'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [10:0] contents;
  wire [10:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(11), .Y_WIDTH(11)) ltp_endpoint_buffer (.A({DIA, DIB, DIC, DID, ADDRD, WE}), .Y(write_side));
  \$dff #(.WIDTH(11), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign DOA = ^{ADDRA, contents};
  assign DOB = ^{ADDRB, contents};
  assign DOC = ^{ADDRC, contents};
  assign DOD = ^{ADDRD, contents};
endmodule

module RAM64M8 (output DOA, DOB, DOC, DOD, DOE, DOF, DOG, DOH,
                input [5:0] ADDRA, ADDRB, ADDRC, ADDRD, ADDRE, ADDRF, ADDRG, ADDRH,
                input DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, input WCLK, WE);
  parameter [63:0] INIT_A = 64'h0, INIT_B = 64'h0, INIT_C = 64'h0, INIT_D = 64'h0;
  parameter [63:0] INIT_E = 64'h0, INIT_F = 64'h0, INIT_G = 64'h0, INIT_H = 64'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [14:0] contents;
  wire [14:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(15), .Y_WIDTH(15)) ltp_endpoint_buffer (.A({DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, ADDRH, WE}), .Y(write_side));
  \$dff #(.WIDTH(15), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign DOA = ^{ADDRA, contents};
  assign DOB = ^{ADDRB, contents};
  assign DOC = ^{ADDRC, contents};
  assign DOD = ^{ADDRD, contents};
  assign DOE = ^{ADDRE, contents};
  assign DOF = ^{ADDRF, contents};
  assign DOG = ^{ADDRG, contents};
  assign DOH = ^{ADDRH, contents};
endmodule

module RAM32X16DR8 (output DOA, DOB, DOC, DOD, DOE, DOF, DOG, output [1:0] DOH,
                    input [5:0] ADDRA, ADDRB, ADDRC, ADDRD, ADDRE, ADDRF, ADDRG, input [4:0] ADDRH,
                    input [1:0] DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, input WCLK, WE);
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [21:0] contents;
  wire [21:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(22), .Y_WIDTH(22)) ltp_endpoint_buffer (.A({DIA, DIB, DIC, DID, DIE, DIF, DIG, DIH, ADDRH, WE}), .Y(write_side));
  \$dff #(.WIDTH(22), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign DOA = ^{ADDRA, contents};
  assign DOB = ^{ADDRB, contents};
  assign DOC = ^{ADDRC, contents};
  assign DOD = ^{ADDRD, contents};
  assign DOE = ^{ADDRE, contents};
  assign DOF = ^{ADDRF, contents};
  assign DOG = ^{ADDRG, contents};
  assign DOH = {2{^{ADDRH, contents}}};
endmodule

module RAM64X8SW (output [7:0] O, input [5:0] A, input D, WCLK, WE, input [2:0] WSEL);
  parameter [63:0] INIT_A = 64'h0, INIT_B = 64'h0, INIT_C = 64'h0, INIT_D = 64'h0;
  parameter [63:0] INIT_E = 64'h0, INIT_F = 64'h0, INIT_G = 64'h0, INIT_H = 64'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [4:0] contents;
  wire [4:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(5), .Y_WIDTH(5)) ltp_endpoint_buffer (.A({D, WSEL, WE}), .Y(write_side));
  \$dff #(.WIDTH(5), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign O = {8{^{A, contents}}};
endmodule

module RAM64X1D (output DPO, SPO, input D, WCLK, WE, input A0, A1, A2, A3, A4, A5,
                 input DPRA0, DPRA1, DPRA2, DPRA3, DPRA4, DPRA5);
  parameter [63:0] INIT = 64'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [7:0] contents;
  wire [7:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(8), .Y_WIDTH(8)) ltp_endpoint_buffer (.A({D, WE, A5, A4, A3, A2, A1, A0}), .Y(write_side));
  \$dff #(.WIDTH(8), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign SPO = ^{A5, A4, A3, A2, A1, A0, contents};
  assign DPO = ^{DPRA5, DPRA4, DPRA3, DPRA2, DPRA1, DPRA0, contents};
endmodule

module RAM128X1D (output DPO, SPO, input D, WCLK, WE, input [6:0] A, DPRA);
  parameter [127:0] INIT = 128'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [8:0] contents;
  wire [8:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(9), .Y_WIDTH(9)) ltp_endpoint_buffer (.A({D, WE, A}), .Y(write_side));
  \$dff #(.WIDTH(9), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign SPO = ^{A, contents};
  assign DPO = ^{DPRA, contents};
endmodule

module RAM256X1D (output DPO, SPO, input D, WCLK, WE, input [7:0] A, DPRA);
  parameter [255:0] INIT = 256'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [9:0] contents;
  wire [9:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(10), .Y_WIDTH(10)) ltp_endpoint_buffer (.A({D, WE, A}), .Y(write_side));
  \$dff #(.WIDTH(10), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign SPO = ^{A, contents};
  assign DPO = ^{DPRA, contents};
endmodule

module RAM64X1S (output O, input A0, A1, A2, A3, A4, A5, D, WCLK, WE);
  parameter [63:0] INIT = 64'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [1:0] contents;
  wire [1:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(2), .Y_WIDTH(2)) ltp_endpoint_buffer (.A({D, WE}), .Y(write_side));
  \$dff #(.WIDTH(2), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign O = ^{A5, A4, A3, A2, A1, A0, contents};
endmodule

module RAM128X1S (output O, input A0, A1, A2, A3, A4, A5, A6, D, WCLK, WE);
  parameter [127:0] INIT = 128'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [1:0] contents;
  wire [1:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(2), .Y_WIDTH(2)) ltp_endpoint_buffer (.A({D, WE}), .Y(write_side));
  \$dff #(.WIDTH(2), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign O = ^{A6, A5, A4, A3, A2, A1, A0, contents};
endmodule

module RAM256X1S (output O, input [7:0] A, input D, WCLK, WE);
  parameter [255:0] INIT = 256'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [1:0] contents;
  wire [1:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(2), .Y_WIDTH(2)) ltp_endpoint_buffer (.A({D, WE}), .Y(write_side));
  \$dff #(.WIDTH(2), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign O = ^{A, contents};
endmodule

module RAM512X1S (output O, input [8:0] A, input D, WCLK, WE);
  parameter [511:0] INIT = 512'h0;
  parameter [0:0] IS_WCLK_INVERTED = 1'b0;
  wire [1:0] contents;
  wire [1:0] write_side;
  \$pos #(.A_SIGNED(0), .A_WIDTH(2), .Y_WIDTH(2)) ltp_endpoint_buffer (.A({D, WE}), .Y(write_side));
  \$dff #(.WIDTH(2), .CLK_POLARITY(1'b1)) _TECHMAP_REPLACE_ (.CLK(WCLK), .D(write_side), .Q(contents));
  assign O = ^{A, contents};
endmodule
