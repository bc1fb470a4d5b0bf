"""Theano 1.0's flags that graphlens has no work for, accepted with Theano's defaults and values.

Theano programs set and read flags of Theano's C compiler, GPU back-end, BLAS and caches
(`theano.config.cxx = ''` to silence compiler warnings, `config.scan.allow_gc`,
`THEANO_FLAGS=device=cuda,dnn.enabled=False`); Theano's own tests read more
(`config.unittests.rseed`, `config.DebugMode.patience`). Each is here with Theano's default and
allowed values, so such a program runs and reads back what it set; graphlens compiles no C, has
one device (the CPU) and one evaluator, so none of them changes what graphlens computes. The
flags graphlens acts on live in `config.FLAGS` (config.py), which merges this table.

>>> THEANO_ONLY_FLAGS["cxx"][0]     # no C compiler: Theano's value when it found none
''
"""

from __future__ import annotations

import math

SWITCH = (True, False, "True", "False")
NO_EFFECT = "Theano's; graphlens compiles no C and runs on the CPU: no effect here"


def _switches(default, *names, why=NO_EFFECT):
    return {name: (default, SWITCH, why) for name in names}


def _texts(default, *names, why=NO_EFFECT):
    return {name: (default, None, why) for name in names}


# name: (Theano's default, allowed values (a tuple), a type, or None for any text, what it does)
THEANO_ONLY_FLAGS = {
    "cxx": ("", None, "Theano's C++ compiler; '' as in Theano without one: graphlens compiles "
                      "no C, so code that checks `config.cxx` takes its Python path"),
    "linker": ("cvm", ("cvm", "c|py", "py", "c", "c|py_nogc", "vm", "vm_nogc", "cvm_nogc"),
               "Theano's linker; every linker runs graphlens's one numpy evaluator"),
    "cast_policy": ("custom", ("custom", "numpy+floatX"),
                    "Theano's; graphlens always follows 'custom' (docs/upcasting.md)"),
    "int_division": ("int", ("int", "raise", "floatX"),
                     "Theano's; Python 3: `/` is true division (floatX for integers), `//` "
                     "floor division"),
    "deterministic": ("default", ("default", "more"),
                      "Theano's; numpy on the CPU is deterministic here"),
    "on_opt_error": ("warn", ("warn", "raise", "pdb", "ignore"),
                     "Theano's; a failing graphlens rewrite is a RewriteError naming the rule"),
    "on_shape_error": ("warn", ("warn", "raise"), NO_EFFECT),
    "compute_test_value_opt": ("off", ("off", "ignore", "warn", "raise", "pdb"),
                               "Theano's; rewrites never evaluate test values here"),
    "assert_no_cpu_op": ("ignore", ("ignore", "warn", "raise", "pdb"), NO_EFFECT),
    "cycle_detection": ("regular", ("regular", "fast"), NO_EFFECT),
    "check_stack_trace": ("off", ("off", "log", "warn", "raise"),
                          "Theano's; every graphlens node keeps the user's line anyway"),
    "gpuarray.sched": ("default", ("default", "multi", "single"), NO_EFFECT),
    "dnn.enabled": ("auto", ("auto", "True", "False", "no_check"), NO_EFFECT),
    "NanGuardMode.action": ("raise", ("raise", "warn", "pdb"),
                            "Theano's; graphlens's NaN guard raises"),
    **{f"numpy.seterr_{kind}": ("None", ("None", "ignore", "warn", "raise", "call", "print",
                                         "log"), "Theano's; numpy's own np.seterr applies")
       for kind in ("divide", "over", "under", "invalid")},
    "numpy.seterr_all": ("ignore", ("ignore", "warn", "raise", "call", "print", "log", "None"),
                         "Theano's; numpy's own np.seterr applies"),
    "warn.inc_subtensor1_opt": (False, SWITCH,
                                "Theano's warning about a result of its own before the fix; "
                                "graphlens never had the bug"),
    **_switches(True, "pickle_test_value", "print_active_device", "gpuarray.single_stream",
                "gpuelemwise.sync", "unpickle_function", "check_input", "DebugMode.check_py",
                "DebugMode.check_finite", "DebugMode.warn_input_not_reused",
                "profiling.time_thunks", "blas.check_openmp", "scan.allow_output_prealloc",
                "experimental.local_alloc_elemwise", "experimental.local_alloc_elemwise_assert",
                "gpu.local_elemwise_fusion"),
    "conv.assert_shape": (False, SWITCH,
                          "Theano's: abstract_conv.assert_shape checks shapes at run time "
                          "only when True"),
    **_switches(False, "force_device", "print_global_stats",
                "gpuarray.sync", "magma.enabled", "optimizer_verbose", "nocleanup",
                "lib.amdlibm", "experimental.unpickle_gpu_on_cpu", "reoptimize_unpickled_function",
                "openmp", "cache_optimizations", "DebugMode.check_c", "profiling.min_peak_memory",
                "profiling.debugprint", "profiling.ignore_first_call", "cmodule.warn_no_version",
                "cmodule.remove_gxx_opt", "cmodule.compilation_warning", "cmodule.preload_cache",
                "cmodule.debug", "scan.allow_gc", "scan.debug"),
    **{name: (default, int, NO_EFFECT) for name, default in (
        ("tensor.cmp_sloppy", 0), ("traceback.limit", 8), ("traceback.compile_limit", 0),
        ("openmp_elemwise_minsize", 200000), ("DebugMode.patience", 10),
        ("DebugMode.check_strides", 0), ("DebugMode.check_preallocated_output_ndim", 4),
        ("profiling.output_line_width", 512), ("profiling.min_memory_size", 1024),
        ("metaopt.verbose", 0), ("cmodule.age_thresh_use", 60 * 60 * 24 * 24),
        ("tensor.insert_inplace_optimizer_validate_nb", -1), ("compile.wait", 5),
        ("compile.timeout", 120))},
    **{name: (default, float, NO_EFFECT) for name, default in (
        ("gpuarray.preallocate", 0.0), ("optdb.position_cutoff", math.inf),
        ("optdb.max_use_ratio", 8.0))},
    # Theano's tests seed numpy with it (graphlens.tests.unittest_tools.fetch_seed).
    "unittests.rseed": ("666", None, "the seed Theano's unittest_tools.fetch_seed returns"),
    **_texts("", "contexts", "cuda.root", "cuda.include_path", "dnn.conv.workmem",
             "dnn.conv.workmem_bwd", "dnn.conv.algo_bwd", "dnn.base_path", "dnn.include_path",
             "dnn.library_path", "dnn.bin_path", "magma.include_path", "magma.library_path",
             "optimizer_requiring", "DebugMode.check_preallocated_output", "gcc.cxxflags",
             "blas.ldflags", "metaopt.optimizer_excluding", "metaopt.optimizer_including",
             "compiledir_format", "base_compiledir", "compiledir", "gpuarray.cache_path",
             "ctc.root"),
    **_texts("small", "dnn.conv.algo_fwd", "dnn.conv.algo_bwd_data",
             "dnn.conv.algo_bwd_filter"),
    "dnn.conv.precision": ("as_input_f32", None, NO_EFFECT),
    "vm.lazy": ("None", None, NO_EFFECT),
}
