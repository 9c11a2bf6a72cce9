# PCIe constraints for the Alpha Data ADM-PCIE-KU3 and esegen's KU3Top with host bridge xdma
# (rtl/KU3Top.v). Hand-kept; read together with adm-pcie-ku3.xdc, whose header says where the
# facts come from (SLAC axi-pcie-core's KU3 pinout) and what the user must check.
#
# The XDMA IP places its GT channels from its PCIe block location and GT quad: build.tcl sets
# CONFIG.pcie_blk_locn X0Y0 and CONFIG.select_quad GTH_Quad_225, as both public KU3 designs do; the
# lanes below are that quad's.

# 100 MHz PCIe reference clock from the slot (REFCLK1 on the KU3).
set_property PACKAGE_PIN AB6 [get_ports pcie_refclk_p]
set_property PACKAGE_PIN AB5 [get_ports pcie_refclk_n]
create_clock -name pcie_refclk -period 10.000 [get_ports pcie_refclk_p]

# Lanes 0..7 (GTH transceivers; no IOSTANDARD).
set_property PACKAGE_PIN AC4 [get_ports {pcie_tx_p[0]}]
set_property PACKAGE_PIN AC3 [get_ports {pcie_tx_n[0]}]
set_property PACKAGE_PIN AB2 [get_ports {pcie_rx_p[0]}]
set_property PACKAGE_PIN AB1 [get_ports {pcie_rx_n[0]}]
set_property PACKAGE_PIN AE4 [get_ports {pcie_tx_p[1]}]
set_property PACKAGE_PIN AE3 [get_ports {pcie_tx_n[1]}]
set_property PACKAGE_PIN AD2 [get_ports {pcie_rx_p[1]}]
set_property PACKAGE_PIN AD1 [get_ports {pcie_rx_n[1]}]
set_property PACKAGE_PIN AG4 [get_ports {pcie_tx_p[2]}]
set_property PACKAGE_PIN AG3 [get_ports {pcie_tx_n[2]}]
set_property PACKAGE_PIN AF2 [get_ports {pcie_rx_p[2]}]
set_property PACKAGE_PIN AF1 [get_ports {pcie_rx_n[2]}]
set_property PACKAGE_PIN AH6 [get_ports {pcie_tx_p[3]}]
set_property PACKAGE_PIN AH5 [get_ports {pcie_tx_n[3]}]
set_property PACKAGE_PIN AH2 [get_ports {pcie_rx_p[3]}]
set_property PACKAGE_PIN AH1 [get_ports {pcie_rx_n[3]}]
set_property PACKAGE_PIN AK6 [get_ports {pcie_tx_p[4]}]
set_property PACKAGE_PIN AK5 [get_ports {pcie_tx_n[4]}]
set_property PACKAGE_PIN AJ4 [get_ports {pcie_rx_p[4]}]
set_property PACKAGE_PIN AJ3 [get_ports {pcie_rx_n[4]}]
set_property PACKAGE_PIN AL4 [get_ports {pcie_tx_p[5]}]
set_property PACKAGE_PIN AL3 [get_ports {pcie_tx_n[5]}]
set_property PACKAGE_PIN AK2 [get_ports {pcie_rx_p[5]}]
set_property PACKAGE_PIN AK1 [get_ports {pcie_rx_n[5]}]
set_property PACKAGE_PIN AM6 [get_ports {pcie_tx_p[6]}]
set_property PACKAGE_PIN AM5 [get_ports {pcie_tx_n[6]}]
set_property PACKAGE_PIN AM2 [get_ports {pcie_rx_p[6]}]
set_property PACKAGE_PIN AM1 [get_ports {pcie_rx_n[6]}]
set_property PACKAGE_PIN AN4 [get_ports {pcie_tx_p[7]}]
set_property PACKAGE_PIN AN3 [get_ports {pcie_tx_n[7]}]
set_property PACKAGE_PIN AP2 [get_ports {pcie_rx_p[7]}]
set_property PACKAGE_PIN AP1 [get_ports {pcie_rx_n[7]}]
