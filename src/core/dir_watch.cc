// DirWatch (see dir_watch.h): inotify for the folders, an eventfd for Wake().
#include "core/dir_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace smartcar {
namespace {

constexpr uint32_t kEntryMask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF;

}  // namespace

DirWatch::DirWatch(Events events)
    : mask_(events == kEveryWrite ? kEntryMask | IN_MODIFY : kEntryMask),
      inotify_fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

DirWatch::~DirWatch() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

bool DirWatch::Add(const std::string& dir) {
  return available() && ::inotify_add_watch(inotify_fd_, dir.c_str(), mask_) >= 0;
}

bool DirWatch::Wait(int ms) {
  if (!available()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return false;
  }
  pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  if (::poll(fds, 2, ms) <= 0) return false;
  alignas(inotify_event) char buf[4096];
  while (::read(inotify_fd_, buf, sizeof(buf)) > 0) {
  }
  eventfd_t n = 0;
  (void)::eventfd_read(wake_fd_, &n);
  return true;
}

void DirWatch::Wake() {
  if (wake_fd_ >= 0) (void)!::eventfd_write(wake_fd_, 1);
}

}  // namespace smartcar
