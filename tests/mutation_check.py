"""Break the library on purpose, one change at a time, and check that the tests notice.

Each mutation is a one-line edit of graphlens's source (a gradient's sign, a rewrite that
declines, a precedence, a shortcut in the evaluator or in `verify_grad`) and the test files that
promise to catch it. The script copies the project into a temporary directory, applies one
mutation there, runs those test files with pytest, restores the line and goes on; the working tree
is never edited. It prints a table (mutation, caught, by which tests) and exits 1 if any mutation
survived or no longer applies to the source (its `old` text must occur exactly once).

It is not collected by pytest (the name does not start with `test_`). Run it from the project
root, in the project's virtual environment:

    python tests/mutation_check.py              # every mutation (a few minutes on 2 cores)
    python tests/mutation_check.py neg_neg ...  # only the named ones
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    """Replace `old` (which must occur once in `path`) by `new`; `tests` must go red."""

    name: str
    area: str
    path: str
    old: str
    new: str
    tests: tuple


MUTATIONS = (
    # ---- scopes and folding (#20) ---------------------------------------------------------
    Mutation("scope_one_tag_for_every_call", "scopes", "graphlens/graph/scopes.py",
             "if known is not None and known[0] is frame:", "if known is not None:",
             ("tests/graph/test_scopes.py",)),
    Mutation("gradient_outside_its_scope", "scopes", "graphlens/backprop.py",
             "        scopes.push(scopes.backward_tag(node))", "        scopes.push(None)",
             ("tests/graph/test_scopes.py",)),
    Mutation("repeats_ignore_structure", "folding", "graphlens/render/fold.py",
             "    signature = (tuple(sorted(label.values())), tuple(sorted(str(r.type) for r "
             "in roots)))", "    signature = ()",
             ("tests/render/test_fold.py",)),
    Mutation("no_fallback_on_layout_timeout", "folding", "graphlens/render/guard.py",
             "        if _is_summary(scene, fold, expand, max_nodes):", "        if True:",
             ("tests/render/test_fold.py",)),
    Mutation("wasm_layout_never_interrupted", "folding", "graphlens/render/layout.py",
             "                    timer.start()", "                    pass",
             ("tests/render/test_fold.py",)),
    # ---- sparse matrices --------------------------------------------------------------------
    Mutation("structured_dot_grad_sign", "sparse", "graphlens/sparse/products.py",
             'values = np.einsum("ek,ek->e", gz[rows], y[cols])',
             'values = -np.einsum("ek,ek->e", gz[rows], y[cols])',
             ("tests/sparse/test_sparse_ops.py",)),
    Mutation("dense_from_sparse_grad_not_structured", "sparse", "graphlens/sparse/convert.py",
             "        if self.structured:\n            return [StructuredMask()(x, gz)]",
             "        if False:\n            return [StructuredMask()(x, gz)]",
             ("tests/sparse/test_sparse_ops.py",)),
    Mutation("csm_data_shares_the_input", "sparse", "graphlens/sparse/convert.py",
             "return [x.data.copy(), x.indices.astype(INDEX_DTYPE)",
             "return [x.data, x.indices.astype(INDEX_DTYPE)",
             ("tests/sparse/test_sparse_views_and_rewrites.py",)),
    Mutation("stack_grad_wrong_axis", "sparse", "graphlens/sparse/stack.py",
             "part = dense[start:stop] if self.axis == 0 else dense[:, start:stop]",
             "part = dense[start:stop] if self.axis == 1 else dense[:, start:stop]",
             ("tests/sparse/test_sparse_structured.py",)),
    Mutation("tensor_keeps_a_sparse_operand", "sparse", "graphlens/tensor/variable.py",
             "    return isinstance(other, Variable) and not isinstance(other, TensorVariable)",
             "    return False",
             ("tests/sparse/test_sparse_ops.py",)),
    Mutation("sparse_output_not_copied", "sparse", "graphlens/compile/straight.py",
             'namespace[f"copy{k}"] = out_type.copy_value',
             'namespace[f"copy{k}"] = lambda value: value',
             ("tests/sparse/test_sparse_type.py",)),
    # ---- gradients ---------------------------------------------------------------------------
    Mutation("mod_grad_y_sign", "gradient", "graphlens/tensor/math.py",
             "unbroadcast(-gz * int_div(x, y), y)", "unbroadcast(gz * int_div(x, y), y)",
             ("tests/tensor/test_math.py",)),
    Mutation("sigmoid_grad_sign", "gradient", "graphlens/tensor/nnet/basic.py",
             "return [gz * s * (1 - s)]", "return [gz * s * (1 + s)]",
             ("tests/tensor/test_nnet.py",)),
    Mutation("vector_dot_grads_swapped", "gradient", "graphlens/tensor/blas.py",
             "return [gz * y, gz * x]", "return [gz * x, gz * y]",
             ("tests/tensor/test_blas.py",)),
    Mutation("grad_keeps_first_term_only", "gradient", "graphlens/backprop.py",
             "    if len(grad_terms) == 1:\n        return grad_terms[0]\n",
             "    if True:\n        return grad_terms[0]\n",
             ("tests/test_gradient.py",)),
    Mutation("verify_grad_first_input_only", "gradient", "graphlens/gradient_check.py",
             "for i, symbolic_grad in zip(checked, analytic):",
             "for i, symbolic_grad in list(zip(checked, analytic))[:1]:",
             ("tests/test_gradient.py",)),
    Mutation("held_constant_passes_gradient_on", "gradient", "graphlens/backprop.py",
             "            if out in constants:\n                total = None\n"
             "            else:\n                flowing = True\n",
             "            flowing = True\n",
             ("tests/test_numeric_grad.py",)),
    Mutation("numeric_grad_central_step", "gradient", "graphlens/gradient_check.py",
             "gradient[i] = (call(moved) - at_pt) / eps",
             "gradient[i] = (call(moved) - at_pt) / (2 * eps)",
             ("tests/test_numeric_grad.py",)),
    Mutation("pprint_assignment_ignored", "printing", "graphlens/printer/expression.py",
             "            if text is not None:      # the user's printer",
             "            if False:      # the user's printer",
             ("tests/render/test_pprinter.py",)),
    Mutation("sparse_lt_dense_left_not_mirrored", "sparse", "graphlens/sparse/compare.py",
             'return _switch("lt", x, y, LessThanSS, LessThanSD, GreaterThanSD)',
             'return _switch("lt", x, y, LessThanSS, LessThanSD, LessThanSD)',
             ("tests/sparse/test_sparse_compare_sampling.py",)),
    Mutation("sampling_dot_grad_in_y_doubled", "sparse", "graphlens/sparse/sampling.py",
             "dot(weighted.T, x)", "dot(weighted.T, x) * 2",
             ("tests/sparse/test_sparse_compare_sampling.py",)),
    # ---- rewrites ----------------------------------------------------------------------------
    Mutation("neg_neg_declines", "rewrite", "graphlens/rewrite/canonicalize.py",
             '    """-(-x) -> x."""\n    return fits(x, old)',
             '    """-(-x) -> x."""\n    return None',
             ("tests/rewrite/test_canonicalize.py",)),
    Mutation("merge_never_merges_nodes", "rewrite", "graphlens/rewrite/merge.py",
             "if kept is not node and kept in nodes:", "if False:",
             ("tests/rewrite/test_db.py", "tests/rewrite/test_provenance.py")),
    Mutation("constant_fold_declines", "rewrite", "graphlens/rewrite/constant_fold.py",
             'if getattr(node.op, "destroy_map", None) or type(out.type) is not TensorType:',
             "if True:",
             ("tests/rewrite/test_canonicalize.py",)),
    Mutation("crossentropy_gradient_rule_dropped", "rewrite", "graphlens/rewrite/xent.py",
             '@rewrite("stabilize", _softmax_grad(_PICKED_GRAD, _SOFTMAX), tags=STABLE)',
             "",
             ("tests/rewrite/test_xent.py",)),
    Mutation("inplace_ignores_later_readers", "rewrite", "graphlens/rewrite/inplace.py",
             "            if last.get(base) != step + step or (\n",
             "            if False or (\n",
             ("tests/rewrite/test_inplace.py",)),
    Mutation("inplace_mark_leaves_its_node_uncoloured", "rewrite", "graphlens/render/origins.py",
             "added_by.setdefault(owner, record)", "pass",
             ("tests/rewrite/test_inplace_marks.py",)),
    Mutation("rewrite_forgets_users_line", "rewrite", "graphlens/rewrite/db.py",
             "out.creation_site = old.creation_site", "pass",
             ("tests/rewrite/test_db.py",)),
    Mutation("origin_of_ignores_record_order", "rewrite", "graphlens/graph/provenance.py",
             "if index >= limit or index in used:", "if index in used:",
             ("tests/graph/test_origin_of.py", "tests/rewrite/test_provenance.py")),
    # ---- printers ----------------------------------------------------------------------------
    Mutation("mul_binds_like_add", "printer", "graphlens/graph/notation.py",
             "MUL = 30 ", "MUL = 20 ",
             ("tests/render/test_pp.py",)),
    Mutation("non_associative_right_side_unwrapped", "printer", "graphlens/printer/formula.py",
             "wrap = not (notation.right_assoc or same_associative) or precedence == COMPARE",
             "wrap = precedence == COMPARE",
             ("tests/render/test_pp.py",)),
    Mutation("double_negation_unwrapped", "printer", "graphlens/printer/formula.py",
             "if operand.precedence <= notation.precedence:",
             "if operand.precedence < notation.precedence:",
             ("tests/render/test_pp.py",)),
    Mutation("fused_label_prints_apart_from_pp", "printer", "graphlens/printer/expression.py",
             "return f\"{name}{{{label_formula(op, FORMULA_LIMIT)}}}{suffix}\"",
             "return f\"{name}{{{label_formula(op, FORMULA_LIMIT).replace(' * ', ' *  ')}}}"
             "{suffix}\"",
             ("tests/render/test_one_printer.py", "tests/rewrite/test_fusion.py")),
    Mutation("trace_names_parameters_by_list_order", "printer", "graphlens/trace/vanishing.py",
             "names = [table.name(var) for var in params]",
             "names = [graph_names([], params).name(var) for var in params]",
             ("tests/render/test_one_printer.py",)),
    Mutation("pow_groups_from_the_left", "printer", "graphlens/tensor/math.py",
             'notation = Infix("**", POW, associative=False, right_assoc=True)',
             'notation = Infix("**", POW, associative=False)',
             ("tests/render/test_pp.py",)),
    Mutation("commutative_edges_numbered", "printer", "graphlens/render/scene.py",
             'return not getattr(op, "commutative", False)', "return True",
             ("tests/render/test_dot.py",)),
    # ---- focused pictures --------------------------------------------------------------------
    Mutation("focus_hops_off_by_one", "picture", "graphlens/render/focus.py",
             "        if depth[item] == hops:", "        if depth[item] > hops:",
             ("tests/render/test_focus.py",)),
    Mutation("focus_path_keeps_all_ancestors", "picture", "graphlens/render/focus.py",
             "            if node in below:", "            if True:",
             ("tests/render/test_focus.py",)),
    Mutation("focus_route_not_marked", "picture", "graphlens/render/focus_findings.py",
             '    if focus is None or focus.kind != "route":', "    if True:",
             ("tests/render/test_focus.py",)),
    Mutation("focus_dead_gradient_unmarked", "picture", "graphlens/render/focus_findings.py",
             "        forward = ops_between(nodes, [param], [cost])",
             "        forward = set(nodes)",
             ("tests/render/test_focus.py",)),
    Mutation("focus_readers_vanish", "picture", "graphlens/render/viewbuilder.py",
             "                boundary.reader_stub(", "                (lambda *a: None)(",
             ("tests/render/test_focus.py",)),
    # ---- evaluator ---------------------------------------------------------------------------
    Mutation("nan_guard_not_plugged_in", "evaluator", "graphlens/compile/compiled.py",
             'wrap = perform_wrapper(self._hook) if self._hook else None',
             "wrap = None",
             ("tests/trace/test_nan.py", "tests/trace/test_debugmode.py")),
    Mutation("profile_counts_no_node_call", "evaluator", "graphlens/compile/profiling.py",
             "                    calls[node] += 1",
             "                    pass",
             ("tests/compile/test_profiling.py",)),
    Mutation("scan_hoists_from_the_raw_step", "loop", "graphlens/scan/rewrites.py",
             "    op = node.op.stabilized_twin",
             "    op = node.op",
             ("tests/scan/test_scan_grad.py",)),
    Mutation("debugmode_takes_any_disagreement_as_stability", "evaluator",
             "graphlens/trace/debugmode.py",
             "    return bool(np.all(new_error <= old_error))",
             "    return True",
             ("tests/trace/test_debugmode.py",)),
    Mutation("debugmode_trusts_every_rewrite", "evaluator", "graphlens/trace/debugmode.py",
             '        gap = difference(old_value, new_value, getattr(old.type, "dtype", None))',
             "        gap = None",
             ("tests/trace/test_debugmode.py",)),
    Mutation("in_place_op_before_its_readers", "evaluator", "graphlens/graph/schedule.py",
             "    if edges:\n        order = _ordered(nodes, edges)\n", "",
             ("tests/compile/test_destroy.py",)),
    Mutation("registered_rules_never_run", "rewrites", "graphlens/rewrite/db.py",
             "    rules.extend(registered.registered_rules())", "    rules.extend(())",
             ("tests/test_user_rewrites.py",)),
    Mutation("vm_walks_graph_every_call", "evaluator", "graphlens/compile/vm.py",
             "straight-line code instead).\"\"\"\n        storage = self.template.copy()\n",
             "straight-line code instead).\"\"\"\n"
             "        __import__('graphlens.graph.basic').graph.basic.toposort(\n"
             "            [node.outputs[0] for node in self.nodes])\n"
             "        storage = self.template.copy()\n",
             ("tests/compile/test_vm.py",)),
    Mutation("vm_imports_trace_in_a_function", "structure", "graphlens/compile/vm.py",
             "straight-line code instead).\"\"\"\n        storage = self.template.copy()\n",
             "straight-line code instead).\"\"\"\n"
             "        from graphlens.trace.nan import guarded_perform  # noqa: F401\n"
             "        storage = self.template.copy()\n",
             ("tests/test_imports.py",)),
    Mutation("out_borrow_ignored", "evaluator", "graphlens/compile/compiled.py",
             "alias and not (k < n_outputs and outputs[k].borrow)",
             "alias and not (k < n_outputs and False)",
             ("tests/compile/test_function.py",)),
    # ---- static shapes and value summaries (#18) ---------------------------------------------
    Mutation("static_shapes_ignore_example_inputs", "shapes", "graphlens/tensor/static_shape.py",
             "value = self.given[var] if var in self.given else test_value_of(var)",
             "value = test_value_of(var)",
             ("tests/tensor/test_static_shape.py",)),
    Mutation("static_shapes_remake_cache_ignores_lengths", "shapes",
             "graphlens/tensor/static_shape.py",
             "parts.append((var.type, shape))", "parts.append((var.type,))",
             ("tests/tensor/test_static_shape.py",)),
    Mutation("static_shapes_no_conflicts", "shapes", "graphlens/tensor/static_shape.py",
             "        if found is None:\n            # The op's own",
             "        if False:\n            # The op's own",
             ("tests/tensor/test_static_shape.py", "tests/render/test_dot.py")),
    Mutation("static_shapes_fast_path_ignores_test_values", "shapes",
             "graphlens/tensor/static_shape.py",
             'if getattr(out, "_tag", None) is not None:', "if False:",
             ("tests/tensor/test_static_shape.py",)),
    Mutation("static_shapes_remake_cache_by_constant_type", "shapes",
             "graphlens/tensor/static_shape.py",
             "parts.append(var.signature() if", "parts.append(var.type if",
             ("tests/tensor/test_static_shape.py",)),
    Mutation("debugprint_marks_a_misfit_at_its_repeats", "printer",
             "graphlens/render/debugprint.py",
             '        if node in self.expanded:\n            line.add(" ···", "mark")\n'
             '            return ()\n        if node in self.shapes.conflicts:',
             '        if node in self.shapes.conflicts and node in self.expanded:\n'
             '            line.add(" ✗ its inputs\' known shapes do not fit", "mark")\n'
             '        if node in self.expanded:\n            line.add(" ···", "mark")\n'
             '            return ()\n        if node in self.shapes.conflicts:',
             ("tests/render/test_debugprint_test_value.py",)),
    Mutation("constants_print_float32_as_float64", "printer", "graphlens/printer/naming.py",
             'frozenset("dbhilqpBHILQP")', 'frozenset("dfbhilqpBHILQP")',
             ("tests/render/test_pp.py",)),
    Mutation("scan_length_ignores_until", "shapes", "graphlens/scan/op.py",
             "and not self.has_condition else None", "else None",
             ("tests/tensor/test_static_shape.py",)),
    Mutation("value_summary_counts_nonzeros", "values", "graphlens/trace/values.py",
             "np.count_nonzero(array == 0)", "np.count_nonzero(array)",
             ("tests/trace/test_values.py",)),
    Mutation("value_summaries_overwrite_the_example", "values", "graphlens/trace/values.py",
             "arguments[position] = np.array(arguments[position], copy=True)", "pass",
             ("tests/trace/test_values.py",)),
    # ---- Theano 1.0 API: topk, Assert, pkl_utils, scan_checkpoints ---------------------------
    Mutation("topk_gradient_sign", "theano api", "graphlens/tensor/topk.py",
             "return [ScatterAlongAxis(self.axis)(zeros_like(x), positions, output_grads[0]),",
             "return [ScatterAlongAxis(self.axis)(zeros_like(x), positions, -output_grads[0]),",
             ("tests/tensor/test_topk.py",)),
    Mutation("topk_takes_every_tied_value", "theano api", "graphlens/tensor/topk.py",
             "chosen = beyond | (equal & (np.cumsum(equal, axis=axis) <= missing))",
             "chosen = beyond | equal", ("tests/tensor/test_topk.py",)),
    Mutation("unsafe_rules_in_fast_run", "theano api", "graphlens/rewrite/db.py",
             'chosen = [rule for rule in rules if "unsafe" not in rule.tags]',
             "chosen = list(rules)", ("tests/tensor/test_assertion.py",)),
    Mutation("assert_never_raises", "theano api", "graphlens/tensor/assertion.py",
             "            if not np.all(condition):", "            if False:",
             ("tests/tensor/test_assertion.py",)),
    Mutation("pickle_arrays_unnamed", "theano api", "graphlens/compile/pickling.py",
             "                self.ndarray_names[id(stored)] = obj.name",
             "                pass", ("tests/compile/test_pickling.py",)),
    Mutation("checkpoint_last_block_runs_whole", "theano api", "graphlens/scan/checkpoints.py",
             'counts = minimum(block, n_steps - arange(outer_steps, dtype="int64") * block)',
             'counts = minimum(block, n_steps + 0 * arange(outer_steps, dtype="int64"))',
             ("tests/scan/test_scan_checkpoints.py",)),
    # ---- CTC loss ----------------------------------------------------------------------------
    Mutation("ctc_skips_blank_between_repeats", "ctc", "graphlens/tensor/nnet/ctc_kernel.py",
             "    skip[:, 3::2] = compact[:, 1:] != compact[:, :-1]", "    skip[:, 3::2] = True",
             ("tests/tensor/test_ctc.py",)),
    Mutation("ctc_backward_never_skips", "ctc", "graphlens/tensor/nnet/ctc_kernel.py",
             "np.where(skip_into, onward[:, 2:], NEG_INF)", "np.full_like(onward[:, 2:], NEG_INF)",
             ("tests/tensor/test_ctc.py",)),
    Mutation("ctc_gradient_past_input_length", "ctc", "graphlens/tensor/nnet/ctc_kernel.py",
             "    grad = np.where(active, np.exp(logp) - occupancy, 0.0)",
             "    grad = np.exp(logp) - occupancy", ("tests/tensor/test_ctc.py",)),
    Mutation("ctc_gradient_ignores_cost_weights", "ctc", "graphlens/tensor/nnet/ctc.py",
             'scaled = gradient * output_grads[0].dimshuffle("x", 0, "x")',
             "scaled = gradient", ("tests/tensor/test_ctc.py",)),
    # ---- readable views: nested loops, -sum(-x), output ports, generated frames -----------
    Mutation("nested_loops_count_with_t", "views", "graphlens/scan/build.py",
             "    depth = _ENCLOSING_STEPS.get() + 1", "    depth = 1",
             ("tests/scan/test_nested_loop_names.py",)),
    Mutation("loop_depth_kept_after_fn", "views", "graphlens/scan/build.py",
             "        _ENCLOSING_STEPS.reset(token)", "        pass",
             ("tests/scan/test_nested_loop_names.py",)),
    Mutation("neg_sum_neg_on_integers", "views", "graphlens/rewrite/canonicalize.py",
             "    if is_discrete(x.dtype):\n        return None\n    return fits(Sum(",
             "    if False:\n        return None\n    return fits(Sum(",
             ("tests/rewrite/test_canonicalize.py",)),
    Mutation("neg_sum_neg_only_before_stabilize", "views", "graphlens/rewrite/canonicalize.py",
             'neg_sum_neg_late = rewrite("cancel"', 'neg_sum_neg_late = rewrite("canonicalize"',
             ("tests/rewrite/test_canonicalize.py",)),
    Mutation("several_outputs_without_ports", "views", "graphlens/render/viewbuilder.py",
             '                 if kind == "op" and len(node.outputs) > 1 else ())',
             "                 if False else ())",
             ("tests/render/test_output_ports.py",)),
    Mutation("named_inputs_as_head_labels", "views", "graphlens/render/dot.py",
             "    if edge.input is not None and edge.input < len(head_ports):",
             "    if False:", ("tests/render/test_output_ports.py",)),
    Mutation("loop_results_as_head_labels", "views", "graphlens/render/fused.py",
             "                if all(names) else ())", "                if False else ())",
             ("tests/render/test_output_ports.py", "tests/scan/test_scan_views.py")),
    Mutation("ports_always_below", "views", "graphlens/render/dot.py",
             "    sides = (PORT_SIDES[rankdir], PORT_SIDES[INPUT_SIDE_OF[rankdir]])",
             '    sides = ("s", "n")',
             ("tests/render/test_output_ports.py",)),
    Mutation("generated_init_is_the_users_line", "views", "graphlens/errors.py",
             "skipped(code.co_filename) or _is_generated(code)", "skipped(code.co_filename)",
             ("tests/test_build_errors.py",)),
    Mutation("sigmoid_kernel_python_floats", "views", "graphlens/tensor/nnet/basic.py",
             "    np.add(out, one, out=out)", "    np.add(out, 1.0, out=out)",
             ("tests/tensor/test_nnet_activations.py",)),
    # ---- session 9 ----------------------------------------------------------------------
    Mutation("ifelse_demands_every_pair", "lazy", "graphlens/tensor/conditional.py",
             "return self._picks[0] if values[0] else self._picks[1]",
             "return self._picks[0] + self._picks[1]",
             ("tests/compile/test_lazy.py",)),
    Mutation("flatten_regroups_constants", "rewrite", "graphlens/rewrite/canonicalize.py",
             "and not _constants_only(item):", ":", ("tests/rewrite/test_canonicalize.py",)),
    Mutation("one_step_scan_reads_last_row", "scan", "graphlens/scan/build.py",
             "seq_values = [_tap_slice(spec, tap)[0]", "seq_values = [_tap_slice(spec, tap)[-1]",
             ("tests/scan/test_scan_one_step.py",)),
    Mutation("helper_weights_fold_as_layers", "folding", "graphlens/render/fold.py",
             "if all(is_backward(i) for i in members):", "if False:",
             ("tests/render/test_fold.py",)),
    # ---- session 10 ---------------------------------------------------------------------
    Mutation("branch_marks_ignore_which_branch", "views", "graphlens/graph/branches.py",
             "names = branch_of.get(place) if user is choice else names_of.get(user)",
             "names = frozenset(('then',)) if user is choice else names_of.get(user)",
             ("tests/render/test_branch_overlay.py",)),
    Mutation("tuple_input_drops_its_update", "compile", "graphlens/compile/io.py",
             "    return In(variable, name=name, value=value, update=update)",
             "    return In(variable, name=name, value=value)",
             ("tests/compile/test_input_shortcuts.py",)),
    Mutation("step_edges_unnamed", "views", "graphlens/render/fused.py",
             "if var.name and _rank(node.inputs[position]) == _rank(var) + 1}}",
             "if False}}", ("tests/scan/test_scan_views.py",)),
    Mutation("print_clients_silent", "views", "graphlens/render/debugprint.py",
             "if self.clients is not None and len(set(self.clients.get(var, ()))) > 1:",
             "if False:", ("tests/render/test_debugprint.py",)),
    Mutation("destroyed_input_not_given_up", "compile", "graphlens/compile/destroy.py",
             "    return {var for var in overwritten if var in arguments}", "    return set()",
             ("tests/compile/test_destroy.py",)),
    Mutation("eigh_grad_op_sign", "linalg", "graphlens/tensor/decompositions.py",
             "inner = (v.T @ gv) / gaps", "inner = -(v.T @ gv) / gaps",
             ("tests/tensor/test_linalg_theano_ops.py",)),
    Mutation("cholesky_grad_op_triangle", "linalg", "graphlens/tensor/slinalg.py",
             "triangle = np.tril if self.lower else np.triu",
             "triangle = np.triu if self.lower else np.tril",
             ("tests/tensor/test_linalg_theano_ops.py",)),
    Mutation("construct_sparse_rows_order", "sparse", "graphlens/sparse/values.py",
             "indices = np.tile(np.asarray(ilist), cols)",
             "indices = np.repeat(np.asarray(ilist), cols)",
             ("tests/sparse/test_sparse_theano_ops.py",)),
    Mutation("corrmm_flips", "conv", "graphlens/tensor/nnet/corr_ops.py",
             '"filter_flip": False,', '"filter_flip": True,',
             ("tests/tensor/test_corr_and_conv_helpers.py",)),
    Mutation("pool_empty_window_slice", "pool", "graphlens/tensor/signal/pool_kernels.py",
             "u + (n - 1) * s + 1 if n else u", "u + (n - 1) * s + 1",
             ("tests/tensor/test_pool_theano_constructor.py",)),
    # ---- Theano's tensor/basic.py op classes (theanobasic) -------------------------------
    Mutation("split_lengths_not_checked", "theano ops", "graphlens/tensor/join.py",
             "        if np.sum(splits) != x.shape[axis]:",
             "        if False and np.sum(splits) != x.shape[axis]:",
             ("tests/tensor/test_theano_basic_ops.py",)),
    Mutation("permute_inverse_ignored", "theano ops", "graphlens/tensor/permute.py",
             "        if not inverse:", "        if True:",
             ("tests/tensor/test_theano_basic_ops.py",)),
    Mutation("max_and_argmax_gradient_everywhere", "theano ops",
             "graphlens/tensor/max_and_argmax.py",
             "        return [expand_reduced(g_max, self.axis, x.ndim) * eq(x, largest)]",
             "        return [expand_reduced(g_max, self.axis, x.ndim) + 0 * eq(x, largest)]",
             ("tests/tensor/test_theano_basic_ops.py",)),
    # ---- updated shared variables written in place (session 11) ---------------------------
    Mutation("failed_call_keeps_half_written_rows", "shared in place",
             "graphlens/compile/io.py", "                put_back(regions)\n",
             "                pass\n", ("tests/compile/test_shared_in_place.py",)),
    Mutation("shared_array_aliased_by_argument", "shared in place",
             "graphlens/compile/io.py",
             "                args, kwargs = _replaced(args, kwargs, value, value.copy())",
             "                pass", ("tests/compile/test_shared_in_place.py",)),
    Mutation("updated_shared_never_written_in_place", "shared in place",
             "graphlens/rewrite/inplace.py", "                    and not (keeps_region and base in updated)):",
             "                    and True):", ("tests/compile/test_shared_in_place.py",)),
    Mutation("lift_subtensor_ignores_broadcasting", "rewrites",
             "graphlens/rewrite/lift_subtensor.py",
             "    if any(dim == 1 and out != 1 for dim, out in zip(shape, full)):",
             "    if False:", ("tests/rewrite/test_lift_subtensor.py",)),
    Mutation("loop_step_written_every_step", "loops", "graphlens/compile/vm.py",
             "            run = self.run = straight_run(", "            run = straight_run(",
             ("tests/scan/test_step_written_once.py",)),
    Mutation("scatter_rows_keep_one_increment", "shared in place", "graphlens/tensor/scatter.py",
             "    rounds = np.arange(ordered.size) - starts[np.cumsum(first) - 1]",
             "    rounds = np.zeros(ordered.size, dtype=int)", ("tests/tensor/test_scatter.py",)),
    # ---- grad's cheap nodes (session 11, grad) -------------------------------------------
    Mutation("plain_node_all_ones_shape_wins", "build", "graphlens/tensor/plain_node.py",
             "                shape = lengths\n", "                pass\n",
             ("tests/tensor/test_plain_node.py",)),
    Mutation("plain_node_retyped_literal_stays_weak", "build", "graphlens/tensor/plain_node.py",
             "literal_constant(data, type_, dtype, ndim, type_.dtype == dtype)",
             "literal_constant(data, type_, dtype, ndim, True)",
             ("tests/tensor/test_plain_node.py",)),
    Mutation("gradient_cost_inputs_not_read", "gradients", "graphlens/compile/function.py",
             "        used |= also_read()\n", "        pass\n",
             ("tests/graph/test_gradient_costs.py",)),
)

# The 100,000-node tests check size and time, not the behaviour a mutation breaks; leaving them
# out keeps a run to minutes and its verdicts free of timing noise on a busy machine.
SKIP_SIZE_TESTS = "not 100000 and not 100k and not one_hundred_thousand"

# A mutation that makes the tests hang counts as caught, and the table says it timed out.
TIMEOUT = 600

_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)
_IGNORED = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache",
                                  ".hypothesis")


def run_tests(copy: Path, tests) -> tuple[bool, list]:
    """(all passed, [failing test ids]) for `tests` run in `copy`."""
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider",
               "-k", SKIP_SIZE_TESTS, *tests]
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, [f"(timed out after {TIMEOUT} s)"]
    return done.returncode == 0, _FAILED.findall(done.stdout)


def check(mutation: Mutation, copy: Path) -> tuple[str, list]:
    """('caught' | 'SURVIVED' | 'NOT APPLIED', failing tests) for one mutation."""
    target = copy / mutation.path
    source = target.read_text(encoding="utf-8")
    if source.count(mutation.old) != 1:
        return "NOT APPLIED", [f"{mutation.old!r} occurs {source.count(mutation.old)} times"]
    target.write_text(source.replace(mutation.old, mutation.new), encoding="utf-8")
    try:
        passed, failing = run_tests(copy, mutation.tests)
    finally:
        target.write_text(source, encoding="utf-8")
    return ("SURVIVED" if passed else "caught"), failing


def _shown(failing, limit=3) -> str:
    names = [name.split("::", 1)[-1] for name in failing]
    more = f" (+{len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def main(names) -> int:
    chosen = [m for m in MUTATIONS if not names or m.name in names]
    unknown = set(names) - {m.name for m in MUTATIONS}
    if unknown:
        print(f"no mutation named {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="graphlens-mutation-") as scratch:
        copy = Path(scratch) / "project"
        shutil.copytree(ROOT, copy, ignore=_IGNORED)
        where = subprocess.run([sys.executable, "-c", "import graphlens; print(graphlens.__file__)"],
                               cwd=copy, env=dict(os.environ, PYTHONPATH=str(copy)),
                               capture_output=True, text=True).stdout.strip()
        if not where.startswith(str(copy)):
            print(f"the copy's graphlens is not the one imported ({where})", file=sys.stderr)
            return 2
        files = sorted({path for m in chosen for path in m.tests})
        passed, failing = run_tests(copy, files)
        if not passed:
            print(f"the unmutated tests fail, so no mutation can be judged: {failing}",
                  file=sys.stderr)
            return 2
        rows, bad = [], 0
        for mutation in chosen:
            start = time.perf_counter()
            verdict, failing = check(mutation, copy)
            bad += verdict != "caught"
            rows.append((mutation.name, mutation.area, verdict, _shown(failing),
                         f"{time.perf_counter() - start:.0f}s"))
            print(f"{mutation.name}: {verdict}", file=sys.stderr, flush=True)
    print("| mutation | area | caught | by which tests | time |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{len(rows) - bad} of {len(rows)} mutations caught")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
