// Clang thread-safety annotations (no-ops on other compilers), as in LevelDB's
// port/thread_annotations.h. They document which mutex guards which member.
#pragma once

#if defined(__clang__)
#define SMARTCAR_TS_ATTR(x) __attribute__((x))
#else
#define SMARTCAR_TS_ATTR(x)
#endif

#define GUARDED_BY(x) SMARTCAR_TS_ATTR(guarded_by(x))
#define REQUIRES(...) SMARTCAR_TS_ATTR(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) SMARTCAR_TS_ATTR(locks_excluded(__VA_ARGS__))
