-- the leader's term
-- The instance that takes the lead adds one to the term and keeps the number; each of its transactions checks that
-- the number is still its own, so that a leader that lost the lead while it was paused cannot write (fencing).
CREATE TABLE IF NOT EXISTS cluster_leader (
  id INT PRIMARY KEY,
  term BIGINT NOT NULL,
  leader VARCHAR(200),
  since BIGINT);

INSERT INTO cluster_leader (id, term) SELECT 1, 0 FROM (VALUES (0)) AS one (x)
  WHERE NOT EXISTS (SELECT id FROM cluster_leader WHERE id = 1);
