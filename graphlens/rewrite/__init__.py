"""Graph rewrites: the rewrite language (`pattern.py`), the database and driver (`db.py`), and
the rules by theme. `function()` runs them on a clone of the user's graph, through its Mode."""
