-- a table
CREATE TABLE IF NOT EXISTS first_table (id INT PRIMARY KEY);
