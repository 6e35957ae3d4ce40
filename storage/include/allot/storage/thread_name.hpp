// Names the calling thread (at most 15 characters, as Linux keeps them), so that
// `top -H`, /proc/PID/task/*/comm and `scripts/bench load` can tell the server's
// threads apart: allot-io, allot-handler, allot-writer, allot-wal.
#pragma once

#include <pthread.h>

namespace allot {

inline void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace allot
