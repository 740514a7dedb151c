-- a table
CREATE TABLE IF NOT EXISTS first_table (id INT PRIMARY KEY, name VARCHAR(20));

INSERT INTO first_table (id, name) SELECT 1, 'one' FROM (VALUES (0)) AS one (x)
  WHERE NOT EXISTS (SELECT id FROM first_table WHERE id = 1);
