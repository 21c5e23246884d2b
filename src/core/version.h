// The product's version, as `smartcar --version` prints it and members publish it.
#pragma once

namespace smartcar {

inline constexpr const char kSmartcarVersion[] = "0.1.0";

}  // namespace smartcar
