"""The rewrites users register (Theano's `register_canonicalize`, `optdb.register`; see
graphlens/gof/opt.py), kept as Rules that the rewrite database runs with its own.

>>> register(Rule("local_my_op_to_add", "canonicalize", None, run, "model.py:12"))  # doctest: +SKIP
"""

from __future__ import annotations

# {name: Rule}, in the order registered; a name registered again replaces its rule.
RULES = {}
# Bumped by every registration: compiled functions are cached under it (compile/cache.py),
# so a graph compiled again after a new rule is rewritten with it.
version = 0


def register(rule):
    """Run `rule` (a whole-graph Rule) in its phase of every compile from now on."""
    global version
    version += 1
    RULES.pop(rule.name, None)
    RULES[rule.name] = rule
    return rule


def registered_rules() -> list:
    """The users' rules, in the order they were registered."""
    return list(RULES.values())
