// A SQLite VFS for fault tests: it wraps the default VFS ("unix") and, when switched
// on, makes the writes of the database, its WAL and its rollback journal fail the way
// a full or read-only file system makes them fail. Everything else (opening, reading,
// locking, the WAL index in shared memory) passes through untouched.
//
//   FaultVfs::Scope vfs;                // the default VFS from now on (before the store opens)
//   ... open the store, vote ...
//   vfs.set(FaultVfs::Fault::DiskFull); // every write of the db / WAL / journal fails
//   vfs.set(FaultVfs::Fault::None);     // and works again
//
// The faults, as the unix VFS reports the real errno:
//   DiskFull  ENOSPC: xWrite, xTruncate and xSync answer SQLITE_FULL (unixWrite maps
//             ENOSPC to SQLITE_FULL).
//   ReadOnly  EROFS on descriptors opened read-write before the file system turned
//             read-only (e.g. remounted after errors): unixWrite maps any errno but
//             ENOSPC to SQLITE_IOERR_WRITE, a failed ftruncate to SQLITE_IOERR_TRUNCATE
//             and a failed fsync to SQLITE_IOERR_FSYNC; those are what it answers.
// arm(fault, n) lets n more writes through, then switches the fault on (a fault in
// the middle of a transaction: some frames of a commit written, the rest refused).
//
// Only one Scope at a time; it unregisters the VFS when it goes away (connections
// still open keep working through it: the object lives as long as the process).
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>

namespace allot::testing {

class FaultVfs {
 public:
  enum class Fault { None, DiskFull, ReadOnly };

  static FaultVfs& instance() {
    static FaultVfs v;
    return v;
  }

  // The fault from now on (disarms any countdown).
  void set(Fault f) {
    countdown_ = -1;
    fault_ = f;
  }
  // Lets `writes` more xWrite calls of the watched files through, then turns `f` on.
  void arm(Fault f, std::int64_t writes) {
    armed_ = f;
    countdown_ = writes;
    fault_ = Fault::None;
  }
  Fault fault() const { return fault_; }
  // Calls refused since the VFS was installed (writes, truncates and syncs).
  std::uint64_t refused() const { return refused_; }

  // Registers the VFS as the default while it lives.
  class Scope {
   public:
    Scope() { instance().install(); }
    ~Scope() { instance().uninstall(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    void set(Fault f) { instance().set(f); }
    void arm(Fault f, std::int64_t writes) { instance().arm(f, writes); }
    std::uint64_t refused() const { return instance().refused(); }
  };

 private:
  struct File {
    sqlite3_file base;  // first: SQLite sees this
    sqlite3_file* real;
    bool watched;  // the database, its WAL or its rollback journal
  };

  FaultVfs() = default;

  void install() {
    if (real_ == nullptr) {
      real_ = sqlite3_vfs_find(nullptr);
      if (real_ == nullptr) throw std::runtime_error("fault VFS: SQLite has no default VFS");
      vfs_ = sqlite3_vfs{};
      vfs_.iVersion = real_->iVersion < 3 ? real_->iVersion : 3;
      vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
      vfs_.mxPathname = real_->mxPathname;
      vfs_.zName = "allot-fault";
      vfs_.pAppData = this;
      vfs_.xOpen = &x_open;
      vfs_.xDelete = [](sqlite3_vfs*, const char* n, int s) { return real()->xDelete(real(), n, s); };
      vfs_.xAccess = [](sqlite3_vfs*, const char* n, int f, int* o) { return real()->xAccess(real(), n, f, o); };
      vfs_.xFullPathname = [](sqlite3_vfs*, const char* n, int k, char* o) {
        return real()->xFullPathname(real(), n, k, o);
      };
      vfs_.xDlOpen = [](sqlite3_vfs*, const char* n) { return real()->xDlOpen(real(), n); };
      vfs_.xDlError = [](sqlite3_vfs*, int n, char* o) { real()->xDlError(real(), n, o); };
      vfs_.xDlSym = [](sqlite3_vfs*, void* h, const char* s) { return real()->xDlSym(real(), h, s); };
      vfs_.xDlClose = [](sqlite3_vfs*, void* h) { real()->xDlClose(real(), h); };
      vfs_.xRandomness = [](sqlite3_vfs*, int n, char* o) { return real()->xRandomness(real(), n, o); };
      vfs_.xSleep = [](sqlite3_vfs*, int us) { return real()->xSleep(real(), us); };
      vfs_.xCurrentTime = [](sqlite3_vfs*, double* t) { return real()->xCurrentTime(real(), t); };
      vfs_.xGetLastError = [](sqlite3_vfs*, int n, char* o) { return real()->xGetLastError(real(), n, o); };
      if (vfs_.iVersion >= 2)
        vfs_.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* t) { return real()->xCurrentTimeInt64(real(), t); };
      if (vfs_.iVersion >= 3) {
        vfs_.xSetSystemCall = [](sqlite3_vfs*, const char* n, sqlite3_syscall_ptr p) {
          return real()->xSetSystemCall(real(), n, p);
        };
        vfs_.xGetSystemCall = [](sqlite3_vfs*, const char* n) { return real()->xGetSystemCall(real(), n); };
        vfs_.xNextSystemCall = [](sqlite3_vfs*, const char* n) { return real()->xNextSystemCall(real(), n); };
      }
    }
    set(Fault::None);
    refused_ = 0;
    if (sqlite3_vfs_register(&vfs_, 1) != SQLITE_OK) throw std::runtime_error("fault VFS: cannot register");
  }

