-- notice-insert: journals one event for listeners in other processes.
--
-- Parameters: :processId  the publisher; :queue  the event's queue; :body  the notice as JSON;
--   :now  wall clock (ms)
-- Returns: nothing.
-- Guarantees: the new row's id (the rowid) is larger than every earlier notice's, so readers that
--   read past the last id they saw miss nothing.
INSERT INTO notices (process_id, queue, body, at) VALUES (:processId, :queue, :body, :now)
