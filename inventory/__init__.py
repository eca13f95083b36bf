"""District stores: catalogue items, lots and the append-only movement ledger."""
