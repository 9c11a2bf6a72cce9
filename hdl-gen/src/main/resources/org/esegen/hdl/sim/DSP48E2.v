// Behavioral model of the subset of Xilinx's DSP48E2 that esegen instantiates (Dsp48e2.java):
// P = Z + A[26:0] x B, A and B registered once (CEA2, CEB2), the product registered (CEM), the
// result registered (CEP); Z = 0, P or C by OPMODE[6:4] (000, 010, 011), X = Y = M, W = 0; C,
// OPMODE, ALUMODE, INMODE and CARRYINSEL unregistered; no carry in, pre-adder, SIMD or pattern
// detector. For Verilator and Icarus only: synthesis and Vivado use the device primitive. Any
// other parameter stops the simulation at time 0, any other OPMODE, ALUMODE, INMODE, carry-in
// select or asserted reset at the clock edge where it is seen.
/* verilator lint_off UNUSED */
/* verilator lint_off DECLFILENAME */
/* verilator lint_off WIDTH */
module DSP48E2 #(
  parameter integer AREG = 1,
  parameter integer ACASCREG = 1,
  parameter integer BREG = 1,
  parameter integer BCASCREG = 1,
  parameter integer CREG = 1,
  parameter integer MREG = 1,
  parameter integer PREG = 1,
  parameter integer ADREG = 1,
  parameter integer DREG = 1,
  parameter integer ALUMODEREG = 1,
  parameter integer CARRYINREG = 1,
  parameter integer CARRYINSELREG = 1,
  parameter integer INMODEREG = 1,
  parameter integer OPMODEREG = 1,
  parameter A_INPUT = "DIRECT",
  parameter B_INPUT = "DIRECT",
  parameter AMULTSEL = "A",
  parameter BMULTSEL = "B",
  parameter PREADDINSEL = "A",
  parameter USE_MULT = "MULTIPLY",
  parameter USE_SIMD = "ONE48",
  parameter USE_PATTERN_DETECT = "NO_PATDET"
) (
  input  wire        CLK,
  input  wire [29:0] A,
  input  wire [29:0] ACIN,
  input  wire [3:0]  ALUMODE,
  input  wire [17:0] B,
  input  wire [17:0] BCIN,
  input  wire [47:0] C,
  input  wire        CARRYCASCIN,
  input  wire        CARRYIN,
  input  wire [2:0]  CARRYINSEL,
  input  wire        CEA1,
  input  wire        CEA2,
  input  wire        CEAD,
  input  wire        CEALUMODE,
  input  wire        CEB1,
  input  wire        CEB2,
  input  wire        CEC,
  input  wire        CECARRYIN,
  input  wire        CECTRL,
  input  wire        CED,
  input  wire        CEINMODE,
  input  wire        CEM,
  input  wire        CEP,
  input  wire [26:0] D,
  input  wire [4:0]  INMODE,
  input  wire        MULTSIGNIN,
  input  wire [8:0]  OPMODE,
  input  wire [47:0] PCIN,
  input  wire        RSTA,
  input  wire        RSTALLCARRYIN,
  input  wire        RSTALUMODE,
  input  wire        RSTB,
  input  wire        RSTC,
  input  wire        RSTCTRL,
  input  wire        RSTD,
  input  wire        RSTINMODE,
  input  wire        RSTM,
  input  wire        RSTP,
  output wire [47:0] P
);
  reg signed [26:0] a_q;
  reg signed [17:0] b_q;
  reg signed [47:0] m_q;
  reg signed [47:0] p_q;
  wire signed [47:0] z = OPMODE[6:4] == 3'b011 ? $signed(C) : OPMODE[6:4] == 3'b010 ? p_q : 48'sd0;

  initial begin
    if (AREG != 1 || ACASCREG != 1 || BREG != 1 || BCASCREG != 1 || CREG != 0 || MREG != 1 || PREG != 1
        || ADREG != 0 || DREG != 0 || ALUMODEREG != 0 || CARRYINREG != 0 || CARRYINSELREG != 0
        || INMODEREG != 0 || OPMODEREG != 0 || A_INPUT != "DIRECT" || B_INPUT != "DIRECT" || AMULTSEL != "A"
        || BMULTSEL != "B" || USE_MULT != "MULTIPLY" || USE_SIMD != "ONE48"
        || USE_PATTERN_DETECT != "NO_PATDET") begin
      $display("DSP48E2 model: a parameter outside the modelled subset (see the file's header)");
      $finish;
    end
  end

  always @(posedge CLK) begin
    if ((OPMODE[8:7] != 2'b00 || OPMODE[3:0] != 4'b0101 || (OPMODE[6:4] != 3'b000 && OPMODE[6:4] != 3'b010
         && OPMODE[6:4] != 3'b011) || ALUMODE != 4'b0000 || INMODE != 5'b00000 || CARRYINSEL != 3'b000
         || CARRYIN || RSTA || RSTB || RSTC || RSTM || RSTP || RSTCTRL || RSTALLCARRYIN || RSTALUMODE
         || RSTINMODE || RSTD) === 1'b1) begin
      $display("DSP48E2 model: OPMODE %b, ALUMODE %b, INMODE %b, CARRYINSEL %b or a reset outside the modelled subset",
               OPMODE, ALUMODE, INMODE, CARRYINSEL);
      $finish;
    end
    if (CEA2) a_q <= $signed(A[26:0]);
    if (CEB2) b_q <= $signed(B);
    if (CEM) m_q <= a_q * b_q;
    if (CEP) p_q <= z + m_q;
  end

  assign P = p_q;
endmodule
