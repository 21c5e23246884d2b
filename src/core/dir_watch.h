// DirWatch: waits until something changes in a set of folders (an entry created, renamed,
// deleted or closed after writing, the folder itself going, and with kEveryWrite each write), as
// `tail -F` and ZooKeeper-style watches need.
// Linux inotify plus an eventfd that Wake() writes. Where either is missing, available() is
// false and Wait() only sleeps: the caller then finds changes by looking (polling).
//
//   DirWatch w(DirWatch::kEveryWrite);
//   w.Add("/var/log/car");              // Again after a change: the folder may be new.
//   if (w.Wait(1000)) Rescan();         // A change, or Wake() from another thread.
#pragma once

#include <cstdint>
#include <string>

namespace smartcar {

class DirWatch {
 public:
  enum Events {
    kEntries,     // Entries created, deleted, renamed, closed after writing; the folder going.
    kEveryWrite,  // And every write to an entry (a line appended to a log file).
  };
  explicit DirWatch(Events events = kEntries);
  ~DirWatch();
  DirWatch(const DirWatch&) = delete;
  DirWatch& operator=(const DirWatch&) = delete;

  bool available() const { return inotify_fd_ >= 0 && wake_fd_ >= 0; }

  // Watches folder `dir` (adding a folder twice watches it once). False when it cannot be
  // watched: it does not exist (yet), or inotify is not available.
  bool Add(const std::string& dir);

  // Waits until a watched folder changes, Wake() is called, or `ms` milliseconds pass; true
  // unless the time ran out. The changes seen are consumed: the next Wait waits for new ones.
  // Without inotify: sleeps `ms` and returns false.
  bool Wait(int ms);

  // Makes the current or next Wait return true at once. Safe from any thread.
  void Wake();

 private:
  const uint32_t mask_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;
};

}  // namespace smartcar
