"""The engines that hold an index's items, writing side: one package each (indexer.engine names them)."""
