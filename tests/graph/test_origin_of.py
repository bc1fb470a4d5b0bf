"""graphlens/graph/provenance.py: `origin_of` follows a RewriteLog back to the original nodes,
reading each source as it was when the record that consumed it was made."""

import graphlens.tensor as T
from graphlens.graph.provenance import RewriteLog, RewriteRecord, origin_of


def _log_where_a_merge_comes_after_a_use():
    """Original nodes exp(x), cos(x), sin(x), cloned once. Then, in this order:
    0. rule `a` replaces the clone of exp(x) by a new node N;
    1. rule `b` replaces the clone of cos(x) by a new node P built from N;
    2. `merge` makes N stand for the clone of sin(x) too (a duplicate found later)."""
    x = T.dvector("x")
    originals = [T.exp(x).owner, T.cos(x).owner, T.sin(x).owner]
    clones = [T.exp(x).owner, T.cos(x).owner, T.sin(x).owner]
    log = RewriteLog(initial=dict(zip(clones, originals)))
    made_n = T.tanh(x).owner
    made_p = T.neg(made_n.outputs[0]).owner
    log.append(RewriteRecord("a", "rules.py:1", "canonicalize", (clones[0],), (made_n,),
                             clones[0].outputs[0], made_n.outputs[0], (clones[0],)))
    log.append(RewriteRecord("b", "rules.py:2", "canonicalize", (clones[1],), (made_p,),
                             clones[1].outputs[0], made_p.outputs[0], (clones[1], made_n)))
    log.append(RewriteRecord("merge", "merge.py:1", "merge", (clones[2],), (),
                             clones[2].outputs[0], made_n.outputs[0], ()))
    return log, originals, made_n, made_p


def test_a_node_merged_later_stands_for_both_copies():
    log, (exp_node, _, sin_node), made_n, _ = _log_where_a_merge_comes_after_a_use()
    origin = origin_of(made_n, log)
    assert origin.rules == ("a", "merge")
    assert origin.before == (exp_node, sin_node)


def test_what_was_built_before_a_merge_does_not_inherit_the_merged_duplicate():
    log, (exp_node, cos_node, _), _, made_p = _log_where_a_merge_comes_after_a_use()
    origin = origin_of(made_p, log)
    # N was read by record 1, before record 2 merged sin(x) into it: sin(x) is not P's origin.
    assert origin.rules == ("a", "b")
    assert origin.before == (exp_node, cos_node)
