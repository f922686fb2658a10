"""Storage: the database engine, the tables, and query functions. No HTTP, no ActivityStreams."""
