"""Theano tutorial programs, renamed, run as written: logistic regression (logistic_sgd.py, and
by scipy's conjugate gradients over a flat theta in logistic_cg.py), the MLP with L1/L2 and
early stopping, the stacked denoising autoencoder (sda: a symbolic corruption level, In
defaults, calls by keyword), the deep belief network (dbn: RBM layers, Param defaults), the
contractive autoencoder (ca: a hand-written Jacobian penalty), LeNet with dropout, the scan
tutorial's examples, the IMDB LSTM (adadelta), the RBM, the Hybrid Monte Carlo sampler (hmc),
the Elman RNN for slot filling (rnnslu), the RNN-RBM (a Gibbs chain's scan inside the RNN's),
the API corners Theano code reaches for (f.maker.fgraph, get_default_mode, grad_clip, In
defaults), and code written as Keras' Theano backend and Lasagne call Theano (pool_3d, a list
of slices as an index, grouped conv2d, transposed convolutions, default_update on a cloned
shared variable), sparse bag-of-words models (sparse_bow: theano.sparse), an RNN sequence
labeller trained with the CTC loss (ctc_rnn: theano.tensor.nnet.ctc), and subgraph_grad,
numeric_grad, pprint.assign, function_dump and sampling_dot (gradient_tools), a variational
autoencoder (vae: MRG normal draws, Adam, givens), a character-level GRU (gru_charrnn: grad_clip,
RMSprop, sampling by multinomial inside a scan, pickled parameters) and a GAN (gan: batch
normalisation, leaky relu, two updaters over disjoint parameters) and an encoder-decoder with
attention (attention_seq2seq: masked time-major scans, attention inside the decoder's step,
greedy decoding by argmax in a second scan) and word2vec's skip-gram with negative sampling
(word2vec: rows of shared embeddings updated by inc_subtensor, written in place).

Each asserts its own results (costs fall, values match the tutorial's or numpy's, gradients
match finite differences) and a failure shows its output."""

import os
import pathlib
import runpy

import pytest

PROGRAMS = pathlib.Path(__file__).parent / "theano_programs"


@pytest.mark.parametrize("name", ["logistic_sgd", "lenet", "scan_tutorial", "lstm", "misc_api", "docs_tutorial", "custom_op", "rbm",
                                  "keras_backend_style", "lasagne_style", "hmc", "rnnslu", "rnnrbm",
                                  "mlp", "sda", "dbn", "ca", "logistic_cg", "scalar_op",
                                  "theano1_api", "sparse_bow", "ctc_rnn", "gradient_tools",
                                  "vae", "gru_charrnn", "gan", "attention_seq2seq", "word2vec"])
def test_tutorial_program_runs_renamed(name, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PROGRAM_OUT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    # A program may customise printing (pprint.assign): the global printer is restored after.
    from graphlens.printing import pprint
    monkeypatch.setattr(pprint, "printers", list(pprint.printers))
    runpy.run_path(str(PROGRAMS / f"{name}.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert out.strip(), "the program printed nothing"
    if name == "scan_tutorial":
        lines = out.splitlines()
        assert lines[0] == "[ 0.  1.  4.  9. 16. 25. 36. 49. 64. 81.]"
        assert lines[1] == "19.0"
        assert lines[-1] == "[ 2.  4.  8. 16. 32. 64.]"
    if name == "lenet":
        assert os.path.exists(tmp_path / "lenet.svg")
