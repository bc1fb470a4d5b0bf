"""Theano's names for its rewrites, read as graphlens's: `Mode.excluding('local_elemwise_fusion')`.

Theano programs name rewrites in `Mode(...).including/excluding`, `optimizer_including` and
`optimizer_excluding` by Theano's own names (its optimizer functions and tags). graphlens's rules
have other names (rewrite/db.py), so a Theano name is read here as:

- the graphlens tags or rules that do the same work (`ALIASES`): excluding
  'local_elemwise_fusion' excludes graphlens's fusion;
- nothing, for a Theano rewrite graphlens has no counterpart of (`THEANO_NAMES`: its GPU, C and
  BLAS-C passes, rewrites graphlens's rules do under other names or have no need of). Excluding
  one excludes nothing, as there is nothing to exclude; including one adds nothing, and says so
  unless it only concerns a device graphlens does not have;
- a name Theano never had: ignored as Theano ignored it, with a warning naming the tags (likely
  a typo).

>>> theano_words(["local_elemwise_fusion", "gpu"], including=False)
('fusion',)
"""

from __future__ import annotations

import warnings

from graphlens.errors import GraphlensWarning

_PHASES = ("merge", "canonicalize", "stabilize", "cancel", "specialize", "share", "fusion",
           "inplace")

# Theano name -> graphlens tags or rule names doing the same work.
ALIASES = {
    **dict.fromkeys(("elemwise_fusion", "composite_elemwise_fusion", "local_elemwise_fusion",
                     "local_add_mul_fusion", "FusionOptimizer"), ("fusion",)),
    **dict.fromkeys(("inplace_opt", "inplace_elemwise_opt", "inplace_elemwise_optimizer"),
                    ("inplace",)),
    **dict.fromkeys(("merge1", "merge2", "merge3", "merge_nodes_1"), ("merge",)),
    **dict.fromkeys(("constant_folding", "topo_constant_folding", "constant_folding_for_scan2"),
                    ("constant_fold",)),
    "fast_run": _PHASES,
    **dict.fromkeys(("ShapeOpt", "local_shape_to_shape_i", "local_track_shape_i"), ("shape",)),
    **dict.fromkeys(("scan_eqopt1", "scan_eqopt2", "scanOp_save_mem", "scanOp_merge",
                     "scanOp_merge_inouts", "all_pushout_opt"), ("scan",)),
    "scanOp_pushout_seqs_ops": ("scan_hoist_sequences",),
    "scanOp_pushout_nonseqs_ops": ("scan_hoist",),
    "scanOp_pushout_output": ("scan_sum_of_products",),
    **dict.fromkeys(("scanOp_remove_constants_and_unused_inputs0",
                     "scanOp_remove_constants_and_unused_inputs1",
                     "scanop_remove_constants_and_unused_inputs2",
                     "scanOp_remove_constants_and_unused_inputs3"), ("scan_dead_outputs",)),
    **dict.fromkeys(("BlasOpt", "gemm_optimizer", "local_dot_to_dot22", "local_gemm_to_gemv",
                     "local_dot22_to_dot22scalar", "blas_opt_inplace"), ("blas",)),
    **dict.fromkeys(("crossentropy_to_crossentropy_with_softmax",
                     "crossentropy_to_crossentropy_with_softmax_with_bias",
                     "local_crossentropy_to_crossentropy_with_softmax_grad",
                     "local_advanced_indexing_crossentropy_onehot",
                     "local_advanced_indexing_crossentropy_onehot_grad",
                     "graph_merge_softmax_with_crossentropy_softmax"), ("xent",)),
    **dict.fromkeys(("local_log_softmax", "local_logsoftmax"), ("log_softmax",)),
    "local_log_sum_exp": ("log_sum_exp", "log_sum_exp_keepdims"),
    "local_log1p": ("log_one_plus",),
    "local_expm1": ("exp_minus_one",),
    "local_fill_sink": ("fill_sink",),
    "local_subtensor_lift": ("lift_subtensor",),
    "local_dimshuffle_lift": ("lift_dimshuffle",),
    **dict.fromkeys(("ifelse_condPushOut_equilibrium", "ifelse_equilibriumOpt", "ifelse_merge",
                     "ifelse_removeIdenetical", "ifelse_remove_identical_inside",
                     "ifelse_sameCondFalse", "ifelse_sameCondFalse_inside",
                     "ifelse_sameCondTrue", "ifelse_sameCondTrue_inside", "cond_lift_single_if",
                     "cond_merge_ifs_false", "cond_merge_ifs_true", "cond_remove_identical",
                     "seq_ifelse"), ("ifelse",)),
}

