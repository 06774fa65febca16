import sqlite3 = require('sqlite3');

/**
 * The sqlite3 module for TypeORM's `driver` option. TypeORM calls `verbose()` on the driver,
 * which wraps every Database and Statement call to capture a stack trace and `util.inspect`
 * its arguments (the SQL text, the parameters) — CPU on the event loop for every statement.
 * Handing TypeORM a `verbose()` that returns the plain module keeps that off.
 */
export const quietSqlite3: typeof sqlite3 = Object.assign(Object.create(sqlite3) as typeof sqlite3, { verbose: () => sqlite3 });
