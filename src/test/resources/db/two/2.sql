-- a column more
ALTER TABLE first_table ADD COLUMN extra INT DEFAULT 7;
