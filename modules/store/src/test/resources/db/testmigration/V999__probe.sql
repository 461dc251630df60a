CREATE TABLE probe_v999 (id INT);
