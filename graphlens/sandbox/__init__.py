"""`graphlens.sandbox`, as Theano's: only `rng_mrg` lives here."""
