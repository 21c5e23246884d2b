// NameThisThread: the name `top -H`, `ps -L`, perf and gdb show for the calling thread
// ("smartcar" otherwise, for every thread alike). Linux keeps 15 bytes; longer names are cut.
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace smartcar {

inline void NameThisThread(std::string_view name) {
  const std::string n(name.substr(0, 15));
  (void)pthread_setname_np(pthread_self(), n.c_str());
}

}  // namespace smartcar
