-- a statement neither database takes
CREATE TABLE IF NOT EXISTS second_table (id INT PRIMARY KEY);

CREATE TABLOID nonsense (id INT);
