// Test DUT for the Verilator harness: copies LENGTH beats from SRC to DST over AXI4.
// Registers (AXI4-Lite): 0x00 control (write bit0 = start), 0x04 status (bit0 done, bit1 busy,
// bit2 error response seen), 0x08/0x0C source address lo/hi, 0x10/0x14 destination lo/hi,
// 0x18 length in beats, 0x20 cycles from start to done.
// Bursts of up to 16 beats never cross 4 KiB; at most two read bursts are in flight.
module DmaCopy #(
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
    localparam BEAT_SHIFT = $clog2(DATA_WIDTH / 8);
    localparam MAX_BURST = 16;
    localparam FIFO_DEPTH = 2 * MAX_BURST;

    function [31:0] burst_beats(input [31:0] remaining, input [11:0] offset);
        reg [31:0] to_boundary;
        begin
            to_boundary = {19'd0, 13'd4096 - {1'b0, offset}} >> BEAT_SHIFT;
            burst_beats = remaining < MAX_BURST ? remaining : MAX_BURST;
            if (to_boundary < burst_beats) burst_beats = to_boundary;
        end
    endfunction

    reg [63:0] src_reg;
    reg [63:0] dst_reg;
    reg [31:0] length_reg;
    reg [31:0] cycle_counter;
    reg        done;
    reg        busy;
    reg        error_seen;

    // AXI4-Lite slave
    reg        lite_bvalid;
    reg        lite_rvalid;
    reg [31:0] lite_rdata;
    wire lite_write = s_axil_awvalid && s_axil_wvalid && !lite_bvalid;
    wire lite_read = s_axil_arvalid && !lite_rvalid;
    wire start = lite_write && s_axil_awaddr == 12'h000 && s_axil_wdata[0];

    assign s_axil_awready = lite_write;
    assign s_axil_wready = lite_write;
    assign s_axil_bvalid = lite_bvalid;
    assign s_axil_bresp = 2'b00;
    assign s_axil_arready = !lite_rvalid;
    assign s_axil_rvalid = lite_rvalid;
    assign s_axil_rdata = lite_rdata;
    assign s_axil_rresp = 2'b00;

    always @(posedge clk) begin
        if (reset) begin
            lite_bvalid <= 1'b0;
            src_reg <= 64'd0;
            dst_reg <= 64'd0;
            length_reg <= 32'd0;
        end else begin
            if (lite_write) begin
                lite_bvalid <= 1'b1;
                case (s_axil_awaddr)
                    12'h008: src_reg[31:0] <= s_axil_wdata;
                    12'h00C: src_reg[63:32] <= s_axil_wdata;
                    12'h010: dst_reg[31:0] <= s_axil_wdata;
                    12'h014: dst_reg[63:32] <= s_axil_wdata;
                    12'h018: length_reg <= s_axil_wdata;
                    default: ;
                endcase
            end else if (s_axil_bready) begin
                lite_bvalid <= 1'b0;
            end
        end
    end

    always @(posedge clk) begin
        if (reset) begin
            lite_rvalid <= 1'b0;
            lite_rdata <= 32'd0;
        end else if (lite_read) begin
            lite_rvalid <= 1'b1;
            case (s_axil_araddr)
                12'h004: lite_rdata <= {29'd0, error_seen, busy, done};
                12'h008: lite_rdata <= src_reg[31:0];
                12'h00C: lite_rdata <= src_reg[63:32];
                12'h010: lite_rdata <= dst_reg[31:0];
                12'h014: lite_rdata <= dst_reg[63:32];
                12'h018: lite_rdata <= length_reg;
                12'h020: lite_rdata <= cycle_counter;
                default: lite_rdata <= 32'd0;
            endcase
        end else if (s_axil_rready) begin
            lite_rvalid <= 1'b0;
        end
    end

    // Copy engine: reads fill a FIFO whose space is reserved when a read burst is issued.
    reg [DATA_WIDTH-1:0] fifo [0:FIFO_DEPTH-1];
    reg [4:0]  fifo_write_ptr;
    reg [4:0]  fifo_read_ptr;
    reg [5:0]  fifo_count;
    reg [5:0]  beats_in_flight;
    reg [1:0]  reads_in_flight;
    reg [31:0] reads_to_issue;
    reg [31:0] writes_to_issue;
    reg [ADDR_WIDTH-1:0] read_addr;
    reg [ADDR_WIDTH-1:0] write_addr;
    reg        ar_valid;
    reg [ADDR_WIDTH-1:0] ar_addr;
    reg [7:0]  ar_len;
    reg        aw_valid;
    reg [ADDR_WIDTH-1:0] aw_addr;
    reg [7:0]  aw_len;
    reg        writing;
    reg [7:0]  write_beats_left;
    reg [31:0] responses_pending;

    wire [31:0] next_read_beats = burst_beats(reads_to_issue, read_addr[11:0]);
    wire [31:0] next_write_beats = burst_beats(writes_to_issue, write_addr[11:0]);
    wire issue_read = busy && !ar_valid && reads_to_issue != 32'd0 && reads_in_flight < 2'd2
        && {26'd0, fifo_count} + {26'd0, beats_in_flight} + next_read_beats <= FIFO_DEPTH;
    wire issue_write = busy && !aw_valid && !writing && writes_to_issue != 32'd0;
    wire r_fire = m_axi_rvalid && m_axi_rready;
    wire w_fire = m_axi_wvalid && m_axi_wready;
    wire b_fire = m_axi_bvalid && m_axi_bready;
    wire all_done = busy && writes_to_issue == 32'd0 && !aw_valid && !writing
        && responses_pending == 32'd0;
    wire [11:0] read_step = {7'd0, next_read_beats[4:0]} << BEAT_SHIFT;
    wire [11:0] write_step = {7'd0, next_write_beats[4:0]} << BEAT_SHIFT;

    assign m_axi_arvalid = ar_valid;
    assign m_axi_araddr = ar_addr;
    assign m_axi_arid = 4'd0;
    assign m_axi_arlen = ar_len;
    assign m_axi_arsize = BEAT_SHIFT[2:0];
    assign m_axi_arburst = 2'b01;
    assign m_axi_rready = 1'b1;
    assign m_axi_awvalid = aw_valid;
    assign m_axi_awaddr = aw_addr;
    assign m_axi_awid = 4'd0;
    assign m_axi_awlen = aw_len;
    assign m_axi_awsize = BEAT_SHIFT[2:0];
    assign m_axi_awburst = 2'b01;
    assign m_axi_wvalid = writing && fifo_count != 6'd0;
    assign m_axi_wdata = fifo[fifo_read_ptr];
    assign m_axi_wstrb = {(DATA_WIDTH/8){1'b1}};
    assign m_axi_wlast = write_beats_left == 8'd1;
    assign m_axi_bready = 1'b1;
    assign interrupt = done;

    always @(posedge clk) begin
        if (r_fire) fifo[fifo_write_ptr] <= m_axi_rdata;
    end

    always @(posedge clk) begin
        if (reset) begin
            busy <= 1'b0;
            done <= 1'b0;
            error_seen <= 1'b0;
            cycle_counter <= 32'd0;
            fifo_write_ptr <= 5'd0;
            fifo_read_ptr <= 5'd0;
            fifo_count <= 6'd0;
            beats_in_flight <= 6'd0;
            reads_in_flight <= 2'd0;
            reads_to_issue <= 32'd0;
            writes_to_issue <= 32'd0;
            read_addr <= {ADDR_WIDTH{1'b0}};
            write_addr <= {ADDR_WIDTH{1'b0}};
            ar_valid <= 1'b0;
            ar_addr <= {ADDR_WIDTH{1'b0}};
            ar_len <= 8'd0;
            aw_valid <= 1'b0;
            aw_addr <= {ADDR_WIDTH{1'b0}};
            aw_len <= 8'd0;
            writing <= 1'b0;
            write_beats_left <= 8'd0;
            responses_pending <= 32'd0;
        end else if (start) begin
            busy <= 1'b1;
            done <= 1'b0;
            error_seen <= 1'b0;
            cycle_counter <= 32'd0;
            reads_to_issue <= length_reg;
            writes_to_issue <= length_reg;
            read_addr <= src_reg[ADDR_WIDTH-1:0];
            write_addr <= dst_reg[ADDR_WIDTH-1:0];
        end else begin
            if (busy) cycle_counter <= cycle_counter + 32'd1;

            if (issue_read) begin
                ar_valid <= 1'b1;
                ar_addr <= read_addr;
                ar_len <= next_read_beats[7:0] - 8'd1;
                read_addr <= read_addr + {{(ADDR_WIDTH-12){1'b0}}, read_step};
                reads_to_issue <= reads_to_issue - next_read_beats;
            end else if (m_axi_arready) begin
                ar_valid <= 1'b0;
            end
            reads_in_flight <= reads_in_flight + {1'b0, issue_read} - {1'b0, r_fire && m_axi_rlast};
            beats_in_flight <= beats_in_flight + (issue_read ? next_read_beats[5:0] : 6'd0)
                - {5'd0, r_fire};

            if (r_fire) fifo_write_ptr <= fifo_write_ptr + 5'd1;
            if (w_fire) fifo_read_ptr <= fifo_read_ptr + 5'd1;
            fifo_count <= fifo_count + {5'd0, r_fire} - {5'd0, w_fire};

            if (issue_write) begin
                aw_valid <= 1'b1;
                aw_addr <= write_addr;
                aw_len <= next_write_beats[7:0] - 8'd1;
                write_addr <= write_addr + {{(ADDR_WIDTH-12){1'b0}}, write_step};
                writes_to_issue <= writes_to_issue - next_write_beats;
                writing <= 1'b1;
                write_beats_left <= next_write_beats[7:0];
            end else begin
                if (m_axi_awready) aw_valid <= 1'b0;
                if (w_fire) begin
                    write_beats_left <= write_beats_left - 8'd1;
                    if (m_axi_wlast) writing <= 1'b0;
                end
            end
            responses_pending <= responses_pending + {31'd0, issue_write} - {31'd0, b_fire};

            if ((r_fire && m_axi_rresp != 2'b00) || (b_fire && m_axi_bresp != 2'b00))
                error_seen <= 1'b1;
            if (all_done) begin
                busy <= 1'b0;
                done <= 1'b1;
            end
        end
    end

    wire unused_ok = &{1'b0, m_axi_rid, m_axi_bid, s_axil_wstrb, src_reg, dst_reg,
        next_read_beats, next_write_beats, s_axil_wdata[31:1]};
endmodule
