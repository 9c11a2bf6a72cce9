// Test design for YosysEstimateTest: a memory Yosys maps to LUT RAM, read asynchronously by a
// counter and accumulated into a register, so the deepest path runs register -> LUT RAM read ->
// adder -> register; the write side (data, address, enable) is registered inside the LUT RAM.
module LutRamPath (
    input  wire       clk,
    input  wire       we,
    input  wire [4:0] waddr,
    input  wire [7:0] wdata,
    output reg  [7:0] q
);
    reg [7:0] mem [0:31];
    reg [4:0] raddr = 5'd0;

    initial q = 8'd0;

    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
        raddr <= raddr + 5'd1;
        q <= q + mem[raddr];
    end
endmodule
