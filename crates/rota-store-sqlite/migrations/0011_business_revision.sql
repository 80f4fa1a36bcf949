-- A business row's revision (issue 17): every update raises it, in the
-- same statement, and a request's sign-in check reads it with the session,
-- so a server may reuse its copy of the business of that very revision
-- instead of reading the row again (never older than the request's read).
ALTER TABLE businesses ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
