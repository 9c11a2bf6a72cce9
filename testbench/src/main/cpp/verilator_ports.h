#pragma once

// Moves bytes between memory and Verilator port values of any width: CData, SData, IData,
// QData for up to 64 bits, VlWide<N> beyond. Byte 0 is bits [7:0].

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "verilated.h"

constexpr std::size_t verilatedPortBytes(unsigned bits) {
    return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : bits <= 64 ? 8 : 4 * ((bits + 31) / 32);
}

template <typename T>
std::enable_if_t<std::is_integral_v<T>> storeBytes(T& port, const uint8_t* bytes, std::size_t count) {
    T value = 0;
    for (std::size_t i = 0; i < count; ++i) value |= static_cast<T>(static_cast<T>(bytes[i]) << (8 * i));
    port = value;
}

template <std::size_t Words>
void storeBytes(VlWide<Words>& port, const uint8_t* bytes, std::size_t count) {
    for (std::size_t word = 0; word < Words; ++word) {
        EData value = 0;
        for (std::size_t i = 0; i < 4 && 4 * word + i < count; ++i) {
            value |= static_cast<EData>(bytes[4 * word + i]) << (8 * i);
        }
        port.at(word) = value;
    }
}

template <typename T>
std::enable_if_t<std::is_integral_v<T>, uint8_t> byteAt(const T& port, std::size_t index) {
    return static_cast<uint8_t>(port >> (8 * index));
}

template <std::size_t Words>
uint8_t byteAt(const VlWide<Words>& port, std::size_t index) {
    return static_cast<uint8_t>(port.at(index / 4) >> (8 * (index % 4)));
}

template <typename T>
std::enable_if_t<std::is_integral_v<T>, bool> bitAt(const T& port, std::size_t index) {
    return (port >> index) & 1;
}

template <std::size_t Words>
bool bitAt(const VlWide<Words>& port, std::size_t index) {
    return (port.at(index / 32) >> (index % 32)) & 1;
}
