"""The one formula printer, below `rewrite/`, `trace/` and `render/` in the import order.

It reads only `graph/` and `tensor/`'s op classes, so a fused op's label (rewrite/composite.py),
the tracer's messages (trace/naming.py) and every view in render/ print an expression through the
same code. `naming.py` is the one naming rule (user names, `W_2` for a repeated name, `s1` for an
unnamed shared variable); `styled.py` the ropes printers build text from.
"""