  void uninstall() {
    set(Fault::None);
    sqlite3_vfs_unregister(&vfs_);
  }

  static sqlite3_vfs* real() { return instance().real_; }
  static sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  // The error this call gets now, or SQLITE_OK to let it through. `write`: an xWrite
  // (the calls the countdown counts).
  static int refusal(sqlite3_file* f, int full, int read_only, bool write) {
    auto& v = instance();
    if (!reinterpret_cast<File*>(f)->watched) return SQLITE_OK;
    if (write && v.countdown_ >= 0 && v.countdown_.fetch_sub(1) == 0) v.fault_ = v.armed_.load();
    switch (v.fault_.load()) {
      case Fault::DiskFull:
        ++v.refused_;
        return full;
      case Fault::ReadOnly:
        ++v.refused_;
        return read_only;
      default:
        return SQLITE_OK;
    }
  }

  static int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* f = reinterpret_cast<File*>(file);
    f->base.pMethods = nullptr;
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    f->watched = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
    const int rc = real()->xOpen(real(), name, f->real, flags, out_flags);
    if (f->real->pMethods != nullptr) f->base.pMethods = &methods();
    return rc;
  }

  static const sqlite3_io_methods& methods() {
    static const sqlite3_io_methods m = [] {
      sqlite3_io_methods x{};
      x.iVersion = 3;
      x.xClose = [](sqlite3_file* f) {
        sqlite3_file* r = real_of(f);
        return r->pMethods != nullptr ? r->pMethods->xClose(r) : SQLITE_OK;
      };
      x.xRead = [](sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
        return real_of(f)->pMethods->xRead(real_of(f), b, n, o);
      };
      x.xWrite = [](sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
        if (const int rc = refusal(f, SQLITE_FULL, SQLITE_IOERR_WRITE, true)) return rc;
        return real_of(f)->pMethods->xWrite(real_of(f), b, n, o);
      };
      x.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
        if (const int rc = refusal(f, SQLITE_FULL, SQLITE_IOERR_TRUNCATE, false)) return rc;
        return real_of(f)->pMethods->xTruncate(real_of(f), size);
      };
      x.xSync = [](sqlite3_file* f, int flags) {
        if (const int rc = refusal(f, SQLITE_FULL, SQLITE_IOERR_FSYNC, false)) return rc;
        return real_of(f)->pMethods->xSync(real_of(f), flags);
      };
      x.xFileSize = [](sqlite3_file* f, sqlite3_int64* s) { return real_of(f)->pMethods->xFileSize(real_of(f), s); };
      x.xLock = [](sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); };
      x.xUnlock = [](sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); };
      x.xCheckReservedLock = [](sqlite3_file* f, int* o) {
        return real_of(f)->pMethods->xCheckReservedLock(real_of(f), o);
      };
      x.xFileControl = [](sqlite3_file* f, int op, void* a) {
        return real_of(f)->pMethods->xFileControl(real_of(f), op, a);
      };
      x.xSectorSize = [](sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); };
      x.xDeviceCharacteristics = [](sqlite3_file* f) {
        return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
      };
      x.xShmMap = [](sqlite3_file* f, int i, int sz, int ext, void volatile** p) {
        return real_of(f)->pMethods->xShmMap(real_of(f), i, sz, ext, p);
      };
      x.xShmLock = [](sqlite3_file* f, int o, int n, int fl) {
        return real_of(f)->pMethods->xShmLock(real_of(f), o, n, fl);
      };
      x.xShmBarrier = [](sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); };
      x.xShmUnmap = [](sqlite3_file* f, int d) { return real_of(f)->pMethods->xShmUnmap(real_of(f), d); };
      x.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** p) {
        return real_of(f)->pMethods->xFetch(real_of(f), o, n, p);
      };
      x.xUnfetch = [](sqlite3_file* f, sqlite3_int64 o, void* p) {
        return real_of(f)->pMethods->xUnfetch(real_of(f), o, p);
      };
      return x;
    }();
    return m;
  }

  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  std::atomic<Fault> fault_{Fault::None};
  std::atomic<Fault> armed_{Fault::None};
  std::atomic<std::int64_t> countdown_{-1};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace allot::testing
