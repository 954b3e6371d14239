// SQLite, the system library (libsqlite3-dev): only the History target imports it.
#ifndef CSQLITE_H
#define CSQLITE_H
#include <sqlite3.h>
#endif
