// Test DUT that issues one AXI4 burst exactly as programmed, legal or not, to exercise the
// harness's protocol checks. Registers (AXI4-Lite): 0x00 control (write bit0 = read burst,
// bit1 = write burst), 0x04 status (bit0 done), 0x08/0x0C address lo/hi, 0x10 len, 0x14 size,
// 0x18 burst type, 0x1C number of W beats to send (wlast on the last one).
module AxiProbe #(
    parameter DATA_WIDTH = 64,
    parameter ADDR_WIDTH = 32
) (
    input  wire                    clk,
    input  wire                    reset,
    output wire                    interrupt,

    output wire                    m_axi_arvalid,
    input  wire                    m_axi_arready,
    output wire [ADDR_WIDTH-1:0]   m_axi_araddr,
    output wire [3:0]              m_axi_arid,
    output wire [7:0]              m_axi_arlen,
    output wire [2:0]              m_axi_arsize,
    output wire [1:0]              m_axi_arburst,
    input  wire                    m_axi_rvalid,
    output wire                    m_axi_rready,
    input  wire [DATA_WIDTH-1:0]   m_axi_rdata,
    input  wire [3:0]              m_axi_rid,
    input  wire [1:0]              m_axi_rresp,
    input  wire                    m_axi_rlast,
    output wire                    m_axi_awvalid,
    input  wire                    m_axi_awready,
    output wire [ADDR_WIDTH-1:0]   m_axi_awaddr,
    output wire [3:0]              m_axi_awid,
    output wire [7:0]              m_axi_awlen,
    output wire [2:0]              m_axi_awsize,
    output wire [1:0]              m_axi_awburst,
    output wire                    m_axi_wvalid,
    input  wire                    m_axi_wready,
    output wire [DATA_WIDTH-1:0]   m_axi_wdata,
    output wire [DATA_WIDTH/8-1:0] m_axi_wstrb,
    output wire                    m_axi_wlast,
    input  wire                    m_axi_bvalid,
    output wire                    m_axi_bready,
    input  wire [3:0]              m_axi_bid,
    input  wire [1:0]              m_axi_bresp,

    input  wire                    s_axil_awvalid,
    output wire                    s_axil_awready,
    input  wire [11:0]             s_axil_awaddr,
    input  wire                    s_axil_wvalid,
    output wire                    s_axil_wready,
    input  wire [31:0]             s_axil_wdata,
    input  wire [3:0]              s_axil_wstrb,
    output wire                    s_axil_bvalid,
    input  wire                    s_axil_bready,
    output wire [1:0]              s_axil_bresp,
    input  wire                    s_axil_arvalid,
    output wire                    s_axil_arready,
    input  wire [11:0]             s_axil_araddr,
    output wire                    s_axil_rvalid,
    input  wire                    s_axil_rready,
    output wire [31:0]             s_axil_rdata,
    output wire [1:0]              s_axil_rresp
);
    reg [63:0] address_reg;
    reg [7:0]  len_reg;
    reg [2:0]  size_reg;
    reg [1:0]  burst_reg;
    reg [7:0]  write_beats_reg;
    reg        done;

    reg        lite_bvalid;
    reg        lite_rvalid;
    wire lite_write = s_axil_awvalid && s_axil_wvalid && !lite_bvalid;
    wire start_read = lite_write && s_axil_awaddr == 12'h000 && s_axil_wdata[0];
    wire start_write = lite_write && s_axil_awaddr == 12'h000 && s_axil_wdata[1];

    assign s_axil_awready = lite_write;
    assign s_axil_wready = lite_write;
    assign s_axil_bvalid = lite_bvalid;
    assign s_axil_bresp = 2'b00;
    assign s_axil_arready = !lite_rvalid;
    assign s_axil_rvalid = lite_rvalid;
    assign s_axil_rdata = {31'd0, done};
    assign s_axil_rresp = 2'b00;

    reg                  ar_valid;
    reg                  aw_valid;
    reg                  writing;
    reg [7:0]            beats_sent;

    assign m_axi_arvalid = ar_valid;
    assign m_axi_araddr = address_reg[ADDR_WIDTH-1:0];
    assign m_axi_arid = 4'd0;
    assign m_axi_arlen = len_reg;
    assign m_axi_arsize = size_reg;
    assign m_axi_arburst = burst_reg;
    assign m_axi_rready = 1'b1;
    assign m_axi_awvalid = aw_valid;
    assign m_axi_awaddr = address_reg[ADDR_WIDTH-1:0];
    assign m_axi_awid = 4'd0;
    assign m_axi_awlen = len_reg;
    assign m_axi_awsize = size_reg;
    assign m_axi_awburst = burst_reg;
    assign m_axi_wvalid = writing;
    assign m_axi_wdata = {(DATA_WIDTH/8){beats_sent}};
    assign m_axi_wstrb = {(DATA_WIDTH/8){1'b1}};
    assign m_axi_wlast = beats_sent + 8'd1 == write_beats_reg;
    assign m_axi_bready = 1'b1;
    assign interrupt = done;

    always @(posedge clk) begin
        if (reset) begin
            lite_bvalid <= 1'b0;
            lite_rvalid <= 1'b0;
            address_reg <= 64'd0;
            len_reg <= 8'd0;
            size_reg <= 3'd0;
            burst_reg <= 2'd0;
            write_beats_reg <= 8'd0;
            done <= 1'b0;
            ar_valid <= 1'b0;
            aw_valid <= 1'b0;
            writing <= 1'b0;
            beats_sent <= 8'd0;
        end else begin
            if (lite_write) begin
                lite_bvalid <= 1'b1;
                case (s_axil_awaddr)
                    12'h008: address_reg[31:0] <= s_axil_wdata;
                    12'h00C: address_reg[63:32] <= s_axil_wdata;
                    12'h010: len_reg <= s_axil_wdata[7:0];
                    12'h014: size_reg <= s_axil_wdata[2:0];
                    12'h018: burst_reg <= s_axil_wdata[1:0];
                    12'h01C: write_beats_reg <= s_axil_wdata[7:0];
                    default: ;
                endcase
            end else if (s_axil_bready) begin
                lite_bvalid <= 1'b0;
            end
            if (s_axil_arvalid && !lite_rvalid) lite_rvalid <= 1'b1;
            else if (s_axil_rready) lite_rvalid <= 1'b0;

            if (start_read) begin
                ar_valid <= 1'b1;
                done <= 1'b0;
            end else if (m_axi_arready) begin
                ar_valid <= 1'b0;
            end
            if (start_write) begin
                aw_valid <= 1'b1;
                writing <= write_beats_reg != 8'd0;
                beats_sent <= 8'd0;
                done <= 1'b0;
            end else begin
                if (m_axi_awready) aw_valid <= 1'b0;
                if (writing && m_axi_wready) begin
                    beats_sent <= beats_sent + 8'd1;
                    if (m_axi_wlast) writing <= 1'b0;
                end
            end
            if ((m_axi_rvalid && m_axi_rlast) || m_axi_bvalid) done <= 1'b1;
        end
    end

    wire unused_ok = &{1'b0, m_axi_rdata, m_axi_rid, m_axi_rresp, m_axi_bid, m_axi_bresp,
        s_axil_wstrb, s_axil_araddr, address_reg, s_axil_wdata};
endmodule