# Every name Theano 1.0 gave an optimizer, a tag or an optimizer database (its
# `register*(...)` calls and `local_*` rewrites), for the names ALIASES does not map.
THEANO_NAMES = frozenset((
    "AbstractConvCheck", "BlasOpt", "CheckStackTrace", "FusionOptimizer", "HintsOpt",
    "InplaceBlasOpt", "InplaceGpuaBlasOpt", "InputToGpuArrayOptimizer", "NoCuDNNRaise", "ShapeOpt",
    "UnShapeOpt", "abstract_batch_norm_db", "abstract_batch_norm_db2", "add_destroy_handler",
    "all_pushout_opt", "alloc_empty_to_zeros", "assert_no_cpu_op", "batchnorm_dnn",
    "blas_opt_inplace", "c_blas", "c_blas_destructive", "canonicalize", "canonicalize_db",
    "composite_elemwise_fusion", "cond_lift_single_if", "cond_make_inplace",
    "cond_merge_ifs_false", "cond_merge_ifs_true", "cond_merge_random_op", "cond_remove_identical",
    "constant_folding", "constant_folding_for_scan2", "conv3d2d", "conv_dnn", "conv_gemm",
    "conv_meta", "conv_metaopt", "crossentropy_to_crossentropy_with_softmax", "ctc", "cudnn",
    "cusolver", "cut_gpua_constant_transfers", "cut_gpua_host_transfers", "cxx_only",
    "elemwise_fusion", "fast_compile", "fast_compile_gpu", "fast_run", "fusion", "gemm_optimizer",
    "gpua_assert_no_cpu_op", "gpua_constant_folding", "gpua_elemwise_fusion", "gpua_inplace_opt",
    "gpua_scanOp_make_inplace", "gpuarray", "gpuarray_cut_transfers",
    "gpuarray_graph_optimization", "gpuarray_local_optimizations", "gpuarray_local_optimiziations",
    "gpuarray_opt", "graph_merge_softmax_with_crossentropy_softmax", "ifelse",
    "ifelse_condPushOut_equilibrium", "ifelse_equilibriumOpt",
    "ifelse_lift_single_if_through_acceptable_ops", "ifelse_merge", "ifelse_removeIdenetical",
    "ifelse_remove_identical_inside", "ifelse_sameCondFalse", "ifelse_sameCondFalse_inside",
    "ifelse_sameCondTrue", "ifelse_sameCondTrue_inside", "inline_ofg_expansion", "inplace",
    "inplace_elemwise_opt", "inplace_elemwise_optimizer", "inplace_opt", "inv_as_solve",
    "local_0_dot_x", "local_1msigmoid", "local_IncSubtensor_serialize", "local_abs_lift",
    "local_abs_merge", "local_abstract_batch_norm_inference",
    "local_abstract_batch_norm_inference_cudnn", "local_abstract_batch_norm_train",
    "local_abstract_batch_norm_train_cudnn", "local_abstract_batch_norm_train_grad",
    "local_abstract_batch_norm_train_grad_cudnn", "local_abstractconv3d2d",
    "local_abstractconv3d_alt", "local_abstractconv3d_cudnn_alt",
    "local_abstractconv3d_cudnn_graph", "local_abstractconv3d_gemm",
    "local_abstractconv3d_gemm_def", "local_abstractconv3d_gemm_gradweights_alt",
    "local_abstractconv3d_gradinputs", "local_abstractconv3d_gradinputs_gemm",
    "local_abstractconv3d_gradinputs_gemm_alt", "local_abstractconv3d_gradweight_gemm",
    "local_abstractconv3d_gradweights_gemm", "local_abstractconv_check",
    "local_abstractconv_cudnn", "local_abstractconv_cudnn_alt", "local_abstractconv_cudnn_graph",
    "local_abstractconv_dnn", "local_abstractconv_gemm", "local_abstractconv_gemm_alt",
    "local_abstractconv_gemm_def", "local_abstractconv_gemm_gradweights_alt",
    "local_abstractconv_gi_cudnn", "local_abstractconv_gi_dnn", "local_abstractconv_gradinputs",
    "local_abstractconv_gradinputs_gemm", "local_abstractconv_gradinputs_gemm_alt",
    "local_abstractconv_gradweight_gemm", "local_abstractconv_gradweights_gemm",
    "local_abstractconv_gw_cudnn", "local_abstractconv_gw_dnn", "local_add_canonizer",
    "local_add_mul_fusion", "local_add_specialize", "local_addsd_ccode",
    "local_adv_sub1_adv_inc_sub1", "local_advanced_indexing_crossentropy_onehot",
    "local_advanced_indexing_crossentropy_onehot_grad", "local_advincsub1_gpua_inplace",
    "local_alloc_dimshuffle", "local_alloc_elemwise", "local_alloc_empty_to_zeros",
    "local_alloc_unary", "local_argmax_pushdown", "local_assert_no_cpu_op",
    "local_batch_norm_inference_inplace", "local_batch_norm_inplace_output",
    "local_batch_norm_inplace_running_mean", "local_batch_norm_inplace_running_var",
    "local_bitwidth", "local_canonicalize_alloc", "local_cast_cast", "local_conv2d_cpu",
    "local_conv2d_gradinputs_cpu", "local_conv2d_gradweight_cpu", "local_conv_gpu_conv",
    "local_crossentropy_to_crossentropy_with_softmax_grad", "local_csm_grad_c",
    "local_csm_properties_csm", "local_ctc_no_grad", "local_cudnn_maxandargmax",
    "local_cut_gpu_transfers", "local_cut_gpua_host_gpua", "local_cut_useless_reduce",
    "local_dense_from_sparse_sparse_from_dense", "local_det_chol", "local_dimshuffle_alloc",
    "local_dimshuffle_lift", "local_dimshuffle_subtensor", "local_div_switch_sink",
    "local_div_to_inv", "local_dnn_argmax", "local_dnn_conv_alpha_merge", "local_dnn_conv_inplace",
    "local_dnn_conv_output_merge", "local_dnn_convgi_inplace", "local_dnn_convgw_inplace",
    "local_dnn_convi_alpha_merge", "local_dnn_convi_output_merge", "local_dnn_convw_alpha_merge",
    "local_dnn_convw_output_merge", "local_dnn_reduction", "local_dnna_conv_inplace",
    "local_dot22_to_dot22scalar", "local_dot22_to_ger_or_gemv", "local_dot_to_dot22",
    "local_elemwise_alloc", "local_elemwise_alloc_op", "local_elemwise_fusion",
    "local_elemwise_fusion_op", "local_elemwise_sub_zeros", "local_exp_over_1_plus_exp",
    "local_expm1", "local_fill_sink", "local_fill_to_alloc", "local_flatten_lift",
    "local_func_inv", "local_gemm_to_gemv", "local_gemm_to_ger", "local_gpu_alloc_diag",
    "local_gpu_average_pool_grad", "local_gpu_cholesky", "local_gpu_contiguous_gpu_contiguous",
    "local_gpu_crossentropycategorical1hot", "local_gpu_crossentropycategorical1hotgrad",
    "local_gpu_ctc", "local_gpu_ctc_no_grad", "local_gpu_downsample_factor_max_grad_grad",
    "local_gpu_elemwise_careduce", "local_gpu_extract_diag", "local_gpu_magma_cholesky",
    "local_gpu_magma_eigh", "local_gpu_magma_matrix_inverse", "local_gpu_magma_qr",
    "local_gpu_magma_qr_incomplete", "local_gpu_magma_svd", "local_gpu_max_pool_grad",
    "local_gpu_max_pool_rop", "local_gpu_maxandargmax", "local_gpu_pdbbreakpoint_op",
    "local_gpu_pool", "local_gpu_solve", "local_gpua_abstractconv",
    "local_gpua_advanced_boolean_incsubtensor", "local_gpua_advanced_boolean_subtensor",
    "local_gpua_advanced_incsubtensor", "local_gpua_advanced_incsubtensor1",
    "local_gpua_advanced_subtensor", "local_gpua_advanced_subtensor1", "local_gpua_alloc2",
    "local_gpua_alloc_empty", "local_gpua_alloc_empty_to_zeros", "local_gpua_assert",
    "local_gpua_assert_graph", "local_gpua_avg_pool_dnn_grad_stride", "local_gpua_careduce",
    "local_gpua_contiguous", "local_gpua_crossentropysoftmax1hotwithbiasdx",
    "local_gpua_crossentropysoftmaxargmax1hotwithbias", "local_gpua_cumop",
    "local_gpua_dimshuffle", "local_gpua_dot22", "local_gpua_dot22scalar", "local_gpua_elemwise",
    "local_gpua_error_convop", "local_gpua_eye", "local_gpua_flatten", "local_gpua_gemm",
    "local_gpua_gemm_alpha_merge", "local_gpua_gemm_output_merge", "local_gpua_gemmbatch",
    "local_gpua_gemmbatch_alpha_merge", "local_gpua_gemmbatch_output_merge", "local_gpua_gemv",
    "local_gpua_ger", "local_gpua_images2neibs", "local_gpua_inc_subtensor", "local_gpua_join",
    "local_gpua_join_1", "local_gpua_lazy_ifelse", "local_gpua_lift_abstractconv_graph",
    "local_gpua_logsoftmax_to_dnn", "local_gpua_mrg", "local_gpua_mrg_graph",
    "local_gpua_multinomial", "local_gpua_multinomial_wor", "local_gpua_pool_dnn_alternative",
    "local_gpua_pool_dnn_grad_stride", "local_gpua_print_op", "local_gpua_rebroadcast",
    "local_gpua_reshape", "local_gpua_scan_to_gpua", "local_gpua_shape", "local_gpua_shape_graph",
    "local_gpua_softmax", "local_gpua_softmax_dnn_grad", "local_gpua_softmaxwithbias",
    "local_gpua_sparseblockgemv", "local_gpua_sparseblockouter", "local_gpua_specifyShape",
    "local_gpua_specifyShape_graph", "local_gpua_split", "local_gpua_subtensor",
    "local_gpua_subtensor_graph", "local_gpua_topkop", "local_gpua_tri", "local_gpuaalloc",
    "local_gpualloc_memset_0", "local_grad_log_erfc_neg", "local_greedy_distributor",
    "local_hard_sigmoid", "local_incsubtensor_of_allocs", "local_incsubtensor_of_zeros",
    "local_incsubtensor_of_zeros_to_setsubtensor", "local_inplace_DiagonalSubtensor",
    "local_inplace_addsd_ccode", "local_inplace_gemm", "local_inplace_gemv", "local_inplace_ger",
    "local_inplace_gpu_cholesky", "local_inplace_gpu_magma_cholesky",
    "local_inplace_gpu_magma_matrix_inverse", "local_inplace_gpu_solve", "local_inplace_gpuagemm",
    "local_inplace_gpuagemmbatch", "local_inplace_gpuagemv", "local_inplace_gpuager",
    "local_inplace_incsubtensor1", "local_inplace_remove0", "local_inplace_setsubtensor",
    "local_inplace_sparse_block_gemv", "local_inplace_sparse_block_outer",
    "local_inplace_sparseblockgemv", "local_inplace_sparseblockouter", "local_intdiv_by_one",
    "local_inv_1_plus_exp", "local_inv_canon", "local_join_1", "local_join_empty",
    "local_join_make_vector", "local_lift_transpose_through_dot", "local_log1p", "local_log_add",
    "local_log_erfc", "local_log_pow", "local_log_prod_sqr", "local_log_softmax_dnn",
    "local_log_sum_exp", "local_logsoftmax", "local_logsoftmax_grad", "local_max_and_argmax",
    "local_max_to_min", "local_merge_alloc", "local_merge_switch_same_cond", "local_mul_canonizer",
    "local_mul_s_d", "local_mul_s_v", "local_mul_specialize", "local_mul_switch_sink",
    "local_mul_to_sqr", "local_mul_zero", "local_neg_div_neg", "local_neg_neg", "local_neg_to_mul",
    "local_op_of_op", "local_opt_alloc", "local_optimizer", "local_pow_canonicalize",
    "local_pow_specialize", "local_pow_specialize_device", "local_print_as_we_go_along",
    "local_rebroadcast_lift", "local_reduce_broadcastable", "local_reduce_join",
    "local_remove_all_assert", "local_remove_switch_const_cond", "local_remove_useless_assert",
    "local_reshape_chain", "local_reshape_dimshuffle", "local_reshape_lift",
    "local_reshape_to_dimshuffle", "local_sampling_dot_csr", "local_scalar_tensor_scalar",
    "local_set_to_inc_subtensor", "local_setsubtensor_of_allocs",
    "local_setsubtensor_of_constants", "local_shape_to_shape_i", "local_sigm_times_exp",
    "local_softmax_dnn", "local_softmax_grad_to_crossentropy_with_softmax_grad",
    "local_softmax_with_bias", "local_structured_add_s_v", "local_structured_dot",
    "local_subtensor_inc_subtensor", "local_subtensor_lift", "local_subtensor_make_vector",
    "local_subtensor_merge", "local_subtensor_of_alloc", "local_subtensor_of_dot",
    "local_subtensor_remove_broadcastable_index", "local_sum_prod_all_to_none",
    "local_sum_prod_div_dimshuffle", "local_sum_prod_mul_by_scalar", "local_sumsqr2dot",
    "local_tensor_scalar_tensor", "local_track_shape_i", "local_ultra_fast_sigmoid",
    "local_upcast_elemwise_constant_inputs", "local_useless_alloc", "local_useless_composite",
    "local_useless_crossentropy_softmax_1hot_with_bias_dx_alloc",
    "local_useless_dimshuffle_in_reshape", "local_useless_elemwise",
    "local_useless_elemwise_comparison", "local_useless_fill", "local_useless_inc_subtensor",
    "local_useless_inc_subtensor_alloc", "local_useless_rebroadcast", "local_useless_reduce",
    "local_useless_reshape", "local_useless_slice", "local_useless_split",
    "local_useless_subtensor", "local_useless_switch", "local_useless_tile", "local_useless_topk",
    "local_usmm", "local_usmm_csc_dense_inplace", "local_usmm_csx", "local_view_op",
    "local_zero_div", "log1msigm_to_softplus", "log1pexp_to_softplus", "logsigm_to_softplus",
    "low_memory", "magma", "make_c_gemv_destructive", "make_c_ger_destructive",
    "make_ger_destructive", "make_scipy_blas_destructive", "matrix_ops_db", "matrix_ops_db2",
    "merge", "merge1", "merge2", "merge3", "merge_nodes_1", "more_mem", "mrg_random_make_inplace",
    "name", "no_transpose_symmetric", "op_lifter", "pool_db", "pool_db2",
    "pre_local_IncSubtensor_serialize", "random_make_inplace", "random_make_inplace_mrg",
    "remove_constants_and_unused_inputs_scan", "remove_hint_nodes", "remove_tensor_copy", "scan",
    "scanOp_make_inplace", "scanOp_merge", "scanOp_merge_inouts", "scanOp_pushout_nonseqs_ops",
    "scanOp_pushout_output", "scanOp_pushout_seqs_ops",
    "scanOp_remove_constants_and_unused_inputs0", "scanOp_remove_constants_and_unused_inputs1",
    "scanOp_remove_constants_and_unused_inputs3", "scanOp_save_mem", "scan_eqopt1", "scan_eqopt2",
    "scan_merge_inouts", "scan_pushout_dot1", "scanop_remove_constants_and_unused_inputs2",
    "scipy_blas", "seq_ifelse", "specialize", "specialize_device", "stabilize",
    "tag_solve_triangular", "transinv_to_invtrans", "typed_list_inplace_opt", "uncanonicalize",
    "unsafe", "use_c_blas", "use_c_gemv", "use_c_ger", "use_scipy_ger", "useless", "xent",
))

