// query I/O
