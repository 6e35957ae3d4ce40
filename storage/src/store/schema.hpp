// The database schema: forward-only, numbered migrations. A database records the
// last migration applied in PRAGMA user_version; opening the store applies the
// missing ones in order, each in its own transaction. A migration is never edited
// once released: a change is a new migration.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <vector>

namespace allot::store::schema {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& migrations();
int latest_version();
int version_of(SQLite::Database& db);
// Applies migrations up to `target` (default: all). Refuses a database newer than
// this program (user_version > latest) with a clear error.
void migrate(SQLite::Database& db, int target = -1);

}  // namespace allot::store::schema