# Names of devices and compiled code graphlens has none of: including them is silent too.
_DEVICE_WORDS = ("gpu", "cuda", "cudnn", "dnn", "magma", "cusolver", "cxx", "c_blas", "scipy_blas",
                 "ccode", "abstractconv", "conv_gemm", "conv_meta", "AbstractConv", "NoCuDNN")


def theano_words(words, including, known=(), tags=()) -> tuple:
    """`words` (rule names or tags, graphlens's or Theano's) as graphlens rule names and tags;
    `known` are graphlens's own (kept as they are). A Theano name without a counterpart is
    dropped, and a name neither knows dropped with a warning (Theano ignored unknown names).

    >>> theano_words(["fusion", "local_log_softmax"], including=False, known={"fusion"})
    ('fusion', 'log_softmax')
    """
    out = []
    for word in words:
        if word in known:
            out.append(word)
        elif word in ALIASES:
            out.extend(ALIASES[word])
        elif word in THEANO_NAMES:
            if including and not any(part in word for part in _DEVICE_WORDS):
                warnings.warn(f"Mode: graphlens has no counterpart of Theano's rewrite "
                              f"{word!r}; including it adds nothing", GraphlensWarning,
                              stacklevel=4)
        else:
            warnings.warn(f"Mode: no rewrite or tag is named {word!r} (ignored, as Theano "
                          f"ignored unknown names); tags: {', '.join(sorted(tags))}",
                          GraphlensWarning, stacklevel=4)
    return tuple(dict.fromkeys(out))
