-- the central server's tables as they were before migrations
-- Each statement is IF NOT EXISTS, so a database made by an older nglive takes this version as it is.

-- the outbox, as the node's journal has it (io.nglive.journal.Database), so that EventLog, Cursors and
-- OutboxRetention run on it unchanged: the central's own ordered event stream
CREATE SEQUENCE IF NOT EXISTS event_seq AS BIGINT START WITH 1;

CREATE TABLE IF NOT EXISTS event (
  seq BIGINT PRIMARY KEY,
  type VARCHAR(64) NOT NULL,
  time VARCHAR(40) NOT NULL,
  source_id VARCHAR(128),
  body VARCHAR(2000000) NOT NULL,
  CONSTRAINT event_source_unique UNIQUE (source_id));

CREATE TABLE IF NOT EXISTS event_transient (id INT PRIMARY KEY, seq BIGINT NOT NULL);

INSERT INTO event_transient (id, seq) SELECT 1, 0 FROM (VALUES (0)) AS one (x)
  WHERE NOT EXISTS (SELECT id FROM event_transient WHERE id = 1);

CREATE TABLE IF NOT EXISTS installation (name VARCHAR(64) PRIMARY KEY, value VARCHAR(200) NOT NULL);

CREATE TABLE IF NOT EXISTS consumer (name VARCHAR(1000) PRIMARY KEY, acked BIGINT NOT NULL);

-- every node that ever said hello; times are epoch milliseconds. last_acked is the highest node seq stored
CREATE TABLE IF NOT EXISTS cluster_node (
  node_id VARCHAR(64) PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  capacity INT DEFAULT 0 NOT NULL,
  labels VARCHAR(4000) DEFAULT '' NOT NULL,
  version VARCHAR(64),
  connected BOOLEAN DEFAULT FALSE NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  last_acked BIGINT DEFAULT 0 NOT NULL,
  heartbeat VARCHAR(1000000),
  free_disk BIGINT,
  load DOUBLE PRECISION);

-- the cluster's rooms (desired state) and where each is placed. epoch grows with every change of placement,
-- so a decision taken on an older placement fails; removed = TRUE is a removal the node has not applied yet
CREATE TABLE IF NOT EXISTS cluster_room (
  room_id BIGINT PRIMARY KEY,
  auto_record BOOLEAN NOT NULL,
  labels VARCHAR(4000) DEFAULT '' NOT NULL,
  node_id VARCHAR(64),
  epoch BIGINT DEFAULT 0 NOT NULL,
  placed_at BIGINT,
  unplaced_reason VARCHAR(1000),
  view VARCHAR(1000000),
  added BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  removed BOOLEAN DEFAULT FALSE NOT NULL);

CREATE INDEX IF NOT EXISTS cluster_room_node ON cluster_room (node_id);

-- rooms a node gives up when its current session ends: they were placed elsewhere while it was lost
CREATE TABLE IF NOT EXISTS cluster_release (
  room_id BIGINT NOT NULL,
  node_id VARCHAR(64) NOT NULL,
  epoch BIGINT NOT NULL,
  PRIMARY KEY (room_id, node_id));

-- the jobs of every node, as their events last reported them
CREATE TABLE IF NOT EXISTS cluster_job (
  node_id VARCHAR(64) NOT NULL,
  job_id BIGINT NOT NULL,
  room_id BIGINT,
  status VARCHAR(16) NOT NULL,
  file VARCHAR(4000),
  updated BIGINT NOT NULL,
  body VARCHAR(1000000) NOT NULL,
  PRIMARY KEY (node_id, job_id));

CREATE INDEX IF NOT EXISTS cluster_job_status ON cluster_job (status);

CREATE INDEX IF NOT EXISTS cluster_job_updated ON cluster_job (updated);
