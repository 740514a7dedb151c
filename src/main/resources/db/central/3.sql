-- rooms recorded twice (replicas: 2)
-- A row here makes a room replicated: node_id is its second node (null while none is placed), at the room's epoch
-- then. Both placements count on the room's one epoch (cluster_room.epoch), so that every node sees the epochs of a
-- room grow whichever placement it held.
CREATE TABLE IF NOT EXISTS cluster_replica (
  room_id BIGINT PRIMARY KEY,
  node_id VARCHAR(64),
  epoch BIGINT DEFAULT 0 NOT NULL,
  placed_at BIGINT,
  unplaced_reason VARCHAR(1000));

CREATE INDEX IF NOT EXISTS cluster_replica_node ON cluster_replica (node_id);

-- each node's sessions of a replicated room (its recorder's own SessionId) and the upload role the central gave it:
-- null while it records, then primary (it uploads), standby (the other node uploads) or uploaded (the other node has).
-- Times are the node's, in epoch milliseconds; delivered: the node answered the role's uploadrole command.
CREATE TABLE IF NOT EXISTS cluster_session (
  node_id VARCHAR(64) NOT NULL,
  session_id VARCHAR(128) NOT NULL,
  room_id BIGINT NOT NULL,
  started BIGINT,
  ended BIGINT,
  role VARCHAR(16),
  primary_node VARCHAR(64),
  reason VARCHAR(200),
  decided BIGINT,
  delivered BOOLEAN DEFAULT FALSE NOT NULL,
  uploaded BOOLEAN DEFAULT FALSE NOT NULL,
  PRIMARY KEY (node_id, session_id));

CREATE INDEX IF NOT EXISTS cluster_session_room ON cluster_session (room_id);
